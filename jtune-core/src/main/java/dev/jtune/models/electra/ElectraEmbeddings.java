package dev.jtune.models.electra;

import dev.jtune.torch.Embedding;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers ElectraEmbeddings: LayerNorm(word + token_type + position) then dropout, all
 * {@code embedding_size} wide (BERT's embeddings at a different width).
 */
public final class ElectraEmbeddings extends Module {
    final Embedding wordEmbeddings;
    final Embedding positionEmbeddings;
    final Embedding tokenTypeEmbeddings;
    final LayerNormImpl layerNorm;
    private final double dropoutProb;

    public ElectraEmbeddings(ElectraConfig config) {
        int e = config.embeddingSize;
        wordEmbeddings = register_module("word_embeddings", new Embedding(config.vocabSize, e, config.padTokenId));
        positionEmbeddings = register_module("position_embeddings", new Embedding(config.maxPositionEmbeddings, e, -1));
        tokenTypeEmbeddings = register_module("token_type_embeddings", new Embedding(config.typeVocabSize, e, -1));
        layerNorm = register_module("LayerNorm", Nn.layerNorm(e, config.layerNormEps));
        dropoutProb = config.hiddenDropoutProb;
    }

    /** inputIds, tokenTypeIds (B, L) -> (B, L, E). */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds) {
        long seqLen = inputIds.size(1);
        Tensor positionIds = torch.arange(Nn.scalar(0), Nn.scalar(seqLen), new TensorOptions(torch.ScalarType.Long)).unsqueeze(0); // (1, L)
        Tensor embeddings = wordEmbeddings.forward(inputIds).add(tokenTypeEmbeddings.forward(tokenTypeIds)); // (B, L, E)
        embeddings = embeddings.add(positionEmbeddings.forward(positionIds));
        embeddings = layerNorm.forward(embeddings);
        return Nn.dropout(embeddings, dropoutProb, is_training());
    }
}
