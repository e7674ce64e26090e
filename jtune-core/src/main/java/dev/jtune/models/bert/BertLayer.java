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
        Tensor attentionOutput = attention.forward(hidden, extendedMask);
        return output.forward(intermediate.forward(attentionOutput), attentionOutput);
    }

    /**
     * The packed inference path: hidden (T, H) real tokens at flat positions {@code index} of (B, L) -> (T, H). Every
     * part but attention works token by token, so it runs on the T real tokens only.
     */
    Tensor forwardPacked(Tensor hidden, Tensor extendedMask, Tensor index, long b, long l) {
        Tensor attentionOutput = attention.forwardPacked(hidden, extendedMask, index, b, l);
        return output.forward(intermediate.forward(attentionOutput), attentionOutput);
    }

    /** The last layer when only the first token's output is read: (T, H) -> (B, H), the first token of each row. */
    Tensor forwardPackedFirstTokens(Tensor hidden, Tensor extendedMask, Tensor index, Tensor first, long b, long l) {
        Tensor attentionOutput = attention.forwardPackedFirstTokens(hidden, extendedMask, index, first, b, l);
        return output.forward(intermediate.forward(attentionOutput), attentionOutput);
    }
}
