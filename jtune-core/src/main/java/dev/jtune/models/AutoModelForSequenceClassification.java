package dev.jtune.models;

import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.ModelFamily;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.SequenceClassificationModel;

import java.nio.file.Path;

/**
 * Mirrors transformers {@code AutoModelForSequenceClassification}: the family's {@code *ForSequenceClassification}
 * chosen by config.json's {@code model_type}, loaded with the shared rules of
 * {@link SequenceClassificationModel#fromPretrained}.
 */
public final class AutoModelForSequenceClassification {
    private AutoModelForSequenceClassification() {}

    public static SequenceClassificationModel fromPretrained(Path dir) {
        return fromPretrained(dir, FromPretrainedOptions.defaults());
    }

    public static SequenceClassificationModel fromPretrained(Path dir, FromPretrainedOptions opts) {
        PretrainedConfig config = AutoConfig.fromPretrained(dir, opts);
        ModelFamily family = ModelRegistry.forModelType(config.modelType(), dir.resolve("config.json").toString());
        return SequenceClassificationModel.fromPretrained(dir, config, opts, c -> family.sequenceModel().apply(c));
    }

    /** A freshly initialised model of the config's family (HF {@code from_config}). */
    public static SequenceClassificationModel fromConfig(PretrainedConfig config) {
        return ModelRegistry.forModelType(config.modelType(), "config").sequenceModel().apply(config);
    }
}
