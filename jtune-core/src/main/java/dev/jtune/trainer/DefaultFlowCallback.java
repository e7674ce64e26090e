package dev.jtune.trainer;

/**
 * Decides when to log, evaluate, save and stop, exactly as HF {@code DefaultFlowCallback}.
 *
 * <p>At step end: log when {@code global_step == 1 && logging_first_step} or every {@code state.loggingSteps}
 * (strategy steps); evaluate every {@code state.evalSteps} once {@code eval_delay <= global_step}; save every
 * {@code state.saveSteps}; at {@code global_step >= max_steps} stop (and save, with save strategy steps). At epoch
 * end: the {@code epoch} strategies, evaluation once {@code eval_delay <= epoch}.
 */
public final class DefaultFlowCallback implements TrainerCallback {

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        int step = state.globalStep();
        if (step == 1 && args.loggingFirstStep()) control.shouldLog(true);
        if (args.loggingStrategy() == IntervalStrategy.STEPS && state.loggingSteps() > 0
                && step % state.loggingSteps() == 0) {
            control.shouldLog(true);
        }
        if (args.evalStrategy() == IntervalStrategy.STEPS && state.evalSteps() > 0 && step % state.evalSteps() == 0
                && args.evalDelay() <= step) {
            control.shouldEvaluate(true);
        }
        if (args.saveStrategy() == SaveStrategy.STEPS && state.saveSteps() > 0 && step % state.saveSteps() == 0) {
            control.shouldSave(true);
        }
        if (step >= state.maxSteps()) {
            control.shouldTrainingStop(true);
            if (args.saveStrategy() == SaveStrategy.STEPS) control.shouldSave(true);
        }
    }

    @Override
    public void onEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (args.loggingStrategy() == IntervalStrategy.EPOCH) control.shouldLog(true);
        if (args.evalStrategy() == IntervalStrategy.EPOCH && state.epoch() != null && args.evalDelay() <= state.epoch()) {
            control.shouldEvaluate(true);
        }
        if (args.saveStrategy() == SaveStrategy.EPOCH) control.shouldSave(true);
    }
}
