package dev.jtune.trainer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flags callbacks set to steer the training loop, mirroring HF {@code TrainerControl}.
 *
 * <p>{@code shouldTrainingStop} is never reset during a run; {@code shouldEpochStop} is reset at each epoch
 * begin; {@code shouldSave}, {@code shouldEvaluate} and {@code shouldLog} at each step begin and after the
 * corresponding action (see {@link CallbackHandler}).
 */
public final class TrainerControl {
    private boolean shouldTrainingStop;
    private boolean shouldEpochStop;
    private boolean shouldSave;
    private boolean shouldEvaluate;
    private boolean shouldLog;

    public boolean shouldTrainingStop() { return shouldTrainingStop; }
    public boolean shouldEpochStop() { return shouldEpochStop; }
    public boolean shouldSave() { return shouldSave; }
    public boolean shouldEvaluate() { return shouldEvaluate; }
    public boolean shouldLog() { return shouldLog; }

    public TrainerControl shouldTrainingStop(boolean v) { shouldTrainingStop = v; return this; }
    public TrainerControl shouldEpochStop(boolean v) { shouldEpochStop = v; return this; }
    public TrainerControl shouldSave(boolean v) { shouldSave = v; return this; }
    public TrainerControl shouldEvaluate(boolean v) { shouldEvaluate = v; return this; }
    public TrainerControl shouldLog(boolean v) { shouldLog = v; return this; }

    /** Resets for a new training run. */
    public void newTraining() { shouldTrainingStop = false; }

    /** Resets for a new epoch. */
    public void newEpoch() { shouldEpochStop = false; }

    /** Resets for a new optimizer step. */
    public void newStep() {
        shouldSave = false;
        shouldEvaluate = false;
        shouldLog = false;
    }

    /** HF's stateful-callback form: {@code {"args": {should_*: ...}, "attributes": {}}}. */
    public Map<String, Object> state() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("should_training_stop", shouldTrainingStop);
        args.put("should_epoch_stop", shouldEpochStop);
        args.put("should_save", shouldSave);
        args.put("should_evaluate", shouldEvaluate);
        args.put("should_log", shouldLog);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("args", args);
        out.put("attributes", new LinkedHashMap<>());
        return out;
    }

    @Override
    public String toString() {
        return "TrainerControl{stop=" + shouldTrainingStop + ", epochStop=" + shouldEpochStop + ", save=" + shouldSave
                + ", evaluate=" + shouldEvaluate + ", log=" + shouldLog + '}';
    }
}
