package dev.jtune.models.modernbert;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/** Mirrors transformers ModernBertMLP (GLU): {@code Wo(dropout(act(input) * gate))} with {@code input, gate = Wi(x).chunk(2)}. */
public final class ModernBertMLP extends Module {
    final LinearImpl wi;
    final LinearImpl wo;
    private final String act;
    private final double dropoutProb;

    public ModernBertMLP(ModernBertConfig config) {
        wi = register_module("Wi", LayerNorm.linear(config.hiddenSize, 2L * config.intermediateSize, config.mlpBias));
        wo = register_module("Wo", LayerNorm.linear(config.intermediateSize, config.hiddenSize, config.mlpBias));
        act = config.hiddenActivation;
        dropoutProb = config.mlpDropout;
    }

    /** (B, L, H) -> (B, L, H). */
    public Tensor forward(Tensor hidden) {
        TensorVector parts = wi.forward(hidden).chunk(2, -1); // 2 x (B, L, I)
        Tensor glu = Nn.activation(act, parts.get(0)).mul(parts.get(1)); // (B, L, I)
        return wo.forward(Nn.dropout(glu, dropoutProb, is_training()));
    }
}
