package dev.jtune.models.bert;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Mirrors transformers BertPooler: tanh(dense(h[:, 0])). */
public final class BertPooler extends Module {
    final LinearImpl dense;

    public BertPooler(BertConfig config) {
        dense = register_module("dense", Nn.linear(config.hiddenSize, config.hiddenSize));
    }

    /** (B, L, H) -> (B, H). */
    public Tensor forward(Tensor hidden) {
        Tensor first = hidden.select(1, 0); // (B, H)
        return torch.tanh(dense.forward(first));
    }
}
