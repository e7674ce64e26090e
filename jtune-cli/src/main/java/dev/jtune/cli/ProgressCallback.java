package dev.jtune.cli;

import dev.jtune.trainer.TrainerCallback;
import dev.jtune.trainer.TrainerControl;
import dev.jtune.trainer.TrainerState;
import dev.jtune.trainer.TrainingArguments;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;
import java.util.Map;

/** A progress bar over the optimizer steps on stderr (only when stderr is a terminal and --no-progress is absent). */
final class ProgressCallback implements TrainerCallback, AutoCloseable {
    private ProgressBar bar;

    /** Whether a progress bar makes sense here: a console is attached. */
    static boolean terminal() { return System.console() != null; }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(Math.max(1, state.maxSteps()))
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).build();
        bar.stepTo(state.globalStep());
    }

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (bar != null) bar.stepTo(state.globalStep());
    }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> logs) {
        if (bar != null && logs.get("loss") != null) bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", logs.get("loss")));
    }

    @Override
    public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) { close(); }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
