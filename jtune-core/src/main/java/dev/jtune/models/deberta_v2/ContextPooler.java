package dev.jtune.models.deberta_v2;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers ContextPooler: {@code pooler_hidden_act(dense(dropout(h[:, 0])))}, dropout {@code pooler_dropout}. */
public final class ContextPooler extends Module {
    final LinearImpl dense;
    private final String act;
    private final double dropoutProb;

    public ContextPooler(DebertaV2Config config) {
        dense = register_module("dense", Nn.linear(config.poolerHiddenSize, config.poolerHiddenSize));
        act = config.poolerHiddenAct;
        dropoutProb = config.poolerDropout;
    }

    /** (B, L, H) -> (B, H). */
    public Tensor forward(Tensor hidden) {
        Tensor first = Nn.dropout(hidden.select(1, 0), dropoutProb, is_training()); // (B, H)
        return Nn.activation(act, dense.forward(first));
    }
}
