package dev.jtune.models.modernbert;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers ModernBertPredictionHead: {@code norm(act(dense(x)))}, H -> H. */
public final class ModernBertPredictionHead extends Module {
    final LinearImpl dense;
    final LayerNorm norm;
    private final String act;

    public ModernBertPredictionHead(ModernBertConfig config) {
        dense = register_module("dense", LayerNorm.linear(config.hiddenSize, config.hiddenSize, config.classifierBias));
        norm = register_module("norm", new LayerNorm(config));
        act = config.classifierActivation;
    }

    /** (..., H) -> (..., H). */
    public Tensor forward(Tensor hidden) {
        return norm.forward(Nn.activation(act, dense.forward(hidden)));
    }
}
