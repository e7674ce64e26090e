package dev.jtune.cli;

import dev.jtune.trainer.TrainerCallback;
import dev.jtune.trainer.TrainerControl;
import dev.jtune.trainer.TrainerState;
import dev.jtune.trainer.TrainingArguments;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Prints the trainer's logs and evaluations as they happen, one line each (what HF prints as dicts). */
final class ConsoleCallback implements TrainerCallback {
    private final PrintWriter out;

    private boolean quiet;

    ConsoleCallback(PrintWriter out) { this.out = out; }

    /** Stops printing evaluations (the caller prints the final one itself). */
    void quiet() { quiet = true; }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> logs) {
        if (logs.containsKey("eval_loss") || logs.containsKey("train_runtime")) return;
        out.println("step " + state.globalStep() + "/" + state.maxSteps() + "  " + format(logs));
        out.flush();
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        if (quiet) return;
        out.println("eval at step " + state.globalStep() + "  " + format(metrics));
        out.flush();
    }

    static String format(Map<String, Double> m) {
        StringJoiner j = new StringJoiner("  ");
        m.forEach((k, v) -> j.add(k + " " + num(v)));
        return j.toString();
    }

    static String num(Double v) {
        if (v == null) return "null";
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e9) return String.format(Locale.ROOT, "%d", v.longValue());
        if (a != 0 && (a < 1e-3 || a >= 1e6)) return String.format(Locale.ROOT, "%.3e", v);
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
