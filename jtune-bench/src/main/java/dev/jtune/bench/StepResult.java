package dev.jtune.bench;

import java.util.Map;

/**
 * Timings of one workload in seconds: {@code step} is the median step, {@code phases} the mean seconds per step of
 * each phase (training: {@link dev.jtune.trainer.StepProfile}'s phases of the real loop, lower case, plus "step",
 * "other" and "tokenize_once"; predict: "collate", "forward", "release"). {@code tokensPerStep}: padded tokens per
 * step (mean). {@code floor}: the same op graph on a tiny shape ({@link Shape#FLOOR_MINILM}), NaN where not measured.
 */
record StepResult(Workload w, double[] stepSeconds, double step, Map<String, Double> phases, double tokensPerStep, double floor,
                  double lastLoss, double rssMiB, double peakMiB) {

    StepResult(Workload w, double[] stepSeconds, double step, dev.jtune.trainer.StepProfile.Breakdown profile, double tokensPerStep,
               double floor, double lastLoss, double rssMiB, double peakMiB) {
        this(w, stepSeconds, step, profile.asMap(), tokensPerStep, floor, lastLoss, rssMiB, peakMiB);
    }

    double phase(String name) { return phases.getOrDefault(name, Double.NaN); }

    /** Forward (with the loss in training). */
    double forward() { return w.predict() ? phase("forward") : phase("forward_and_loss"); }

    double backward() { return w.predict() ? 0 : phase("backward"); }

    /** Clipping + AdamW + zero_grad. */
    double optimizer() { return w.predict() ? 0 : phase("clip") + phase("optimizer") + phase("zero_grad"); }

    /** Making the batch's tensors (training: waiting for the prefetched batch too). */
    double collate() { return w.predict() ? phase("collate") : phase("batch"); }

    double release() { return w.predict() ? phase("release") : phase("scope_release"); }

    double samplesPerSecond() { return w.batch() / step; }

    double tokensPerSecond() { return tokensPerStep / step; }

    double gflopsPerSecond() { return w.flopsPerStep(tokensPerStep / w.batch()) / step / 1e9; }

    /** Share of the step outside libtorch kernels: collation + release + the dispatch floor (an upper bound). */
    double overheadShare() {
        double f = Double.isNaN(floor) ? 0 : floor;
        return (collate() + release() + f) / step;
    }

    StepResult withFloor(double floorSeconds) {
        return new StepResult(w, stepSeconds, step, phases, tokensPerStep, floorSeconds, lastLoss, rssMiB, peakMiB);
    }
}
