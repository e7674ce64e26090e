package dev.jtune.modeling;

import dev.jtune.io.RawTensor;
import dev.jtune.JTuneException;
import dev.jtune.torch.Torch;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.StringTensorDictItem;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mirrors transformers PreTrainedModel for jtune's libtorch modules: HF initialisation, state dicts keyed by HF
 * names (the module tree <i>is</i> the checkpoint), and loading with HF's key rules and a {@link LoadReport}.
 */
public abstract class PreTrainedModel extends Module {
    static {
        dev.jtune.torch.Engine.init();
    }

    /** HF's {@code base_model_prefix} ("bert"), or "" for a bare encoder. */
    public abstract String basePrefix();

    /** The class name written into config.json's {@code architectures}. */
    public abstract String architecture();

    /** Keys that a task head adds and HF initialises when missing (classifier, pooler). */
    public abstract boolean isHeadKey(String key);

    /**
     * HF's {@code base_model_prefix} of the family ("bert", "roberta", ...), also for a bare encoder whose own
     * {@link #basePrefix()} is "": a task checkpoint's keys lose it when a bare encoder loads them.
     */
    public String baseModelPrefix() { return basePrefix(); }

    /**
     * Checkpoint keys that are expected and dropped: another task's head (BERT's {@code cls.*}, RoBERTa's
     * {@code lm_head.*}, ...) and legacy buffers ({@code position_ids}). Families add theirs.
     */
    /**
     * Checkpoint keys that live beside the base model, not under its prefix: this head's keys and other tasks'
     * heads ({@code cls.*}; RoBERTa's {@code lm_head.*}, ...). A bare-encoder checkpoint's other keys get the prefix.
     */
    public boolean isOutsideBaseModel(String key) {
        return isHeadKey(key) || key.startsWith("cls.");
    }

    public boolean isDroppedKey(String key) {
        return key.startsWith("cls.") || key.contains("cls.predictions") || key.contains("cls.seq_relationship")
                || key.endsWith("position_ids") || key.endsWith("embeddings.token_type_ids");
    }

    /** Parameters by HF name, in registration order. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        StringTensorDict d = named_parameters(true);
        for (long i = 0; i < d.size(); i++) {
            StringTensorDictItem it = d.get(i);
            // value() is a reference into the temporary dict: copy the handle (shares storage, owns a refcount)
            m.put(it.key().getString(), new Tensor(it.value()));
        }
        return m;
    }

    /**
     * HF {@code _init_weights}: Linear and Embedding weights ~ N(0, initializer_range) (not truncated), biases 0,
     * the word-embedding padding row 0, LayerNorm weight 1 and bias 0. Uses libtorch's global generator (seed it
     * with {@code Engine.manualSeed}).
     */
    public void initWeights(double initializerRange, long padTokenId) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
                initParameter(e.getKey(), e.getValue(), initializerRange, padTokenId);
            }
        }
    }

    protected static void initParameter(String name, Tensor p, double initializerRange, long padTokenId) {
        try (NoGradGuard g = new NoGradGuard()) {
            if (name.contains("LayerNorm.") || (p.dim() == 1 && name.endsWith(".weight"))) { // every norm's weight is 1-D
                if (name.endsWith(".weight")) p.fill_(new org.bytedeco.pytorch.Scalar(1.0));
                else p.zero_();
            } else if (name.endsWith(".bias")) {
                p.zero_();
            } else {
                p.normal_(0.0, initializerRange, new org.bytedeco.pytorch.GeneratorOptional());
                if ((name.endsWith("word_embeddings.weight") || name.endsWith("tok_embeddings.weight")) && padTokenId >= 0 && padTokenId < p.size(0)) {
                    p.select(0, padTokenId).zero_();
                }
            }
        }
    }

    /** A copy of every parameter as a stored float32 tensor, keyed by HF name (what model.safetensors holds). */
    public Map<String, RawTensor> stateDict() {
        Map<String, RawTensor> m = new LinkedHashMap<>();
        namedParameters().forEach((k, v) -> m.put(k, Torch.toRaw(v)));
        return m;
    }

    /** Options for {@link #loadStateDict}. */
    public record LoadOptions(boolean ignoreMismatchedSizes, double initializerRange, long padTokenId) {}

    /**
     * Loads a checkpoint's tensors with HF's key rules: {@code LayerNorm.gamma/beta} renamed; the family's prefix
     * ({@link #baseModelPrefix()}) added (task model from a bare encoder) or stripped (bare encoder from a task
     * checkpoint); {@link #isDroppedKey other tasks' heads} and legacy {@code position_ids} dropped; missing head
     * weights initialised; a shape mismatch is an error unless {@code ignoreMismatchedSizes}.
     */
    public LoadReport loadStateDict(Map<String, RawTensor> checkpoint, String source, LoadOptions opts) {
        Map<String, Tensor> params = namedParameters();
        String prefix = basePrefix().isEmpty() ? "" : basePrefix() + ".";
        List<String> renamed = new ArrayList<>();
        Map<String, RawTensor> ckpt = new LinkedHashMap<>();
        for (Map.Entry<String, RawTensor> e : checkpoint.entrySet()) {
            String k = e.getKey();
            String nk = k;
            if (nk.endsWith("LayerNorm.gamma")) nk = nk.substring(0, nk.length() - "gamma".length()) + "weight";
            else if (nk.endsWith("LayerNorm.beta")) nk = nk.substring(0, nk.length() - "beta".length()) + "bias";
            if (!nk.equals(k)) renamed.add(k);
            ckpt.put(nk, e.getValue());
        }
        String familyPrefix = baseModelPrefix() + ".";
        boolean hasPrefix = ckpt.keySet().stream().anyMatch(k -> k.startsWith(familyPrefix));
        Map<String, RawTensor> mapped = new LinkedHashMap<>();
        for (Map.Entry<String, RawTensor> e : ckpt.entrySet()) {
            String k = e.getKey();
            if (!prefix.isEmpty() && !hasPrefix && !isOutsideBaseModel(k)) k = prefix + k;
            else if (prefix.isEmpty() && k.startsWith(familyPrefix)) k = k.substring(familyPrefix.length());
            mapped.put(k, e.getValue());
        }
        List<String> loaded = new ArrayList<>(), newly = new ArrayList<>(), mismatched = new ArrayList<>(),
                dropped = new ArrayList<>(), unexpected = new ArrayList<>(), missingSuspicious = new ArrayList<>();
        List<String> mismatchErrors = new ArrayList<>();
        for (Map.Entry<String, RawTensor> e : mapped.entrySet()) {
            String k = e.getKey();
            Tensor p = params.get(k);
            if (p == null) {
                if (isDroppedKey(k)) {
                    dropped.add(k);
                } else {
                    unexpected.add(k);
                }
                continue;
            }
            long[] want = Torch.shape(p);
            long[] got = e.getValue().shape();
            if (!Arrays.equals(want, got)) {
                if (opts.ignoreMismatchedSizes()) {
                    mismatched.add(k + ": checkpoint " + Arrays.toString(got) + " vs model " + Arrays.toString(want));
                } else {
                    mismatchErrors.add("size mismatch for " + k + ": copying a param with shape " + Arrays.toString(got)
                            + " from checkpoint, the shape in current model is " + Arrays.toString(want) + ".");
                }
                continue;
            }
            try (Tensor src = Torch.fromRaw(e.getValue())) {
                Torch.copyInto(p, src);
            }
            loaded.add(k);
        }
        if (!mismatchErrors.isEmpty()) {
            boolean headOnly = mismatchErrors.stream().allMatch(m -> isHeadKey(m.substring("size mismatch for ".length(), m.indexOf(':'))));
            throw new JTuneException("Error(s) in loading state_dict for " + architecture() + " from " + source + ":\n  "
                    + String.join("\n  ", mismatchErrors),
                    headOnly ? "the checkpoint's classifier head was trained for a different number of labels (num_labels)"
                            : "every tensor in the checkpoint must have the shape config.json implies",
                    headOnly ? "pass --ignore-mismatched-sizes (HF ignore_mismatched_sizes=True) to re-initialise the head, "
                            + "or set --num-labels to the checkpoint's label count"
                            : "use the config.json that belongs to these weights");
        }
        for (String k : params.keySet()) {
            if (loaded.contains(k) || mismatched.stream().anyMatch(m -> m.startsWith(k + ":"))) continue;
            if (isHeadKey(k)) newly.add(k);
            else missingSuspicious.add(k);
        }
        return new LoadReport(source, loaded, newly, mismatched, dropped, unexpected, missingSuspicious, renamed);
    }
}
