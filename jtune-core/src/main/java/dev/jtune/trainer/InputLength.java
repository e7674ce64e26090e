package dev.jtune.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.modeling.PretrainedConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tokenizer truncation length a command uses, decided once: the value asked for ({@code --max-length}), else
 * for a trained model what training used ({@code training_args.json} next to the weights: no train/serve skew),
 * else jtune's default 128; then clamped to what the model accepts, {@code min(tokenizer model_max_length,
 * position table)}, with a warning (never silently).
 *
 * @param value     the length to tokenize with
 * @param requested the length asked for or found, before clamping
 * @param source    where {@code requested} came from (for the log)
 * @param limit     the longest input the model accepts
 * @param warning   why the value was clamped, or null
 */
public record InputLength(int value, int requested, String source, int limit, String warning) {
    /** jtune's default when nothing else says (TrainingArguments' max_length default). */
    public static final int DEFAULT = 128;

    /**
     * @param requested the flag's value, or null when not given
     * @param flag      the flag's name for messages ({@code --max-length})
     * @param modelDir  the model folder (its {@code training_args.json} is read when {@code requested} is null), or null
     * @param tokenizerMax the tokenizer's {@code model_max_length}
     */
    public static InputLength decide(Integer requested, String flag, Path modelDir, PretrainedConfig config, int tokenizerMax) {
        int want;
        String source;
        Integer trained = requested == null ? trainedMaxLength(modelDir) : null;
        if (requested != null) {
            want = requested;
            source = flag;
        } else if (trained != null) {
            want = trained;
            source = "training_args.json of " + modelDir + " (what training used)";
        } else {
            want = DEFAULT;
            source = "default";
        }
        int limit = Math.min(tokenizerMax, config.maxPositionEmbeddings());
        String why = tokenizerMax <= config.maxPositionEmbeddings() ? "the tokenizer's model_max_length"
                : "max_position_embeddings of config.json";
        if (want > limit) {
            String w = "max_length " + want + " (" + source + ") is above the " + limit + " tokens this model accepts ("
                    + why + "): using max_length " + limit;
            return new InputLength(limit, want, source, limit, w);
        }
        return new InputLength(want, want, source, limit, null);
    }

    /** {@code max_length} of {@code dir/training_args.json}, or null when there is none. */
    public static Integer trainedMaxLength(Path dir) {
        if (dir == null) return null;
        Path f = dir.resolve("training_args.json");
        if (!Files.isRegularFile(f)) return null;
        try {
            JsonNode n = new ObjectMapper().readTree(f.toFile()).get("max_length");
            return n != null && n.canConvertToInt() && n.asInt() >= 2 ? n.asInt() : null;
        } catch (IOException e) {
            return null; // an unreadable file says nothing about the length; the default applies
        }
    }

    /** "max_length 64 (training_args.json of out (what training used))". */
    public String describe() {
        return "max_length " + value + " (" + (warning != null ? "clamped from " + requested + ", " : "") + source + ")";
    }
}
