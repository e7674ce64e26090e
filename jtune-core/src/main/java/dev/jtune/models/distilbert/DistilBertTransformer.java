package dev.jtune.models.distilbert;

import dev.jtune.modeling.AttentionImplementation;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Mirrors transformers {@code Transformer} (modeling_distilbert): {@code layer.0 ... layer.(n_layers-1)}. */
public final class DistilBertTransformer extends Module {
    final List<DistilBertTransformerBlock> layers = new ArrayList<>();
    /** Kept referenced from Java: libtorch calls back into Java-defined modules, so none may be collected. */
    private final Module layer;

    public DistilBertTransformer(DistilBertConfig config) {
        // register_module refuses dotted names: "layer" is a container holding children "0", "1", ...
        layer = register_module("layer", new Module());
        for (int i = 0; i < config.nLayers; i++) {
            layers.add(layer.register_module(String.valueOf(i), new DistilBertTransformerBlock(config)));
        }
    }

    /** (B, L, dim) -> (B, L, dim). */
    public Tensor forward(Tensor hidden, Tensor extendedMask) {
        for (DistilBertTransformerBlock l : layers) hidden = l.forward(hidden, extendedMask);
        return hidden;
    }

    void setAttentionImplementation(AttentionImplementation impl) {
        for (DistilBertTransformerBlock l : layers) l.attention.implementation = impl;
    }
}
