package dev.jtune.models.deberta_v2;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.JTuneException;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.modeling.SequenceClassifierOutput;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;

/**
 * Mirrors transformers DebertaV2ForSequenceClassification: {@code deberta} → {@code pooler} ({@link ContextPooler})
 * → dropout ({@code cls_dropout}, else {@code hidden_dropout_prob}) → {@code classifier}.
 *
 * <p>The loss: with a {@code problem_type} (config.json, explicit, or set by the Trainer from the data) it is the
 * shared rule. While {@code problem_type} is unset, HF's DeBERTa head keeps its own legacy rule and records no problem
 * type: num_labels 1 → MSE; class ids (B) → cross-entropy over the examples with a label ≥ 0 (0 when there are
 * none); label rows (B, C) → soft-label cross-entropy {@code -(log_softmax(logits) · labels).sum(-1).mean()}
 * (not BCE).
 */
public final class DebertaV2ForSequenceClassification extends SequenceClassificationModel {
    final DebertaV2Config config;
    final DebertaV2Model deberta;
    final ContextPooler pooler;
    final LinearImpl classifier;

    public DebertaV2ForSequenceClassification(DebertaV2Config config) {
        this.config = config;
        deberta = register_module("deberta", new DebertaV2Model(config));
        pooler = register_module("pooler", new ContextPooler(config));
        classifier = register_module("classifier", Nn.linear(config.hiddenSize, config.numLabels()));
        initWeights(config.initializerRange, config.padTokenId);
    }

    @Override
    public DebertaV2Config config() { return config; }

    /** {@code DebertaV2ForSequenceClassification.from_pretrained(dir)} with default options. */
    public static DebertaV2ForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, FromPretrainedOptions.defaults());
    }

    /** Loads an HF folder; new head weights are initialised as HF does, from {@code opts.seed()}. */
    public static DebertaV2ForSequenceClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, PretrainedConfig.load(dir, opts, DebertaV2Config::fromJsonObject), opts,
                DebertaV2ForSequenceClassification::new);
    }

    public DebertaV2Model deberta() { return deberta; }

    @Override
    public CheckpointLayout layout() { return DebertaV2Model.LAYOUT; }

    @Override
    public String architecture() { return "DebertaV2ForSequenceClassification"; }

    /**
     * Disentangled attention has only the eager form (HF's DeBERTa-v2 does not support {@code sdpa} and refuses it):
     * AUTO and EAGER both run eager; an explicit SDPA is refused.
     */
    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        if (impl == AttentionImplementation.SDPA) {
            throw new JTuneException("DebertaV2ForSequenceClassification does not support attn_implementation \"sdpa\"",
                    "DeBERTa's disentangled attention adds content-to-position and position-to-content scores that the fused "
                            + "scaled_dot_product_attention kernel cannot express (transformers refuses sdpa for this model too)",
                    "use attn_implementation eager or auto (both run the eager attention)");
        }
        super.setAttentionImplementation(impl);
    }

    @Override
    protected SequenceClassifierOutput classify(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        Tensor hidden = deberta.forward(inputIds, attentionMask, tokenTypeIds); // (B, L, H)
        Tensor pooled = pooler.forward(hidden); // (B, H)
        Tensor logits = classifier.forward(Nn.dropout(pooled, config.classifierDropout(), is_training())); // (B, C)
        return new SequenceClassifierOutput(null, logits, hidden, pooled, null);
    }

    /** HF's DeBERTa loss while problem_type is unset (see the class comment); the config keeps no problem type. */
    @Override
    protected Tensor lossWithoutProblemType(Tensor logits, Tensor labels) {
        int c = config.numLabels();
        if (c == 1) {
            Tensor y = labels.view(-1).to(torch.ScalarType.Float);
            return torch.mse_loss(logits.view(-1).to(y.scalar_type()), y);
        }
        if (labels.dim() == 1 || labels.size(-1) == 1) {
            Tensor y = labels.view(-1).to(torch.ScalarType.Long);
            Tensor rows = y.ge(new Scalar(0)).nonzero().view(-1); // examples with a label >= 0
            if (rows.size(0) == 0) return torch.zeros_like(logits.sum());
            return torch.cross_entropy(logits.index_select(0, rows).view(-1, c).to(torch.ScalarType.Float), y.index_select(0, rows));
        }
        Tensor y = labels.to(logits.scalar_type());
        return logits.log_softmax(-1).mul(y).sum(-1).mean().neg();
    }
}
