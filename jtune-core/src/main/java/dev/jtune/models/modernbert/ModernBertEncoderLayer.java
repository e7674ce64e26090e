package dev.jtune.models.modernbert;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Mirrors transformers ModernBertEncoderLayer: pre-norm residual blocks {@code x + attn(attn_norm(x))} then
 * {@code x + mlp(mlp_norm(x))}. Layer 0's {@code attn_norm} is an Identity (the embeddings end in a norm), so it has
 * no parameters.
 */
public final class ModernBertEncoderLayer extends Module {
    final LayerNorm attnNorm;
    final ModernBertAttention attn;
    final LayerNorm mlpNorm;
    final ModernBertMLP mlp;
    /** {@code full_attention} or {@code sliding_attention}: which mask and RoPE base this layer gets. */
    final String attentionType;

    public ModernBertEncoderLayer(ModernBertConfig config, int layerIdx) {
        attnNorm = layerIdx == 0 ? null : register_module("attn_norm", new LayerNorm(config));
        attn = register_module("attn", new ModernBertAttention(config));
        mlpNorm = register_module("mlp_norm", new LayerNorm(config));
        mlp = register_module("mlp", new ModernBertMLP(config));
        attentionType = config.layerTypes.get(layerIdx);
    }

    /** hidden (B, L, H), cos/sin (1, L, d), mask additive (B, 1, 1 or L, L) -> (B, L, H). */
    public Tensor forward(Tensor hidden, Tensor cos, Tensor sin, Tensor mask) {
        Tensor normed = attnNorm == null ? hidden : attnNorm.forward(hidden);
        hidden = hidden.add(attn.forward(normed, cos, sin, mask));
        return hidden.add(mlp.forward(mlpNorm.forward(hidden)));
    }
}
