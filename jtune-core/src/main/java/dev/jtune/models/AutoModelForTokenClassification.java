package dev.jtune.models;

import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.ModelFamily;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.TaskModel;
import dev.jtune.modeling.TokenClassificationModel;

import java.nio.file.Path;

/**
 * Mirrors transformers {@code AutoModelForTokenClassification}: the family's {@code *ForTokenClassification} chosen
 * by config.json's {@code model_type}, loaded with the shared rules of {@link TaskModel#fromPretrained}.
 */
public final class AutoModelForTokenClassification {
    private AutoModelForTokenClassification() {}

    public static TokenClassificationModel fromPretrained(Path dir) {
        return fromPretrained(dir, FromPretrainedOptions.defaults());
    }

    public static TokenClassificationModel fromPretrained(Path dir, FromPretrainedOptions opts) {
        PretrainedConfig config = AutoConfig.fromPretrained(dir, opts);
        ModelFamily family = ModelRegistry.forModelType(config.modelType(), dir.resolve("config.json").toString());
        return TaskModel.fromPretrained(dir, config, opts, c -> family.tokenModel().apply(c));
    }

    /** A freshly initialised token model of the config's family (HF {@code from_config}). */
    public static TokenClassificationModel fromConfig(PretrainedConfig config) {
        return ModelRegistry.forModelType(config.modelType(), "config").tokenModel().apply(config);
    }
}
