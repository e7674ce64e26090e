package dev.jtune.models.distilbert;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Mirrors transformers {@code TransformerBlock} (modeling_distilbert), post-norm:
 * {@code h = sa_layer_norm(attention(x) + x)}, then {@code output_layer_norm(ffn(h) + h)}. There is no dropout on
 * the attention output (HF has none there); the FFN's dropout is the block's only hidden dropout.
 */
public final class DistilBertTransformerBlock extends Module {
    final DistilBertMultiHeadSelfAttention attention;
    final LayerNormImpl saLayerNorm;
    final DistilBertFFN ffn;
    final LayerNormImpl outputLayerNorm;

    public DistilBertTransformerBlock(DistilBertConfig config) {
        attention = register_module("attention", new DistilBertMultiHeadSelfAttention(config));
        saLayerNorm = register_module("sa_layer_norm", Nn.layerNorm(config.dim, DistilBertConfig.LAYER_NORM_EPS));
        ffn = register_module("ffn", new DistilBertFFN(config));
        outputLayerNorm = register_module("output_layer_norm", Nn.layerNorm(config.dim, DistilBertConfig.LAYER_NORM_EPS));
    }

    /** x (B, L, dim), extendedMask (B, 1, 1, L) -> (B, L, dim). */
    public Tensor forward(Tensor x, Tensor extendedMask) {
        Tensor sa = saLayerNorm.forward(attention.forward(x, extendedMask).add(x)); // (B, L, dim)
        return outputLayerNorm.forward(ffn.forward(sa, sa));
    }
}
