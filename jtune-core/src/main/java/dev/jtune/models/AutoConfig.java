package dev.jtune.models;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.ModelFamily;
import dev.jtune.modeling.PretrainedConfig;

import java.nio.file.Path;

/** Mirrors transformers {@code AutoConfig}: the config class chosen by config.json's {@code model_type}. */
public final class AutoConfig {
    private AutoConfig() {}

    /** The family of a model folder (config.json's {@code model_type}; "bert" when the key is missing). */
    public static ModelFamily family(Path dir) {
        Path file = dir.resolve("config.json");
        ObjectNode o = PretrainedConfig.readJsonObject(file);
        return family(o, file.toString());
    }

    static ModelFamily family(ObjectNode o, String source) {
        return ModelRegistry.forModelType(o.path("model_type").asText("bert"), source);
    }

    /** {@code AutoConfig.from_pretrained(dir)} with jtune's options (overrides, labels, problem type). */
    public static PretrainedConfig fromPretrained(Path dir, FromPretrainedOptions opts) {
        return PretrainedConfig.load(dir, opts, (json, source) -> family(json, source).readConfig(json, source));
    }

    /** A config from config.json text (tests, tools). */
    public static PretrainedConfig fromJson(String json, String source) {
        ObjectNode o = PretrainedConfig.parseJsonObject(json, source);
        return family(o, source).readConfig(o, source);
    }
}
