package dev.jtune.trainer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Calls a list of {@link TrainerCallback}s in order and resets the {@link TrainerControl} flags as HF's
 * {@code CallbackHandler} does (stop at train begin, epoch stop at epoch begin, log/evaluate/save at step begin,
 * each action's flag after the action).
 */
public final class CallbackHandler implements TrainerCallback {
    private static final System.Logger LOG = System.getLogger(CallbackHandler.class.getName());
    private final List<TrainerCallback> callbacks = new ArrayList<>();

    public CallbackHandler(List<? extends TrainerCallback> callbacks) {
        for (TrainerCallback cb : callbacks) add(cb);
        if (callbacks.stream().noneMatch(cb -> cb instanceof DefaultFlowCallback)) {
            LOG.log(System.Logger.Level.WARNING, "The Trainer will not work properly if you don't have a "
                    + "DefaultFlowCallback in its callbacks. The current list of callbacks is: " + names());
        }
    }

    public void add(TrainerCallback cb) {
        if (callbacks.stream().anyMatch(c -> c.getClass() == cb.getClass())) {
            LOG.log(System.Logger.Level.WARNING, "You are adding a " + cb.getClass().getSimpleName()
                    + " to the callbacks of this Trainer, but there is already one. The current list of callbacks is: "
                    + names());
        }
        callbacks.add(cb);
    }

    /** Removes and returns the first callback of this class, or null. */
    public <T extends TrainerCallback> T pop(Class<T> type) {
        for (TrainerCallback cb : callbacks) {
            if (type.isInstance(cb)) {
                callbacks.remove(cb);
                return type.cast(cb);
            }
        }
        return null;
    }

    public boolean remove(TrainerCallback cb) { return callbacks.remove(cb); }

    public List<TrainerCallback> callbacks() { return Collections.unmodifiableList(callbacks); }

    private String names() {
        List<String> n = new ArrayList<>();
        for (TrainerCallback cb : callbacks) n.add(cb.getClass().getSimpleName());
        return String.join(", ", n);
    }

    @Override public void onInitEnd(TrainingArguments a, TrainerState s, TrainerControl c) {
        for (TrainerCallback cb : callbacks) cb.onInitEnd(a, s, c);
    }

    @Override public void onTrainBegin(TrainingArguments a, TrainerState s, TrainerControl c) {
        c.shouldTrainingStop(false);
        for (TrainerCallback cb : callbacks) cb.onTrainBegin(a, s, c);
    }

    @Override public void onTrainEnd(TrainingArguments a, TrainerState s, TrainerControl c) {
        for (TrainerCallback cb : callbacks) cb.onTrainEnd(a, s, c);
    }

    @Override public void onEpochBegin(TrainingArguments a, TrainerState s, TrainerControl c) {
        c.shouldEpochStop(false);
        for (TrainerCallback cb : callbacks) cb.onEpochBegin(a, s, c);
    }

    @Override public void onEpochEnd(TrainingArguments a, TrainerState s, TrainerControl c) {
        for (TrainerCallback cb : callbacks) cb.onEpochEnd(a, s, c);
    }

    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c) {
        c.newStep();
        for (TrainerCallback cb : callbacks) cb.onStepBegin(a, s, c);
    }

    @Override public void onSubstepEnd(TrainingArguments a, TrainerState s, TrainerControl c) {
        for (TrainerCallback cb : callbacks) cb.onSubstepEnd(a, s, c);
    }

    @Override public void onPreOptimizerStep(TrainingArguments a, TrainerState s, TrainerControl c) {
        for (TrainerCallback cb : callbacks) cb.onPreOptimizerStep(a, s, c);
    }

    @Override public void onOptimizerStep(TrainingArguments a, TrainerState s, TrainerControl c) {
        for (TrainerCallback cb : callbacks) cb.onOptimizerStep(a, s, c);
    }

    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c) {
        for (TrainerCallback cb : callbacks) cb.onStepEnd(a, s, c);
    }

    @Override public void onEvaluate(TrainingArguments a, TrainerState s, TrainerControl c, Map<String, Double> m) {
        c.shouldEvaluate(false);
        for (TrainerCallback cb : callbacks) cb.onEvaluate(a, s, c, m);
    }

    @Override public void onPredict(TrainingArguments a, TrainerState s, TrainerControl c, Map<String, Double> m) {
        for (TrainerCallback cb : callbacks) cb.onPredict(a, s, c, m);
    }

    @Override public void onSave(TrainingArguments a, TrainerState s, TrainerControl c) {
        c.shouldSave(false);
        for (TrainerCallback cb : callbacks) cb.onSave(a, s, c);
    }

    @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, Map<String, Double> logs) {
        c.shouldLog(false);
        for (TrainerCallback cb : callbacks) cb.onLog(a, s, c, logs);
    }

    @Override public void onPredictionStep(TrainingArguments a, TrainerState s, TrainerControl c, int done, int total) {
        for (TrainerCallback cb : callbacks) cb.onPredictionStep(a, s, c, done, total);
    }

    @Override public void onPredictionStep(TrainingArguments a, TrainerState s, TrainerControl c) {
        for (TrainerCallback cb : callbacks) cb.onPredictionStep(a, s, c);
    }
}
