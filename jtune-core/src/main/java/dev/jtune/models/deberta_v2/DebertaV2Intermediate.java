package dev.jtune.models.deberta_v2;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers DebertaV2Intermediate (a copy of BertIntermediate): act(dense(x)), H -> intermediate_size. */
public final class DebertaV2Intermediate extends Module {
    final LinearImpl dense;
    private final String act;

    public DebertaV2Intermediate(DebertaV2Config config) {
        dense = register_module("dense", Nn.linear(config.hiddenSize, config.intermediateSize));
        act = config.hiddenAct;
    }

    /** (B, L, H) -> (B, L, I). */
    public Tensor forward(Tensor hidden) {
        return Nn.activation(act, dense.forward(hidden));
    }
}
