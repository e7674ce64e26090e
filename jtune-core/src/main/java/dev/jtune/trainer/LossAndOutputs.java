package dev.jtune.trainer;

import dev.jtune.modeling.ModelOutput;
import org.bytedeco.pytorch.Tensor;

/** What {@code Trainer.computeLoss} returns: the scalar loss (a per-micro-batch mean) and the model outputs. */
public record LossAndOutputs(Tensor loss, ModelOutput outputs) {}
