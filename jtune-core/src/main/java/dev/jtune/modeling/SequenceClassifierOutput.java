package dev.jtune.modeling;

import dev.jtune.losses.LossSelection;
import org.bytedeco.pytorch.Tensor;

/**
 * Mirrors transformers SequenceClassifierOutput: loss (scalar, or null without labels), logits (B, num_labels),
 * plus the encoder outputs and the loss decision that was applied (null without labels).
 */
public record SequenceClassifierOutput(Tensor loss, Tensor logits, Tensor lastHiddenState, Tensor pooledOutput,
                                       LossSelection lossSelection) implements ModelOutput {}
