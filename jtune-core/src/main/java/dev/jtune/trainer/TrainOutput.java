package dev.jtune.trainer;

import java.util.List;
import java.util.Map;

/**
 * Mirrors HF TrainOutput: global step, mean training loss, train metrics ({@code train_runtime},
 * {@code train_samples_per_second}, ...), plus jtune's per-step records (unrounded) and the loss it used.
 */
public record TrainOutput(int globalStep, double trainingLoss, Map<String, Double> metrics, List<StepRecord> steps,
                          String lossDescription) {

    /** One optimizer step: loss (mean of micro-batch means in the window), pre-clip grad norm, the rate used. */
    public record StepRecord(int step, double loss, double gradNorm, double learningRate, int[] rows) {}
}
