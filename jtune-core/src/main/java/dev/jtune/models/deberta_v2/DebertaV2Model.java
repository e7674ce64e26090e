package dev.jtune.models.deberta_v2;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.PreTrainedModel;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers DebertaV2Model: embeddings (masked by the padding mask) and the relative-attention encoder.
 * No pooler here: DeBERTa's {@link ContextPooler} belongs to the task head ({@code pooler.*} beside {@code deberta.*}).
 * HF's {@code z_steps} is fixed at 0 in the model, so the last layer's output is the result.
 */
public final class DebertaV2Model extends PreTrainedModel {
    /** DeBERTa-v2/v3: pretraining heads dropped; as HF's {@code _keys_to_ignore_on_load_unexpected}, position embeddings a model without absolute positions has no use for; the sequence head's {@code pooler.} sits beside {@code deberta.}. */
    public static final CheckpointLayout LAYOUT = CheckpointLayout.of("deberta", true).withOtherTaskPrefixes("lm_predictions.", "mask_predictions.")
            .withDroppedSubstrings("position_embeddings").withSequenceHeadPrefixes("pooler.");

    final DebertaV2Config config;
    final DebertaV2Embeddings embeddings;
    final DebertaV2Encoder encoder;

    public DebertaV2Model(DebertaV2Config config) {
        config.validate("DebertaV2Model config");
        this.config = config;
        embeddings = register_module("embeddings", new DebertaV2Embeddings(config));
        encoder = register_module("encoder", new DebertaV2Encoder(config));
    }

    public DebertaV2Config config() { return config; }

    @Override
    public String basePrefix() { return ""; }

    @Override
    public String baseModelPrefix() { return LAYOUT.baseModelPrefix(); }

    @Override
    public String architecture() { return "DebertaV2Model"; }

    @Override
    public boolean isHeadKey(String key) { return false; }

    /** inputIds (B, L) int64; attentionMask (B, L) 0/1 or null (all ones); tokenTypeIds (B, L) or null (zeros) -> (B, L, H). */
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        if (tokenTypeIds == null) tokenTypeIds = torch.zeros_like(inputIds);
        Tensor mask = attentionMask == null ? torch.ones_like(inputIds) : attentionMask;
        Tensor hidden = embeddings.forward(inputIds, tokenTypeIds, mask); // (B, L, H)
        return encoder.forward(hidden, mask); // (B, L, H)
    }
}
