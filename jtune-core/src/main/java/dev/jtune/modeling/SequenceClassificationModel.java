package dev.jtune.modeling;

import dev.jtune.losses.LossSelection;
import dev.jtune.losses.SequenceClassificationLoss;
import org.bytedeco.pytorch.Tensor;

/**
 * What every {@code *ForSequenceClassification} shares (HF writes it into each head class; jtune writes it once):
 * the forward contract (logits from the family's encoder and head, then the loss chosen by {@code problem_type}
 * through {@link LossSelection} and {@link SequenceClassificationLoss}); {@code from_pretrained} and
 * {@code save_pretrained} are {@link TaskModel}'s. A family contributes its config, its module tree and {@link #classify}.
 */
public abstract class SequenceClassificationModel extends TaskModel {
    /** The keys HF initialises when they are missing from a checkpoint: the classifier and the family's other head modules. */
    @Override
    public boolean isHeadKey(String key) { return layout().isSequenceHeadKey(key); }


    /**
     * The family's encoder and head without a loss: inputIds, attentionMask, tokenTypeIds (B, L) (mask or types
     * may be null: all ones / zeros) → logits (B, num_labels), the last hidden state (B, L, H) and the pooled
     * vector (B, H) where the family has one (else null). Loss and lossSelection are null.
     */
    protected abstract SequenceClassifierOutput classify(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds);

    /** Forward without labels: logits (B, num_labels), no loss. */
    @Override
    public final SequenceClassifierOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        return forward(inputIds, attentionMask, tokenTypeIds, null);
    }

    /**
     * inputIds, attentionMask, tokenTypeIds (B, L); labels: (B) int64 class ids, (B) or (B, 1) float scores,
     * (B, C) float/int/bool multi-hot, or null. Returns logits (B, C) and, with labels, the loss HF would compute.
     */
    @Override
    public final SequenceClassifierOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels) {
        SequenceClassifierOutput out = classify(inputIds, attentionMask, usesTokenTypeIds() ? tokenTypeIds : null);
        if (labels == null) return out;
        PretrainedConfig config = config();
        if (config.problemType() == null) {
            Tensor own = lossWithoutProblemType(out.logits(), labels);
            if (own != null) return new SequenceClassifierOutput(own, out.logits(), out.lastHiddenState(), out.pooledOutput(), null);
        }
        LossSelection sel = selectLoss(labels);
        if (config.problemType() == null) config.setInferredProblemType(sel.problemType()); // HF mutates the config
        Tensor loss = SequenceClassificationLoss.compute(sel.problemType(), out.logits(), labels, config.numLabels());
        return new SequenceClassifierOutput(loss, out.logits(), out.lastHiddenState(), out.pooledOutput(), sel);
    }

    /**
     * The loss of a head that, while {@code problem_type} is unset, keeps its own rule in HF and neither infers nor
     * records a problem type (DeBERTa-v2); null (the default) means HF's shared rule, which records the inferred
     * type in the config. A non-null loss comes back with a null {@code lossSelection}.
     */
    protected Tensor lossWithoutProblemType(Tensor logits, Tensor labels) { return null; }

    /** The loss decision for these labels, without running the model. */
    @Override
    public LossSelection selectLoss(Tensor labels) {
        PretrainedConfig c = config();
        return LossSelection.select(c.problemType(), c.problemTypeSource(), c.numLabels(),
                SequenceClassificationLoss.labelKind(labels, c.numLabels()));
    }
}
