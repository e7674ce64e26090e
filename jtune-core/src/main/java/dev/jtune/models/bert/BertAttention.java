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
        return forward(hidden, extendedMask, null);
    }

    /** With {@code unpadded}: hidden (T, H) packed real tokens -> (T, H). */
    public Tensor forward(Tensor hidden, Tensor extendedMask, dev.jtune.modeling.Unpadded unpadded) {
        return output.forward(self.forward(hidden, extendedMask, unpadded), hidden);
    }
}
