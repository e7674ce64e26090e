package dev.jtune.models.bert;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers BertLayer: post-LN attention block, then post-LN feed-forward block. */
public final class BertLayer extends Module {
    final BertAttention attention;
    final BertIntermediate intermediate;
    final BertOutput output;

    public BertLayer(BertConfig config) {
        attention = register_module("attention", new BertAttention(config));
        intermediate = register_module("intermediate", new BertIntermediate(config));
        output = register_module("output", new BertOutput(config));
    }

    /** (B, L, H) -> (B, L, H). */
    public Tensor forward(Tensor hidden, Tensor extendedMask) {
        return forward(hidden, extendedMask, null);
    }

    /** With {@code unpadded}: hidden (T, H) packed real tokens -> (T, H). */
    public Tensor forward(Tensor hidden, Tensor extendedMask, dev.jtune.modeling.Unpadded unpadded) {
        Tensor attentionOutput = attention.forward(hidden, extendedMask, unpadded);
        return output.forward(intermediate.forward(attentionOutput), attentionOutput);
    }
}
