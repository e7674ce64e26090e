package dev.jtune.modeling;

import dev.jtune.losses.LossSelection;
import org.bytedeco.pytorch.Tensor;

/**
 * What every task head returns (HF's {@code ModelOutput}): the loss (null without labels), the logits
 * ((B, C) for a sequence head, (B, L, C) for a token head) and the loss decision applied (null without labels).
 */
public interface ModelOutput {
    Tensor loss();

    Tensor logits();

    Tensor lastHiddenState();

    LossSelection lossSelection();
}
