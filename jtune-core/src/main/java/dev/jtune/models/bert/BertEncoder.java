package dev.jtune.models.bert;

import dev.jtune.modeling.AttentionImplementation;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

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
        return forward(hidden, extendedMask, null);
    }

    /**
     * With {@code unpadded} ({@link dev.jtune.modeling.Unpadded}): the layers run on the packed real tokens, and the
     * result is unpacked to (B, L, H) with zeros at the padding.
     */
    public Tensor forward(Tensor hidden, Tensor extendedMask, dev.jtune.modeling.Unpadded unpadded) {
        if (unpadded == null) {
            for (BertLayer l : layers) hidden = l.forward(hidden, extendedMask);
            return hidden;
        }
        Tensor packed = unpadded.pack(hidden); // (T, H)
        for (BertLayer l : layers) packed = l.forward(packed, extendedMask, unpadded);
        return unpadded.unpack(packed); // (B, L, H)
    }

    public void setAttentionImplementation(AttentionImplementation impl) {
        for (BertLayer l : layers) l.attention.self.implementation = impl;
    }
}
