package dev.jtune.modeling;

import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.AttentionImplementation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of {@code fromPretrained}, HF names camelCased: {@code num_labels}, {@code id2label},
 * {@code problem_type}, {@code ignore_mismatched_sizes}, config overrides (e.g. dropout probabilities), the seed
 * used to initialise new head weights, and the attention implementation.
 */
public record FromPretrainedOptions(Integer numLabels, List<String> labelNames, ProblemType problemType,
                                    boolean ignoreMismatchedSizes, Map<String, Object> configOverrides, long seed,
                                    AttentionImplementation attnImplementation) {

    public static FromPretrainedOptions defaults() { return builder().build(); }

    public static Builder builder() { return new Builder(); }

    /** Builder with HF defaults (seed 42, nothing overridden) and AUTO attention (SDPA in fp32 and inference, eager for bf16 training). */
    public static final class Builder {
        private Integer numLabels;
        private List<String> labelNames;
        private ProblemType problemType;
        private boolean ignoreMismatchedSizes;
        private final Map<String, Object> configOverrides = new LinkedHashMap<>();
        private long seed = 42;
        private AttentionImplementation attnImplementation = AttentionImplementation.AUTO;

        public Builder numLabels(Integer n) { this.numLabels = n; return this; }
        /** Label names in id order; sets num_labels, id2label and label2id. */
        public Builder labelNames(List<String> names) { this.labelNames = names == null ? null : List.copyOf(names); return this; }
        public Builder problemType(ProblemType p) { this.problemType = p; return this; }
        public Builder ignoreMismatchedSizes(boolean b) { this.ignoreMismatchedSizes = b; return this; }
        /** A config.json key and its value (number, string, boolean or null), applied before the model is built. */
        public Builder configOverride(String key, Object value) { this.configOverrides.put(key, value); return this; }
        public Builder configOverrides(Map<String, ?> m) { this.configOverrides.putAll(m); return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }
        public Builder attnImplementation(AttentionImplementation a) { this.attnImplementation = a; return this; }

        public FromPretrainedOptions build() {
            return new FromPretrainedOptions(numLabels, labelNames, problemType, ignoreMismatchedSizes,
                    Map.copyOf(new LinkedHashMap<>(configOverrides) {{ values().removeIf(java.util.Objects::isNull); }}),
                    seed, attnImplementation);
        }
    }
}
