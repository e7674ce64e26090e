package dev.jtune.trainer;

import dev.jtune.JTuneException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stops training when the best-model metric has not improved for {@code patience} evaluations, as HF
 * {@code EarlyStoppingCallback}: an evaluation improves iff there is no best yet or it beats the previous best
 * strictly and by more than {@code threshold}; otherwise the counter grows; {@code counter >= patience} stops.
 */
public final class EarlyStoppingCallback implements TrainerCallback {
    private static final System.Logger LOG = System.getLogger(EarlyStoppingCallback.class.getName());
    private final int patience;
    private final double threshold;
    private int patienceCounter;

    /** HF defaults: patience 1, threshold 0. */
    public EarlyStoppingCallback() { this(1, 0.0); }

    public EarlyStoppingCallback(int patience, double threshold) {
        if (patience < 1 || !(threshold >= 0)) {
            throw new JTuneException("early_stopping_patience=" + patience + ", early_stopping_threshold=" + threshold
                    + " (--early-stopping-patience, --early-stopping-threshold)",
                    "patience >= 1 and threshold >= 0", "pass e.g. --early-stopping-patience 3");
        }
        this.patience = patience;
        this.threshold = threshold;
    }

    public int patience() { return patience; }
    public double threshold() { return threshold; }
    public int patienceCounter() { return patienceCounter; }

    /** Throws unless {@code args} has an evaluation strategy and a best-model metric (HF's assertions). */
    public static void checkArgs(TrainingArguments args) {
        if (args.resolvedMetricForBestModel() == null) {
            throw new JTuneException("EarlyStoppingCallback requires metric_for_best_model is defined "
                    + "[metric_for_best_model=null (--metric-for-best-model)]",
                    "early stopping watches metric_for_best_model (it defaults to loss only with load_best_model_at_end)",
                    "pass --metric-for-best-model loss (or accuracy, f1_macro, ...) or --load-best-model-at-end");
        }
        if (args.evalStrategy() == IntervalStrategy.NO) {
            throw new JTuneException("EarlyStoppingCallback requires IntervalStrategy of steps or epoch "
                    + "[eval_strategy=no (--eval-strategy)]",
                    "early stopping needs evaluations during training", "pass --eval-strategy epoch (or steps)");
        }
    }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (!args.loadBestModelAtEnd()) {
            LOG.log(System.Logger.Level.WARNING, "Using EarlyStoppingCallback without load_best_model_at_end=True. "
                    + "Once training is finished, the best model will not be loaded automatically.");
        }
        checkArgs(args);
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control,
                           Map<String, Double> metrics) {
        String key = args.resolvedMetricForBestModel();
        Double value = key == null ? null : metrics.get(key);
        if (value == null) {
            LOG.log(System.Logger.Level.WARNING, "early stopping required metric_for_best_model, but did not find "
                    + key + " so early stopping is disabled");
            return;
        }
        Double best = state.bestMetric();
        boolean greater = args.resolvedGreaterIsBetter();
        boolean improved = best == null
                || ((greater ? value > best : value < best) && Math.abs(value - best) > threshold);
        patienceCounter = improved ? 0 : patienceCounter + 1;
        if (patienceCounter >= patience) control.shouldTrainingStop(true);
    }

    /** HF's stateful-callback form, stored in {@code trainer_state.json}. */
    public Map<String, Object> state() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("early_stopping_patience", patience);
        a.put("early_stopping_threshold", threshold);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("early_stopping_patience_counter", patienceCounter);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("args", a);
        out.put("attributes", attrs);
        return out;
    }

    /** Restores the counter from {@link #state()} output. */
    public void restore(Map<String, Object> saved) {
        Object attrs = saved == null ? null : saved.get("attributes");
        if (attrs instanceof Map<?, ?> m && m.get("early_stopping_patience_counter") instanceof Number n) {
            patienceCounter = n.intValue();
        }
    }
}
