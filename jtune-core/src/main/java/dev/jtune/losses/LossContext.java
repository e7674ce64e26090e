package dev.jtune.losses;

/**
 * What a loss function may need besides logits and labels: the problem type, the number of labels, and the
 * number of labelled items in the whole accumulation window (HF's {@code num_items_in_batch}).
 */
public record LossContext(ProblemType problemType, int numLabels, long numItemsInWindow) {}
