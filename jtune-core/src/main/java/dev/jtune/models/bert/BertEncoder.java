package dev.jtune.models.bert;

import dev.jtune.modeling.AttentionImplementation;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/** Mirrors transformers BertEncoder: {@code layer.0 ... layer.N-1}. */
public final class BertEncoder extends Module {
    final List<BertLayer> layers = new ArrayList<>();
    /** Kept referenced from Java: libtorch calls back into Java-defined modules (train(), ...), so none may be collected. */
    private final Module layer;

    public BertEncoder(BertConfig config) {
        // register_module refuses dotted names: "layer" is a container holding children "0", "1", ...
        layer = register_module("layer", new Module());
        for (int i = 0; i < config.numHiddenLayers; i++) {
            layers.add(layer.register_module(String.valueOf(i), new BertLayer(config)));
        }
    }

    /** (B, L, H) -> (B, L, H). */
    public Tensor forward(Tensor hidden, Tensor extendedMask) {
        for (BertLayer l : layers) hidden = l.forward(hidden, extendedMask);
        return hidden;
    }

    /**
     * A padded batch without computing the padding (training, {@link dev.jtune.modeling.Unpadded}, and logits-only
     * inference): the real tokens ({@code index}: their flat
     * positions in B·L, from the attention mask) go through every layer as one (T, H) matrix; only attention sees
     * the (B, L) layout. (B, L, H) -> (B, L, H), with zeros at the padded positions (whose values HF computes from
     * the pad embedding and every head ignores). Equal to {@link #forward} at the real positions within rounding:
     * the same operations on the same rows. Measured on SST-2 phrases (512, batches of 32 sorted by length: 17% of
     * the tokens are padding): see jtune-bench/RESULTS.md.
     */
    public Tensor forwardPacked(Tensor hidden, Tensor extendedMask, Tensor index) {
        return forwardPacked(hidden, extendedMask, index, null);
    }

    /**
     * As {@link #forwardPacked(Tensor, Tensor, Tensor)}; with {@code first} (B: the rows of {@code index} that hold
     * each row's first token), the last layer computes the first tokens only (its keys and values from every real
     * token): the output then holds each row's first token and zeros elsewhere. For heads that read nothing else
     * (BERT's pooler); the last layer's feed-forward and output projection shrink from T rows to B.
     */
    public Tensor forwardPacked(Tensor hidden, Tensor extendedMask, Tensor index, Tensor first) {
        long b = hidden.size(0), l = hidden.size(1), h = hidden.size(2);
        Tensor x = hidden.reshape(new long[] {b * l, h}).index_select(0, index); // (T, H)
        int last = first == null ? layers.size() : layers.size() - 1;
        for (int i = 0; i < last; i++) x = layers.get(i).forwardPacked(x, extendedMask, index, b, l);
        org.bytedeco.pytorch.TensorOptions o = new org.bytedeco.pytorch.TensorOptions(x.scalar_type());
        if (first == null) return torch.zeros(new long[] {b * l, h}, o).index_copy(0, index, x).view(b, l, h);
        Tensor cls = layers.get(last).forwardPackedFirstTokens(x, extendedMask, index, first, b, l); // (B, H)
        Tensor rowStarts = index.index_select(0, first); // (B) flat positions r * L
        return torch.zeros(new long[] {b * l, h}, o).index_copy(0, rowStarts, cls).view(b, l, h);
    }

    public void setAttentionImplementation(AttentionImplementation impl) {
        for (BertLayer l : layers) l.attention.self.implementation = impl;
    }
}
