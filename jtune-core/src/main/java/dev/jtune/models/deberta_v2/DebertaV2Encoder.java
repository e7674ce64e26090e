package dev.jtune.models.deberta_v2;

import dev.jtune.torch.Embedding;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Mirrors transformers DebertaV2Encoder: {@code layer.0 ... layer.N-1}, the shared relative-position table
 * {@code rel_embeddings} (2·span rows, span = {@code position_buckets} or the max relative position), its
 * {@code LayerNorm} when {@code norm_rel_ebd} contains "layer_norm", and the optional {@code conv} after the first
 * layer. The padding mask becomes the (B, 1, L, L) pair mask {@code mask_i · mask_j}; the relative positions
 * (1, L, L) are built once per forward and shared by every layer.
 */
public final class DebertaV2Encoder extends Module {
    final List<DebertaV2Layer> layers = new ArrayList<>();
    /** Kept referenced from Java: libtorch calls back into Java-defined modules, so none may be collected. */
    private final Module layer;
    final Embedding relEmbeddings;
    final LayerNormImpl layerNorm;
    final ConvLayer conv;
    private final boolean relativeAttention;
    private final int positionBuckets;
    private final int maxRelativePositions;

    public DebertaV2Encoder(DebertaV2Config config) {
        layer = register_module("layer", new Module());
        for (int i = 0; i < config.numHiddenLayers; i++) {
            layers.add(layer.register_module(String.valueOf(i), new DebertaV2Layer(config)));
        }
        relativeAttention = config.relativeAttention;
        positionBuckets = config.positionBuckets;
        maxRelativePositions = config.effectiveMaxRelativePositions();
        relEmbeddings = relativeAttention ? register_module("rel_embeddings", new Embedding(config.relEmbeddingRows(), config.hiddenSize, -1)) : null;
        layerNorm = config.normRelEbd.contains("layer_norm")
                ? register_module("LayerNorm", Nn.layerNorm(config.hiddenSize, config.layerNormEps)) : null;
        conv = config.convKernelSize > 0 ? register_module("conv", new ConvLayer(config)) : null;
    }

    /** HF's {@code get_rel_embedding}: the table (2·span, H), layer-normalised when configured; null without relative attention. */
    Tensor relEmbedding() {
        if (relEmbeddings == null) return null;
        Tensor rel = relEmbeddings.weight();
        return layerNorm != null ? layerNorm.forward(rel) : rel;
    }

    /** hidden (B, L, H) embeddings, mask (B, L) 0/1 -> (B, L, H). */
    public Tensor forward(Tensor hidden, Tensor mask) {
        long l = hidden.size(1);
        Tensor m = mask.unsqueeze(1).unsqueeze(2); // (B, 1, 1, L)
        Tensor pairMask = m.mul(m.squeeze(-2).unsqueeze(-1)).to(torch.ScalarType.Bool); // (B, 1, L, L)
        Tensor relativePos = relativeAttention ? RelativePositions.build(l, l, positionBuckets, maxRelativePositions) : null; // (1, L, L)
        Tensor rel = relEmbedding();
        Tensor input = hidden;
        for (int i = 0; i < layers.size(); i++) {
            hidden = layers.get(i).forward(hidden, pairMask, relativePos, rel);
            if (i == 0 && conv != null) hidden = conv.forward(input, hidden, mask);
        }
        return hidden;
    }
}
