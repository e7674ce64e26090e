package dev.jtune.models.deberta_v2;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers DebertaV2SelfOutput: LayerNorm(input + dropout(dense(x))). */
public final class DebertaV2SelfOutput extends Module {
    final LinearImpl dense;
    final LayerNormImpl layerNorm;
    private final double dropoutProb;

    public DebertaV2SelfOutput(DebertaV2Config config) {
        dense = register_module("dense", Nn.linear(config.hiddenSize, config.hiddenSize));
        layerNorm = register_module("LayerNorm", Nn.layerNorm(config.hiddenSize, config.layerNormEps));
        dropoutProb = config.hiddenDropoutProb;
    }

    /** hidden (B, L, H), input (B, L, H) -> (B, L, H). */
    public Tensor forward(Tensor hidden, Tensor input) {
        return layerNorm.forward(Nn.dropoutAdd(dense.forward(hidden), input, dropoutProb, is_training()));
    }
}
