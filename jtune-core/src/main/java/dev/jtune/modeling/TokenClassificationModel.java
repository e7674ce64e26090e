package dev.jtune.modeling;

import dev.jtune.losses.LossSelection;
import dev.jtune.losses.SequenceClassificationLoss;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * What every {@code *ForTokenClassification} shares (HF writes it into each head class; jtune writes it once): the
 * family's encoder gives one hidden state per token (B, L, H), an optional family head transforms it (ModernBERT:
 * dense → act → norm), then dropout → {@code classifier} gives logits (B, L, num_labels); with labels (B, L) the
 * loss is HF's {@code CrossEntropyLoss()} on {@code logits.view(-1, num_labels)} and {@code labels.view(-1)}, −100
 * ignored ({@link SequenceClassificationLoss#tokenCrossEntropy}). {@code problem_type} is not consulted, as in HF.
 * A family contributes its config, its encoder ({@link #encode}), its classifier dropout and calls
 * {@link #registerClassifier} after registering the encoder.
 */
public abstract class TokenClassificationModel extends TaskModel {
    private LinearImpl classifier;

    /** The family's encoder: inputIds, attentionMask, tokenTypeIds (B, L) → the last hidden state (B, L, H). */
    protected abstract Tensor encode(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds);

    /** The dropout before the classifier (each family names it differently in its config). */
    protected abstract double classifierDropout();

    /** What the family puts between the encoder and the dropout (identity, except ModernBERT's {@code head}). */
    protected Tensor head(Tensor hidden) { return hidden; }

    /** Registers HF's {@code classifier} (Linear(in, num_labels)); call after the encoder (and head) modules. */
    protected final LinearImpl registerClassifier(long in, int numLabels) {
        classifier = register_module("classifier", Nn.linear(in, numLabels));
        return classifier;
    }

    public LinearImpl classifier() { return classifier; }

    @Override
    public boolean isTokenClassification() { return true; }

    /** The keys HF initialises when they are missing from a checkpoint: the classifier (and a family's head). */
    @Override
    public boolean isHeadKey(String key) { return layout().isTokenHeadKey(key); }

    /** The sequence head's keys (a pooler, DistilBERT's {@code pre_classifier}) that this head has no module for. */
    @Override
    protected boolean isOtherHeadKey(String key) {
        return CheckpointLayout.startsWithAny(key, layout().sequenceHeadPrefixes()) && !isHeadKey(key);
    }

    @Override
    public final TokenClassifierOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        return forward(inputIds, attentionMask, tokenTypeIds, null);
    }

    /**
     * inputIds, attentionMask, tokenTypeIds (B, L); labels (B, L) int64 tag ids with −100 on positions that do not
     * count (special tokens, continuation sub-tokens, padding), or null. Returns logits (B, L, C) and the loss.
     */
    @Override
    public final TokenClassifierOutput forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels) {
        Tensor hidden = encode(inputIds, attentionMask, usesTokenTypeIds() ? tokenTypeIds : null);
        Tensor x = Nn.dropout(head(hidden), classifierDropout(), is_training());
        Tensor logits = classifier.forward(x); // (B, L, C)
        if (labels == null) return new TokenClassifierOutput(null, logits, hidden, null);
        int c = config().numLabels();
        Tensor loss = SequenceClassificationLoss.tokenCrossEntropy(logits, labels, c);
        return new TokenClassifierOutput(loss, logits, hidden, selectLoss(labels));
    }

    /** HF's token rule, whatever the labels (problem_type is not read by any {@code *ForTokenClassification}). */
    @Override
    public LossSelection selectLoss(Tensor labels) {
        return LossSelection.tokenClassification(architecture(), config().numLabels());
    }
}
