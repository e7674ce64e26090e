package dev.jtune.modeling;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One encoder family as the registry (ModelRegistry, one layer up) knows it: its {@code model_type},
 * how to read its config.json, and how to build its sequence- and token-classification models. Everything else (loading,
 * saving, key rules, the loss) is shared.
 *
 * @param modelType              HF's {@code model_type} in config.json
 * @param displayName            for listings ("DistilBERT")
 * @param sequenceClassification HF's class name of the sequence head
 * @param examples               typical checkpoints, for listings
 * @param configReader           config.json (parsed) and its source name → the family's config
 * @param sequenceModel          config → a freshly initialised sequence-classification model
 * @param tokenClassification    HF's class name of the token head
 * @param tokenModel             config → a freshly initialised token-classification model
 */
public record ModelFamily(String modelType, String displayName, String sequenceClassification, String examples,
                          BiFunction<ObjectNode, String, ? extends PretrainedConfig> configReader,
                          Function<PretrainedConfig, ? extends SequenceClassificationModel> sequenceModel,
                          String tokenClassification,
                          Function<PretrainedConfig, ? extends TokenClassificationModel> tokenModel) {

    /** The family's config from a parsed config.json. */
    public PretrainedConfig readConfig(ObjectNode json, String source) {
        return configReader.apply(json, source);
    }
}
