package dev.jtune.modeling;

import dev.jtune.losses.LossSelection;
import org.bytedeco.pytorch.Tensor;

/**
 * Mirrors transformers TokenClassifierOutput: loss (scalar, or null without labels), logits (B, L, num_labels),
 * the encoder's last hidden state (B, L, H) and the loss decision applied (null without labels).
 */
public record TokenClassifierOutput(Tensor loss, Tensor logits, Tensor lastHiddenState, LossSelection lossSelection)
        implements ModelOutput {}
