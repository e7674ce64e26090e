package dev.jtune.models.roberta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.models.bert.BertConfig;

/**
 * Mirrors transformers {@code RobertaConfig}: BERT's fields (transformers' RoBERTa encoder is BERT's:
 * {@code RobertaLayer} and {@code RobertaSelfAttention} subclass the BERT blocks unchanged) with RoBERTa's defaults
 * ({@code pad_token_id} 1, {@code vocab_size} 50265) and positions counted from {@code pad_token_id + 1}.
 * {@code bos_token_id} / {@code eos_token_id} are kept verbatim with the other keys. {@link XLMRobertaConfig} has the
 * same fields.
 */
public class RobertaConfig extends BertConfig {
    public RobertaConfig() { this(50265); }

    protected RobertaConfig(int defaultVocabSize) {
        this.vocabSize = defaultVocabSize;
        this.padTokenId = defaultPadTokenId();
    }

    @Override
    public String modelType() { return "roberta"; }

    @Override
    protected int defaultPadTokenId() { return 1; }

    /**
     * The longest input the position table allows: {@code max_position_embeddings - pad_token_id - 1} (514 - 2 = 512
     * for roberta-base), since positions start at {@code pad_token_id + 1}.
     */
    @Override
    public int maxPositionEmbeddings() { return maxPositionEmbeddings - padTokenId - 1; }

    /** BERT's checks (sizes, heads, activation, absolute positions), then the position table against the padding id. */
    @Override
    public void validate(String source) {
        super.validate(source);
        if (padTokenId < 0 || maxPositionEmbeddings <= padTokenId + 1) {
            throw new JTuneException("max_position_embeddings (" + maxPositionEmbeddings + ") leaves no position after pad_token_id ("
                    + padTokenId + ") in " + source,
                    modelType() + " counts positions from pad_token_id + 1, so max_position_embeddings must exceed pad_token_id + 1",
                    "fix max_position_embeddings or pad_token_id in config.json (roberta-base: 514 and 1)");
        }
    }

    /** A RoBERTa config from a parsed config.json; a {@code model_type} other than roberta is an error. */
    public static RobertaConfig fromJsonObject(ObjectNode o, String source) {
        return parseAs(new RobertaConfig(), o, source);
    }
}
