package dev.jtune.trainer;

import dev.jtune.modeling.SequenceClassifierOutput;
import org.bytedeco.pytorch.Tensor;

/** What {@code Trainer.computeLoss} returns: the scalar loss (a per-micro-batch mean) and the model outputs. */
public record LossAndOutputs(Tensor loss, SequenceClassifierOutput outputs) {}
