package dev.jtune.models.deberta_v2;

import dev.jtune.torch.Embedding;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers DebertaV2Embeddings: word embeddings (+ absolute positions only when
 * {@code position_biased_input}, + token types only when {@code type_vocab_size > 0}), {@code embed_proj} when
 * {@code embedding_size != hidden_size}, LayerNorm, then multiplied by the padding mask, then dropout.
 */
public final class DebertaV2Embeddings extends Module {
    final Embedding wordEmbeddings;
    final Embedding positionEmbeddings;
    final Embedding tokenTypeEmbeddings;
    final LinearImpl embedProj;
    final LayerNormImpl layerNorm;
    private final double dropoutProb;

    public DebertaV2Embeddings(DebertaV2Config config) {
        int e = config.embeddingSize;
        wordEmbeddings = register_module("word_embeddings", new Embedding(config.vocabSize, e, config.padTokenId));
        positionEmbeddings = config.positionBiasedInput
                ? register_module("position_embeddings", new Embedding(config.maxPositionEmbeddings, e, -1)) : null;
        tokenTypeEmbeddings = config.typeVocabSize > 0
                ? register_module("token_type_embeddings", new Embedding(config.typeVocabSize, e, -1)) : null;
        if (e != config.hiddenSize) {
            LinearOptions o = new LinearOptions(e, config.hiddenSize);
            o.bias().put(false);
            embedProj = register_module("embed_proj", new LinearImpl(o));
        } else {
            embedProj = null;
        }
        layerNorm = register_module("LayerNorm", Nn.layerNorm(config.hiddenSize, config.layerNormEps));
        dropoutProb = config.hiddenDropoutProb;
    }

    /** inputIds, tokenTypeIds (B, L) int64, mask (B, L) 0/1 -> (B, L, H). */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds, Tensor mask) {
        Tensor embeddings = wordEmbeddings.forward(inputIds); // (B, L, E)
        if (positionEmbeddings != null) {
            Tensor positionIds = torch.arange(Nn.scalar(0), Nn.scalar(inputIds.size(1)), new TensorOptions(torch.ScalarType.Long)).unsqueeze(0);
            embeddings = embeddings.add(positionEmbeddings.forward(positionIds)); // (1, L, E) broadcast
        }
        if (tokenTypeEmbeddings != null) embeddings = embeddings.add(tokenTypeEmbeddings.forward(tokenTypeIds));
        if (embedProj != null) embeddings = embedProj.forward(embeddings); // (B, L, H)
        embeddings = layerNorm.forward(embeddings);
        embeddings = embeddings.mul(mask.unsqueeze(2).to(embeddings.scalar_type())); // padding rows zeroed
        return Nn.dropout(embeddings, dropoutProb, is_training());
    }
}
