package dev.jtune.metrics;

import dev.jtune.JTuneException;

import java.util.Map;

/** User metric hook, as HF's {@code compute_metrics}: maps an {@link EvalPrediction} to named values. */
@FunctionalInterface
public interface ComputeMetrics {

    /** Metric name (without the {@code eval_} prefix, the Trainer adds it) to value. */
    Map<String, Double> apply(EvalPrediction prediction);

    /**
     * Built-in metrics by HF problem type: {@code single_label_classification} (accuracy, f1_macro, f1_micro,
     * f1_weighted, precision_macro, recall_macro, mcc), {@code regression} (mse, mae, pearson, spearmanr),
     * {@code multi_label_classification} (f1_micro, f1_macro, subset_accuracy, hamming_loss, roc_auc_micro,
     * roc_auc_macro, average_precision_micro, average_precision_macro at threshold 0.5). A binary head
     * (two logits) adds {@code f1}: the F1 of class 1, as sklearn's {@code f1_score} default and HF's GLUE metric.
     */
    static ComputeMetrics forProblemType(String problemType) {
        final String type = problemType == null ? "" : problemType;
        switch (type) {
            case "single_label_classification":
                return p -> {
                    Map<String, Double> m = ClassificationMetrics.compute(require(p, p.intLabels(), type), p.argmax());
                    if (p.logits().length > 0 && p.logits()[0].length == 2) {
                        m.put("f1", ClassificationMetrics.binaryF1(p.intLabels(), p.argmax())); // HF GLUE's "f1"
                    }
                    return m;
                };
            case "regression":
                return p -> RegressionMetrics.compute(p.firstColumn(), toDouble(require(p, p.floatLabels(), type)));
            case "multi_label_classification":
                return p -> MultiLabelMetrics.compute(p.sigmoid(), require(p, p.multiLabels(), type), 0.5);
            default:
                throw new JTuneException("problem_type \"" + type + "\" has no built-in metrics",
                        "problem_type must be regression, single_label_classification or multi_label_classification",
                        "pass one of those, or supply your own ComputeMetrics");
        }
    }

    /**
     * The names {@link #forProblemType} returns (without the {@code eval_} prefix) for a head of {@code numLabels}
     * outputs; binary single-label heads add {@code f1} (class 1 positive, HF's GLUE {@code f1}).
     */
    static java.util.List<String> names(String problemType, int numLabels) {
        return switch (problemType == null ? "" : problemType) {
            case "single_label_classification" -> numLabels == 2
                    ? java.util.List.of("accuracy", "f1_macro", "f1_micro", "f1_weighted", "precision_macro", "recall_macro", "mcc", "f1")
                    : java.util.List.of("accuracy", "f1_macro", "f1_micro", "f1_weighted", "precision_macro", "recall_macro", "mcc");
            case "regression" -> java.util.List.of("mse", "mae", "pearson", "spearmanr");
            case "multi_label_classification" -> java.util.List.of("f1_micro", "f1_macro", "subset_accuracy", "hamming_loss",
                    "roc_auc_micro", "roc_auc_macro", "average_precision_micro", "average_precision_macro");
            default -> java.util.List.of();
        };
    }

    /** Multi-label metrics at the given decision thresholds (one per label). */
    static ComputeMetrics multiLabel(double[] thresholds) {
        return p -> MultiLabelMetrics.compute(p.sigmoid(), require(p, p.multiLabels(), "multi_label_classification"), thresholds);
    }

    private static <T> T require(EvalPrediction p, T labels, String problemType) {
        if (labels == null) {
            throw new JTuneException("the evaluation set has no labels of the " + problemType + " kind",
                    problemType + " metrics need " + (problemType.startsWith("single") ? "integer class ids"
                            : problemType.startsWith("regression") ? "float scores" : "0/1 label vectors"),
                    "evaluate on a labelled set, or compute metrics without labels yourself");
        }
        return labels;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
