package dev.jtune.losses;

import org.bytedeco.pytorch.Tensor;

/**
 * A loss computed from the model's logits (HF {@code compute_loss_func}). When a Trainer has one, the labels are
 * withheld from the model and this function replaces the model's own loss.
 *
 * <p>Contract: return the <b>mean</b> over the micro-batch's labelled items (a scalar tensor). The Trainer applies
 * the gradient-accumulation normalisation itself (see {@code Trainer}), the same way for every loss.
 */
@FunctionalInterface
public interface LossFunction {
    /** logits (B, C); labels as the collator built them; returns a scalar. */
    Tensor compute(Tensor logits, Tensor labels, LossContext context);

    /** One line for logs and the run summary. */
    default String describe() { return getClass().getSimpleName(); }
}
