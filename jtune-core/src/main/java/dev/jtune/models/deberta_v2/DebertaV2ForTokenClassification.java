package dev.jtune.models.deberta_v2;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.JTuneException;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.TokenClassificationModel;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;

/**
 * Mirrors transformers DebertaV2ForTokenClassification: {@code deberta} → dropout ({@code hidden_dropout_prob}; HF
 * does not read {@code cls_dropout} here) → {@code classifier} on every token. No ContextPooler.
 */
public final class DebertaV2ForTokenClassification extends TokenClassificationModel {
    final DebertaV2Config config;
    final DebertaV2Model deberta;

    public DebertaV2ForTokenClassification(DebertaV2Config config) {
        this.config = config;
        deberta = register_module("deberta", new DebertaV2Model(config));
        registerClassifier(config.hiddenSize, config.numLabels());
        initWeights(config.initializerRange, config.padTokenId);
    }

    public static DebertaV2ForTokenClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, PretrainedConfig.load(dir, opts, DebertaV2Config::fromJsonObject), opts,
                DebertaV2ForTokenClassification::new);
    }

    @Override
    public DebertaV2Config config() { return config; }

    @Override
    public CheckpointLayout layout() { return DebertaV2Model.LAYOUT; }

    @Override
    public String architecture() { return "DebertaV2ForTokenClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        if (impl == AttentionImplementation.SDPA) {
            throw new JTuneException("DebertaV2ForTokenClassification does not support attn_implementation \"sdpa\"",
                    "DeBERTa's disentangled attention cannot be expressed by the fused scaled_dot_product_attention kernel "
                            + "(transformers refuses sdpa for this model too)",
                    "use attn_implementation eager or auto (both run the eager attention)");
        }
        super.setAttentionImplementation(impl);
    }

    @Override
    protected Tensor encode(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        return deberta.forward(inputIds, attentionMask, tokenTypeIds);
    }

    @Override
    protected double classifierDropout() { return config.hiddenDropoutProb; }
}
