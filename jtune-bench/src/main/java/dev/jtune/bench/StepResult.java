package dev.jtune.bench;

/**
 * Timings of one workload, medians over the measured steps, in seconds: {@code collate} builds the input tensors
 * from Java arrays, {@code forward}/{@code backward}/{@code optimizer} (clip + AdamW step + zero_grad + loss.item),
 * {@code release} closes the step's PointerScope. {@code floor} is the same op graph on a tiny shape (see
 * {@link Shape#FLOOR_MINILM}), NaN where not measured.
 */
record StepResult(Workload w, double[] stepSeconds, double step, double collate, double forward, double backward, double optimizer,
                  double release, double floor, double tokenizePerBatch, double lastLoss, double rssMiB, double peakMiB) {

    double samplesPerSecond() { return w.batch() / step; }

    double tokensPerSecond() { return (double) w.batch() * w.seq() / step; }

    double gflopsPerSecond() { return w.flopsPerStep() / step / 1e9; }

    /** Share of the step outside libtorch kernels: collation + release + the dispatch floor (an upper bound). */
    double overheadShare() {
        double f = Double.isNaN(floor) ? 0 : floor;
        return (collate + release + f) / step;
    }

    StepResult withFloor(double floorSeconds) {
        return new StepResult(w, stepSeconds, step, collate, forward, backward, optimizer, release, floorSeconds, tokenizePerBatch,
                lastLoss, rssMiB, peakMiB);
    }

    StepResult withTokenize(double seconds) {
        return new StepResult(w, stepSeconds, step, collate, forward, backward, optimizer, release, floor, seconds, lastLoss, rssMiB,
                peakMiB);
    }
}
