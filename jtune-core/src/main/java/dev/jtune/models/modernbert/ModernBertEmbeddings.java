package dev.jtune.models.modernbert;

import dev.jtune.torch.Embedding;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers ModernBertEmbeddings: dropout(norm(tok_embeddings(ids))); no position or token type tables. */
public final class ModernBertEmbeddings extends Module {
    final Embedding tokEmbeddings;
    final LayerNorm norm;
    private final double dropoutProb;

    public ModernBertEmbeddings(ModernBertConfig config) {
        tokEmbeddings = register_module("tok_embeddings", new Embedding(config.vocabSize, config.hiddenSize, config.padTokenId));
        norm = register_module("norm", new LayerNorm(config));
        dropoutProb = config.embeddingDropout;
    }

    /** inputIds (B, L) -> (B, L, H). */
    public Tensor forward(Tensor inputIds) {
        return Nn.dropout(norm.forward(tokEmbeddings.forward(inputIds)), dropoutProb, is_training());
    }
}
