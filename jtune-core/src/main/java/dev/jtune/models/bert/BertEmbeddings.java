package dev.jtune.models.bert;

import dev.jtune.torch.Embedding;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** Mirrors transformers BertEmbeddings: LayerNorm(word + token_type + position) then dropout. */
public final class BertEmbeddings extends Module {
    final Embedding wordEmbeddings;
    final Embedding positionEmbeddings;
    final Embedding tokenTypeEmbeddings;
    final LayerNormImpl layerNorm;
    private final double dropoutProb;

    public BertEmbeddings(BertConfig config) {
        wordEmbeddings = register_module("word_embeddings", new Embedding(config.vocabSize, config.hiddenSize, config.padTokenId));
        positionEmbeddings = register_module("position_embeddings", new Embedding(config.maxPositionEmbeddings, config.hiddenSize, -1));
        tokenTypeEmbeddings = register_module("token_type_embeddings", new Embedding(config.typeVocabSize, config.hiddenSize, -1));
        // "LayerNorm" keeps its capitals to match the original TF checkpoint names, as HF does.
        layerNorm = register_module("LayerNorm", Nn.layerNorm(config.hiddenSize, config.layerNormEps));
        dropoutProb = config.hiddenDropoutProb;
    }

    /** inputIds, tokenTypeIds (B, L) -> (B, L, H). */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds) {
        long seqLen = inputIds.size(1);
        Tensor positionIds = torch.arange(Nn.scalar(0), Nn.scalar(seqLen), new TensorOptions(torch.ScalarType.Long)).unsqueeze(0); // (1, L)
        Tensor embeddings = wordEmbeddings.forward(inputIds).add(tokenTypeEmbeddings.forward(tokenTypeIds)); // (B, L, H)
        embeddings = embeddings.add(positionEmbeddings.forward(positionIds));
        embeddings = layerNorm.forward(embeddings);
        return Nn.dropout(embeddings, dropoutProb, is_training());
    }
}
