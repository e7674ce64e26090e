package dev.jtune.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a user looks for in one evaluation, beyond the averaged metrics, per task: the confusion matrix and per-class
 * scores (single-label), predicted against true values (regression), per-label scores at the decision thresholds used
 * (multi-label), per-entity-type scores (token classification). Computed here once; the CLI's report only draws it.
 */
public sealed interface EvalBreakdown {

    /**
     * Precision, recall, F1 and support (true count) per class or label, in id order; a score with an empty
     * denominator is 0 (sklearn's {@code zero_division} default).
     */
    record PerClass(List<String> names, double[] precision, double[] recall, double[] f1, long[] support) {}

    /**
     * Single-label: {@code confusion[t][p]} = examples of true class {@code t} predicted as {@code p}, over all
     * {@code num_labels} classes (labels -100 left out), and the per-class scores.
     */
    record SingleLabel(List<String> classes, long[][] confusion, PerClass scores) implements EvalBreakdown {}

    /** Regression (one output): the true values and the model's predictions, row by row. */
    record Regression(double[] truth, double[] predicted) implements EvalBreakdown {}

    /** Multi-label: the thresholds each label was decided with and the per-label scores at them. */
    record MultiLabel(List<String> labels, double[] thresholds, PerClass scores) implements EvalBreakdown {}

    /** Token classification: seqeval's per-type scores (support = gold entities of the type). */
    record Entities(PerClass scores) implements EvalBreakdown {}

    /**
     * The breakdown of one evaluation; null when it has no labels or is of another kind.
     *
     * @param names      class names by id ({@code id2label})
     * @param thresholds multi-label decision thresholds (one per label); ignored otherwise
     */
    static EvalBreakdown of(EvalPrediction p, List<String> names, double[] thresholds) {
        if (p == null || !p.hasLabels()) return null;
        if (p.intLabels() != null) return singleLabel(p.intLabels(), p.argmax(), names);
        if (p.floatLabels() != null) {
            double[] y = new double[p.floatLabels().length];
            for (int i = 0; i < y.length; i++) y[i] = p.floatLabels()[i];
            return new Regression(y, p.firstColumn());
        }
        return multiLabel(p.sigmoid(), p.multiLabels(), thresholds, names);
    }

    static SingleLabel singleLabel(int[] labels, int[] predictions, List<String> names) {
        int k = names.size();
        long[][] m = new long[k][k];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == ClassificationMetrics.IGNORE_INDEX) continue;
            if (labels[i] < 0 || labels[i] >= k || predictions[i] < 0 || predictions[i] >= k) continue;
            m[labels[i]][predictions[i]]++;
        }
        long[] tp = new long[k], pred = new long[k], tru = new long[k];
        for (int t = 0; t < k; t++) {
            for (int q = 0; q < k; q++) {
                tru[t] += m[t][q];
                pred[q] += m[t][q];
            }
            tp[t] = m[t][t];
        }
        return new SingleLabel(List.copyOf(names), m, scores(names, tp, pred, tru));
    }

    static MultiLabel multiLabel(double[][] probs, float[][] labels, double[] thresholds, List<String> names) {
        boolean[][] y = MultiLabelMetrics.binarize(labels);
        boolean[][] q = MultiLabelMetrics.predict(probs, thresholds);
        int l = names.size();
        long[] tp = new long[l], pred = new long[l], tru = new long[l];
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < l; j++) {
                if (y[i][j] && q[i][j]) tp[j]++;
                if (q[i][j]) pred[j]++;
                if (y[i][j]) tru[j]++;
            }
        }
        return new MultiLabel(List.copyOf(names), thresholds.clone(), scores(names, tp, pred, tru));
    }

    /**
     * The per-type scores from seqeval's flat keys ({@code eval_PER_precision}, ..., {@code eval_PER_number}); null
     * when the metrics have no entity types.
     */
    static Entities entities(Map<String, Double> metrics, String prefix) {
        if (metrics == null) return null;
        List<String> types = new ArrayList<>();
        String p = prefix + "_";
        for (String key : metrics.keySet()) {
            if (key.startsWith(p) && key.endsWith("_number")) types.add(key.substring(p.length(), key.length() - "_number".length()));
        }
        if (types.isEmpty()) return null;
        int n = types.size();
        double[] pr = new double[n], re = new double[n], f1 = new double[n];
        long[] support = new long[n];
        for (int i = 0; i < n; i++) {
            String t = p + types.get(i) + "_";
            pr[i] = metrics.getOrDefault(t + "precision", 0.0);
            re[i] = metrics.getOrDefault(t + "recall", 0.0);
            f1[i] = metrics.getOrDefault(t + "f1", 0.0);
            support[i] = Math.round(metrics.get(t + "number"));
        }
        return new Entities(new PerClass(List.copyOf(types), pr, re, f1, support));
    }

    private static PerClass scores(List<String> names, long[] tp, long[] pred, long[] tru) {
        int k = names.size();
        double[] p = new double[k], r = new double[k], f = new double[k];
        for (int c = 0; c < k; c++) {
            p[c] = pred[c] == 0 ? 0 : (double) tp[c] / pred[c];
            r[c] = tru[c] == 0 ? 0 : (double) tp[c] / tru[c];
            f[c] = pred[c] + tru[c] == 0 ? 0 : 2.0 * tp[c] / (pred[c] + tru[c]);
        }
        return new PerClass(List.copyOf(names), p, r, f, tru.clone());
    }
}
