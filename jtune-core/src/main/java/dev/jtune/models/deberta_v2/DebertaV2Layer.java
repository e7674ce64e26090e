package dev.jtune.models.deberta_v2;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers DebertaV2Layer: attention, intermediate, output. */
public final class DebertaV2Layer extends Module {
    final DebertaV2Attention attention;
    final DebertaV2Intermediate intermediate;
    final DebertaV2Output output;

    public DebertaV2Layer(DebertaV2Config config) {
        attention = register_module("attention", new DebertaV2Attention(config));
        intermediate = register_module("intermediate", new DebertaV2Intermediate(config));
        output = register_module("output", new DebertaV2Output(config));
    }

    /** (B, L, H) -> (B, L, H); see {@link DisentangledSelfAttention#forward} for the other arguments. */
    public Tensor forward(Tensor hidden, Tensor mask, Tensor relativePos, Tensor relEmbeddings) {
        Tensor attentionOutput = attention.forward(hidden, mask, relativePos, relEmbeddings);
        return output.forward(intermediate.forward(attentionOutput), attentionOutput);
    }
}
