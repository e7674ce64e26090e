package dev.jtune.models.distilbert;

import dev.jtune.torch.Embedding;
import dev.jtune.torch.Nn;
import dev.jtune.torch.Torch;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers {@code Embeddings} (modeling_distilbert): LayerNorm(word + position) then dropout. No token
 * type embeddings. With {@code sinusoidal_pos_embds} the position table is filled with sin/cos and frozen; it is
 * still a parameter, so it is saved and loaded under {@code position_embeddings.weight} as HF does.
 */
public final class DistilBertEmbeddings extends Module {
    final Embedding wordEmbeddings;
    final Embedding positionEmbeddings;
    final LayerNormImpl layerNorm;
    private final double dropoutProb;
    private final boolean sinusoidal;

    public DistilBertEmbeddings(DistilBertConfig config) {
        wordEmbeddings = register_module("word_embeddings", new Embedding(config.vocabSize, config.dim, config.padTokenId));
        positionEmbeddings = register_module("position_embeddings", new Embedding(config.maxPositionEmbeddings, config.dim, -1));
        layerNorm = register_module("LayerNorm", Nn.layerNorm(config.dim, DistilBertConfig.LAYER_NORM_EPS));
        dropoutProb = config.dropout;
        sinusoidal = config.sinusoidalPosEmbds;
    }

    /**
     * HF {@code create_sinusoidal_embeddings}, run by its {@code _init_weights} after the normal init: row pos,
     * column j holds {@code pos / 10000^(2·(j/2)/dim)} (computed in double), sin in even columns, cos in odd ones;
     * the table then needs no gradient. A no-op without {@code sinusoidal_pos_embds}.
     */
    void initSinusoidal() {
        if (!sinusoidal) return;
        Tensor w = positionEmbeddings.weight();
        int n = (int) w.size(0), dim = (int) w.size(1);
        float[] table = new float[n * dim];
        for (int pos = 0; pos < n; pos++) {
            for (int j = 0; j < dim; j++) {
                double angle = pos / Math.pow(10000, 2.0 * (j / 2) / dim);
                table[pos * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        Torch.copyInto(w, Torch.floats(table, n, dim));
        w.requires_grad_(false);
    }

    /** inputIds (B, L) -> (B, L, dim). */
    public Tensor forward(Tensor inputIds) {
        long seqLen = inputIds.size(1);
        Tensor positionIds = torch.arange(Nn.scalar(0), Nn.scalar(seqLen), new TensorOptions(torch.ScalarType.Long)).unsqueeze(0); // (1, L)
        Tensor embeddings = wordEmbeddings.forward(inputIds).add(positionEmbeddings.forward(positionIds)); // (B, L, dim)
        embeddings = layerNorm.forward(embeddings);
        return Nn.dropout(embeddings, dropoutProb, is_training());
    }
}
