package dev.jtune.models.deberta_v2;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers DebertaV2Attention: children {@code self} (disentangled attention) and {@code output}. */
public final class DebertaV2Attention extends Module {
    final DisentangledSelfAttention self;
    final DebertaV2SelfOutput output;

    public DebertaV2Attention(DebertaV2Config config) {
        self = register_module("self", new DisentangledSelfAttention(config));
        output = register_module("output", new DebertaV2SelfOutput(config));
    }

    /** (B, L, H) -> (B, L, H); see {@link DisentangledSelfAttention#forward} for the other arguments. */
    public Tensor forward(Tensor hidden, Tensor mask, Tensor relativePos, Tensor relEmbeddings) {
        return output.forward(self.forward(hidden, mask, relativePos, relEmbeddings), hidden);
    }
}
