package dev.jtune.models.roberta;

import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;

import java.nio.file.Path;

/** Mirrors transformers XLMRobertaForTokenClassification: RoBERTa's token head for model_type xlm-roberta (keys {@code roberta.*}). */
public final class XLMRobertaForTokenClassification extends RobertaForTokenClassification {
    public XLMRobertaForTokenClassification(XLMRobertaConfig config) {
        super(config);
    }

    public static XLMRobertaForTokenClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, PretrainedConfig.load(dir, opts, XLMRobertaConfig::fromJsonObject), opts,
                XLMRobertaForTokenClassification::new);
    }

    @Override
    public XLMRobertaConfig config() { return (XLMRobertaConfig) config; }

    @Override
    public String architecture() { return "XLMRobertaForTokenClassification"; }
}
