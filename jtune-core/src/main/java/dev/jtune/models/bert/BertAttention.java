package dev.jtune.models.bert;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers BertAttention: children {@code self} and {@code output}. */
public final class BertAttention extends Module {
    final BertSelfAttention self;
    final BertSelfOutput output;

    public BertAttention(BertConfig config) {
        self = register_module("self", new BertSelfAttention(config));
        output = register_module("output", new BertSelfOutput(config));
    }

    /** (B, L, H) -> (B, L, H). */
    public Tensor forward(Tensor hidden, Tensor extendedMask) {
        return output.forward(self.forward(hidden, extendedMask), hidden);
    }

    /** The packed inference path: hidden (T, H) real tokens at flat positions {@code index} of (B, L) -> (T, H). */
    Tensor forwardPacked(Tensor hidden, Tensor extendedMask, Tensor index, long b, long l) {
        return output.forward(self.forwardPacked(hidden, extendedMask, index, b, l), hidden);
    }

    /** The first tokens only: hidden (T, H), {@code first} (B) their rows in it -> (B, H). */
    Tensor forwardPackedFirstTokens(Tensor hidden, Tensor extendedMask, Tensor index, Tensor first, long b, long l) {
        return output.forward(self.forwardPackedFirstTokens(hidden, extendedMask, index, b, l), hidden.index_select(0, first));
    }
}
