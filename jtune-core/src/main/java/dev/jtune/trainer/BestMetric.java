package dev.jtune.trainer;

import dev.jtune.JTuneException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Best-checkpoint tracking, as HF {@code Trainer._determine_best_metric} (strict comparison). */
public final class BestMetric {
    private BestMetric() {}

    /**
     * Updates {@code state.bestMetric/bestGlobalStep/bestModelCheckpoint} when the metric
     * ({@link TrainingArguments#resolvedMetricForBestModel()}) strictly improves; returns whether it did. Call it
     * after the callbacks' {@code onEvaluate} (early stopping compares with the previous best). No metric
     * configured: returns false.
     *
     * @throws JTuneException with HF's KeyError text when the metric is missing from {@code metrics}
     */
    public static boolean determineBestMetric(TrainingArguments args, TrainerState state, Map<String, Double> metrics) {
        String key = args.resolvedMetricForBestModel();
        if (key == null) return false;
        Double value = metrics.get(key);
        if (value == null) {
            throw new JTuneException("The `metric_for_best_model` training argument is set to '" + key
                    + "', which is not found in the evaluation metrics. The available evaluation metrics are: "
                    + pyList(metrics.keySet()) + ". Consider changing the `metric_for_best_model` via the "
                    + "TrainingArguments. [metric_for_best_model=" + args.metricForBestModel()
                    + " (--metric-for-best-model)]",
                    "metric_for_best_model must name a key that evaluate() returns (the eval_ prefix is optional)",
                    "pass --metric-for-best-model with one of the available names, e.g. loss");
        }
        boolean greater = args.resolvedGreaterIsBetter();
        if (state.bestMetric() == null) {
            state.bestMetric(greater ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        boolean better = greater ? value > state.bestMetric() : value < state.bestMetric();
        if (better) {
            state.bestMetric(value);
            state.bestGlobalStep(state.globalStep());
            state.bestModelCheckpoint(Path.of(args.outputDir())
                    .resolve(CheckpointRotation.PREFIX_CHECKPOINT_DIR + "-" + state.globalStep()).toString());
        }
        return better;
    }

    /** Python's {@code str(list_of_str)}: {@code ['a', 'b']}. */
    static String pyList(Iterable<String> items) {
        List<String> q = new ArrayList<>();
        for (String s : items) q.add("'" + s + "'");
        return "[" + String.join(", ", q) + "]";
    }
}
