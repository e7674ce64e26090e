package dev.jtune.models.roberta;

import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;

import java.nio.file.Path;

/**
 * Mirrors transformers XLMRobertaForSequenceClassification: {@link RobertaForSequenceClassification} with
 * {@link XLMRobertaConfig}; the parameter names keep the {@code roberta.} prefix, as in HF.
 */
public final class XLMRobertaForSequenceClassification extends RobertaForSequenceClassification {
    public XLMRobertaForSequenceClassification(XLMRobertaConfig config) {
        super(config);
    }

    @Override
    public XLMRobertaConfig config() { return (XLMRobertaConfig) config; }

    /** {@code XLMRobertaForSequenceClassification.from_pretrained(dir)} with default options. */
    public static XLMRobertaForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, FromPretrainedOptions.defaults());
    }

    /** As {@link RobertaForSequenceClassification#fromPretrained(Path, FromPretrainedOptions)}, for model_type xlm-roberta. */
    public static XLMRobertaForSequenceClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, PretrainedConfig.load(dir, opts, XLMRobertaConfig::fromJsonObject), opts,
                XLMRobertaForSequenceClassification::new);
    }

    @Override
    public String architecture() { return "XLMRobertaForSequenceClassification"; }
}
