package dev.jtune.models.deberta_v2;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers DebertaV2Output: LayerNorm(attention_output + dropout(dense(x))), intermediate_size -> H. */
public final class DebertaV2Output extends Module {
    final LinearImpl dense;
    final LayerNormImpl layerNorm;
    private final double dropoutProb;

    public DebertaV2Output(DebertaV2Config config) {
        dense = register_module("dense", Nn.linear(config.intermediateSize, config.hiddenSize));
        layerNorm = register_module("LayerNorm", Nn.layerNorm(config.hiddenSize, config.layerNormEps));
        dropoutProb = config.hiddenDropoutProb;
    }

    /** hidden (B, L, I), attentionOutput (B, L, H) -> (B, L, H). */
    public Tensor forward(Tensor hidden, Tensor attentionOutput) {
        return layerNorm.forward(Nn.dropoutAdd(dense.forward(hidden), attentionOutput, dropoutProb, is_training()));
    }
}
