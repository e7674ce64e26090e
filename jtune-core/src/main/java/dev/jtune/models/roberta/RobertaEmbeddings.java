package dev.jtune.models.roberta;

import dev.jtune.JTuneException;
import dev.jtune.torch.Embedding;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers RobertaEmbeddings: LayerNorm(word + token_type + position) then dropout, where the position
 * ids come from the input ids ({@link #positionIds}) and the position table has a padding row at
 * {@code pad_token_id}.
 */
public final class RobertaEmbeddings extends Module {
    final Embedding wordEmbeddings;
    final Embedding tokenTypeEmbeddings;
    final LayerNormImpl layerNorm;
    final Embedding positionEmbeddings;
    private final int paddingIdx;
    private final int maxPositions;
    private final double dropoutProb;

    public RobertaEmbeddings(RobertaConfig config) {
        paddingIdx = config.padTokenId;
        maxPositions = config.maxPositionEmbeddings;
        // registered in HF's order (position_embeddings last: RobertaEmbeddings replaces BertEmbeddings' table)
        wordEmbeddings = register_module("word_embeddings", new Embedding(config.vocabSize, config.hiddenSize, paddingIdx));
        tokenTypeEmbeddings = register_module("token_type_embeddings", new Embedding(config.typeVocabSize, config.hiddenSize, -1));
        layerNorm = register_module("LayerNorm", Nn.layerNorm(config.hiddenSize, config.layerNormEps));
        positionEmbeddings = register_module("position_embeddings", new Embedding(config.maxPositionEmbeddings, config.hiddenSize, paddingIdx));
        dropoutProb = config.hiddenDropoutProb;
    }

    /**
     * HF's {@code create_position_ids_from_input_ids} (fairseq's {@code make_positions}): non-padding tokens are
     * numbered {@code pad + 1, pad + 2, ...} in order, padding tokens get {@code pad}. (B, L) -> (B, L) int64.
     */
    static Tensor positionIds(Tensor inputIds, long paddingIdx) {
        Scalar pad = new Scalar(paddingIdx); // an integer Scalar: a double one would promote the ids to float
        Tensor mask = inputIds.ne(pad).to(torch.ScalarType.Long); // (B, L) 1 on tokens
        return torch.cumsum(mask, 1).mul(mask).add(pad); // (B, L) int64
    }

    /** inputIds, tokenTypeIds (B, L) -> (B, L, H); tokenTypeIds null means zeros (HF's buffer). */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds) {
        long seqLen = inputIds.size(1);
        if (seqLen + paddingIdx >= maxPositions) {
            throw new JTuneException("a sequence of " + seqLen + " tokens is longer than the position table allows ("
                    + (maxPositions - paddingIdx - 1) + " = max_position_embeddings " + maxPositions + " - pad_token_id " + paddingIdx + " - 1)",
                    "RoBERTa-style models number positions from pad_token_id + 1",
                    "lower --max-length to " + (maxPositions - paddingIdx - 1) + " or less");
        }
        if (tokenTypeIds == null) tokenTypeIds = torch.zeros_like(inputIds);
        Tensor embeddings = wordEmbeddings.forward(inputIds).add(tokenTypeEmbeddings.forward(tokenTypeIds)); // (B, L, H)
        embeddings = embeddings.add(positionEmbeddings.forward(positionIds(inputIds, paddingIdx)));
        embeddings = layerNorm.forward(embeddings);
        return Nn.dropout(embeddings, dropoutProb, is_training());
    }

    /** HF's init zeroes the padding row of every Embedding with a padding_idx; the shared init covers words only. */
    void zeroPositionPaddingRow() {
        try (NoGradGuard g = new NoGradGuard()) {
            positionEmbeddings.weight().select(0, paddingIdx).zero_();
        }
    }
}
