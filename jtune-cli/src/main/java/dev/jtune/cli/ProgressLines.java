package dev.jtune.cli;

import dev.jtune.trainer.TrainerCallback;
import dev.jtune.trainer.TrainerControl;
import dev.jtune.trainer.TrainerState;
import dev.jtune.trainer.TrainingArguments;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress as plain lines on stderr, at most one every {@code intervalSeconds}: training steps (only when no
 * progress bar draws them, i.e. off a terminal) and every evaluation or prediction (always), each with its rate
 * and an ETA. Example: {@code progress: train step 40/200 (20%), 2.31 steps/s, ETA 1m09s}.
 */
final class ProgressLines implements TrainerCallback {
    private final PrintWriter err;
    private final long intervalNanos;
    private final boolean trainLines;
    private final LongSupplier clock;
    private long trainStart, trainLast;
    private int trainFirstStep;
    private long evalStart = -1, evalLast;
    private String evalName = "eval";

    ProgressLines(PrintWriter err, double intervalSeconds, boolean trainLines) {
        this(err, intervalSeconds, trainLines, System::nanoTime);
    }

    ProgressLines(PrintWriter err, double intervalSeconds, boolean trainLines, LongSupplier clock) {
        this.err = err;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
        this.trainLines = trainLines;
        this.clock = clock;
    }

    /** What the next evaluation/prediction is called in its lines ("eval", "predict", ...). */
    ProgressLines phase(String name) {
        this.evalName = name;
        this.evalStart = -1;
        return this;
    }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        trainStart = trainLast = clock.getAsLong();
        trainFirstStep = state.globalStep();
        evalName = "eval during training";
    }

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (!trainLines) return;
        long now = clock.getAsLong();
        if (now - trainLast < intervalNanos && state.globalStep() < state.maxSteps()) return;
        trainLast = now;
        line("train step", state.globalStep() - trainFirstStep, state.globalStep(), state.maxSteps(), now - trainStart, "steps");
    }

    @Override
    public void onPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control, int done, int total) {
        long now = clock.getAsLong();
        if (done == 0 || evalStart < 0) { // a new evaluation begins
            evalStart = evalLast = now;
            if (done == 0) return;
        }
        if (now - evalLast < intervalNanos && done < total) return;
        evalLast = now;
        line(evalName + " batch", done, done, total, now - evalStart, "batches");
        if (done == total) evalStart = -1;
    }

    private void line(String what, int doneThisRun, int done, int total, long nanos, String unit) {
        double secs = nanos / 1e9;
        double rate = doneThisRun / Math.max(secs, 1e-9);
        String eta = done >= total ? "done in " + duration(secs) : "ETA " + (rate > 0 ? duration((total - done) / rate) : "?");
        err.println(String.format(Locale.ROOT, "progress: %s %d/%d (%d%%), %s %s/s, %s", what, done, total,
                total == 0 ? 100 : (int) (100L * done / total), rate >= 10 ? String.format(Locale.ROOT, "%.1f", rate)
                        : String.format(Locale.ROOT, "%.2f", rate), unit, eta));
        err.flush();
    }

    /** 1h02m03s, 4m05s, 6s. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60);
        if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return s + "s";
    }
}
