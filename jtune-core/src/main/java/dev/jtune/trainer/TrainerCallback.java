package dev.jtune.trainer;

import java.util.Map;

/**
 * Hooks into the training loop, mirroring HF {@code TrainerCallback}: every event is a no-op by default.
 *
 * <p>Callbacks observe {@link TrainingArguments} and {@link TrainerState} and may change only the flags of
 * {@link TrainerControl} (in place). Event order per optimizer step: {@code onStepBegin}, {@code onSubstepEnd} after
 * each accumulated micro-batch but the last, {@code onPreOptimizerStep} (after clipping), {@code onOptimizerStep},
 * {@code onStepEnd}; then {@code onLog}, {@code onEvaluate}, {@code onSave} as the flags ask.
 */
public interface TrainerCallback {
    default void onInitEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}
    default void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}
    default void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}
    default void onEpochBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}
    default void onEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}
    default void onStepBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}
    default void onSubstepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}
    default void onPreOptimizerStep(TrainingArguments args, TrainerState state, TrainerControl control) {}
    default void onOptimizerStep(TrainingArguments args, TrainerState state, TrainerControl control) {}
    default void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** After an evaluation; {@code metrics} carry the {@code eval_} prefix. Runs before the best metric is updated. */
    default void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control,
                            Map<String, Double> metrics) {}

    /** After {@code predict}; {@code metrics} carry the {@code test_} prefix. */
    default void onPredict(TrainingArguments args, TrainerState state, TrainerControl control,
                           Map<String, Double> metrics) {}

    default void onSave(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** After {@code logs} (without {@code step}) were appended to the log history. */
    default void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> logs) {}

    default void onPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /**
     * Before the first batch ({@code batchesDone} 0) and after each batch of an evaluation or prediction, with how
     * far it is ({@code batchesDone} of {@code batchesTotal}; HF passes the dataloader for the same purpose). After
     * a batch it calls the three-argument form.
     */
    default void onPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control,
                                  int batchesDone, int batchesTotal) {
        if (batchesDone > 0) onPredictionStep(args, state, control);
    }
}
