package dev.jtune.models.modernbert;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.PreTrainedModel;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Mirrors transformers ModernBertModel (the padded, non-flash path): embeddings, {@code layers.0..N-1} and
 * {@code final_norm}. Each layer gets the mask and the rotary (cos, sin) of its layer type: full-attention layers the
 * padding mask, sliding-attention layers the padding mask plus a window {@code |i - j| <= local_attention // 2}.
 */
public final class ModernBertModel extends PreTrainedModel {
    /** ModernBERT: no token type ids; the masked-LM {@code decoder} (tied to the embeddings) is dropped; both heads have the prediction {@code head}. */
    public static final CheckpointLayout LAYOUT = CheckpointLayout.of("model", false).withOtherTaskPrefixes("decoder.")
            .withSequenceHeadPrefixes("head.").withTokenHeadPrefixes("head.");

    /** float32 min, HF's mask value ({@code torch.finfo(float32).min}). */
    static final double FLOAT32_MIN = -3.4028234663852886e38;

    final ModernBertConfig config;
    final ModernBertEmbeddings embeddings;
    final List<ModernBertEncoderLayer> layers = new ArrayList<>();
    /** Kept referenced from Java: libtorch calls back into Java-defined modules, so none may be collected. */
    private final Module layerList;
    final LayerNorm finalNorm;
    final ModernBertRotaryEmbedding rotaryEmb;

    public ModernBertModel(ModernBertConfig config) {
        config.validate("ModernBertModel config");
        this.config = config;
        embeddings = register_module("embeddings", new ModernBertEmbeddings(config));
        // register_module refuses dotted names: "layers" is a container holding children "0", "1", ...
        layerList = register_module("layers", new Module());
        for (int i = 0; i < config.numHiddenLayers; i++) {
            layers.add(layerList.register_module(String.valueOf(i), new ModernBertEncoderLayer(config, i)));
        }
        finalNorm = register_module("final_norm", new LayerNorm(config));
        rotaryEmb = new ModernBertRotaryEmbedding(config);
    }

    public ModernBertConfig config() { return config; }

    @Override
    public String basePrefix() { return ""; }

    @Override
    public String baseModelPrefix() { return LAYOUT.baseModelPrefix(); }

    @Override
    public String architecture() { return "ModernBertModel"; }

    @Override
    public boolean isHeadKey(String key) { return false; }

    /** inputIds (B, L) int64; attentionMask (B, L) 0/1 or null (all ones) -> last hidden state (B, L, H). */
    public Tensor forward(Tensor inputIds, Tensor attentionMask) {
        long seqLen = inputIds.size(1);
        Tensor mask = attentionMask == null ? torch.ones_like(inputIds) : attentionMask;
        Tensor hidden = embeddings.forward(inputIds); // (B, L, H)
        Map<String, Tensor> masks = new HashMap<>();
        Map<String, Tensor[]> rope = new HashMap<>();
        for (ModernBertEncoderLayer layer : layers) {
            String type = layer.attentionType;
            if (!masks.containsKey(type)) {
                masks.put(type, attentionMask(mask, type));
                rope.put(type, rotaryEmb.forward(seqLen, type));
            }
            Tensor[] cosSin = rope.get(type);
            hidden = layer.forward(hidden, cosSin[0], cosSin[1], masks.get(type)); // (B, L, H)
        }
        return finalNorm.forward(hidden);
    }

    /**
     * The additive mask of a layer type: 0 where a query may attend a key, float32 min elsewhere. Full attention:
     * padding only, (B, 1, 1, L). Sliding attention: also keys farther than {@code local_attention // 2}, (B, 1, L, L).
     */
    Tensor attentionMask(Tensor mask, String layerType) {
        Tensor m = mask.to(torch.ScalarType.Float).unsqueeze(1).unsqueeze(2); // (B, 1, 1, L)
        Tensor padding = m.mul(Nn.scalar(-1.0)).add(Nn.scalar(1.0)).mul(Nn.scalar(FLOAT32_MIN));
        if (!ModernBertConfig.SLIDING_ATTENTION.equals(layerType)) return padding;
        Tensor pos = torch.arange(Nn.scalar(0), Nn.scalar(mask.size(1)), new TensorOptions(torch.ScalarType.Long)); // (L)
        Tensor outside = pos.unsqueeze(1).sub(pos.unsqueeze(0)).abs().gt(Nn.scalar(config.slidingWindow())); // (L, L)
        return padding.masked_fill(outside, Nn.scalar(FLOAT32_MIN)); // (B, 1, L, L)
    }

    public void setAttentionImplementation(AttentionImplementation impl) {
        for (ModernBertEncoderLayer l : layers) l.attn.implementation = impl;
    }
}
