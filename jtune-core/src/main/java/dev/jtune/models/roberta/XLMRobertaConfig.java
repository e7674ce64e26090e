package dev.jtune.models.roberta;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mirrors transformers {@code XLMRobertaConfig}: RoBERTa's fields under {@code model_type} "xlm-roberta" (HF's
 * default {@code vocab_size} is 30522 here; real checkpoints give 250002).
 */
public final class XLMRobertaConfig extends RobertaConfig {
    public XLMRobertaConfig() { super(30522); }

    @Override
    public String modelType() { return "xlm-roberta"; }

    /** An XLM-RoBERTa config from a parsed config.json; a {@code model_type} other than xlm-roberta is an error. */
    public static XLMRobertaConfig fromJsonObject(ObjectNode o, String source) {
        return parseAs(new XLMRobertaConfig(), o, source);
    }
}
