package dev.jtune.metrics;

import dev.jtune.JTuneException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multi-label metrics on sigmoid probabilities {@code [N, L]} and 0/1 label rows, as scikit-learn computes them.
 *
 * <p>A cell is predicted positive when its probability is {@code >= threshold}; a label value {@code >= 0.5} is a
 * positive. Threshold-free scores: ROC-AUC (ties count one half, equal to sklearn's trapezoidal curve) and average
 * precision (sklearn's step-wise sum, tied scores form one threshold). Macro ROC-AUC averages the labels whose
 * column has both classes (sklearn raises instead; NaN when no label qualifies). A label without positives has
 * average precision 0 (sklearn's value, with its warning).
 */
public final class MultiLabelMetrics {
    private MultiLabelMetrics() {}

    /** All built-in multi-label keys at one global threshold. */
    public static Map<String, Double> compute(double[][] probs, float[][] labels, double threshold) {
        double[] t = new double[width(probs, labels)];
        Arrays.fill(t, threshold);
        return compute(probs, labels, t);
    }

    /** All built-in multi-label keys with one threshold per label (e.g. from {@link ThresholdCalibration}). */
    public static Map<String, Double> compute(double[][] probs, float[][] labels, double[] thresholds) {
        boolean[][] y = binarize(labels);
        boolean[][] p = predict(probs, thresholds);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("f1_micro", f1Micro(y, p));
        m.put("f1_macro", f1Macro(y, p));
        m.put("subset_accuracy", subsetAccuracy(y, p));
        m.put("hamming_loss", hammingLoss(y, p));
        m.put("roc_auc_micro", rocAucMicro(probs, labels));
        m.put("roc_auc_macro", rocAucMacro(probs, labels));
        m.put("average_precision_micro", averagePrecisionMicro(probs, labels));
        m.put("average_precision_macro", averagePrecisionMacro(probs, labels));
        return m;
    }

    static int width(double[][] probs, float[][] labels) {
        if (probs.length != labels.length || probs.length == 0) {
            throw new JTuneException("multi-label metrics got " + probs.length + " prediction rows and " + labels.length
                    + " label rows", "one label row per prediction row, at least one row", "pass the same evaluation set");
        }
        int l = probs[0].length;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i].length != l || labels[i].length != l) {
                throw new JTuneException("multi-label row " + i + " has " + labels[i].length + " labels and "
                        + probs[i].length + " predictions (expected " + l + ")",
                        "every row has num_labels entries", "check the label vectors of row " + i);
            }
        }
        return l;
    }

    public static boolean[][] binarize(float[][] labels) {
        boolean[][] y = new boolean[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            y[i] = new boolean[labels[i].length];
            for (int j = 0; j < labels[i].length; j++) y[i][j] = labels[i][j] >= 0.5f;
        }
        return y;
    }

    public static boolean[][] predict(double[][] probs, double[] thresholds) {
        boolean[][] p = new boolean[probs.length][];
        for (int i = 0; i < probs.length; i++) {
            p[i] = new boolean[probs[i].length];
            for (int j = 0; j < probs[i].length; j++) p[i][j] = probs[i][j] >= thresholds[j];
        }
        return p;
    }

    public static double f1Micro(boolean[][] y, boolean[][] p) {
        long tp = 0, pred = 0, tru = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y[i].length; j++) {
                if (y[i][j] && p[i][j]) tp++;
                if (p[i][j]) pred++;
                if (y[i][j]) tru++;
            }
        }
        return pred + tru == 0 ? 0.0 : 2.0 * tp / (pred + tru);
    }

    public static double f1Macro(boolean[][] y, boolean[][] p) {
        int l = y[0].length;
        double sum = 0;
        for (int j = 0; j < l; j++) sum += f1OfLabel(y, p, j);
        return sum / l;
    }

    static double f1OfLabel(boolean[][] y, boolean[][] p, int j) {
        long tp = 0, pred = 0, tru = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i][j] && p[i][j]) tp++;
            if (p[i][j]) pred++;
            if (y[i][j]) tru++;
        }
        return pred + tru == 0 ? 0.0 : 2.0 * tp / (pred + tru);
    }

    /** Fraction of rows whose whole label vector is predicted exactly. */
    public static double subsetAccuracy(boolean[][] y, boolean[][] p) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) if (Arrays.equals(y[i], p[i])) ok++;
        return (double) ok / y.length;
    }

    /** Fraction of wrong cells. */
    public static double hammingLoss(boolean[][] y, boolean[][] p) {
        long wrong = 0, cells = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y[i].length; j++) {
                if (y[i][j] != p[i][j]) wrong++;
                cells++;
            }
        }
        return (double) wrong / cells;
    }

    public static double rocAucMicro(double[][] probs, float[][] labels) {
        width(probs, labels);
        return rocAuc(flatten(probs), flattenLabels(labels));
    }

    public static double rocAucMacro(double[][] probs, float[][] labels) {
        int l = width(probs, labels);
        double sum = 0;
        int defined = 0;
        for (int j = 0; j < l; j++) {
            double a = rocAuc(column(probs, j), columnLabels(labels, j));
            if (!Double.isNaN(a)) { sum += a; defined++; }
        }
        return defined == 0 ? Double.NaN : sum / defined;
    }

    public static double averagePrecisionMicro(double[][] probs, float[][] labels) {
        width(probs, labels);
        return averagePrecision(flatten(probs), flattenLabels(labels));
    }

    public static double averagePrecisionMacro(double[][] probs, float[][] labels) {
        int l = width(probs, labels);
        double sum = 0;
        for (int j = 0; j < l; j++) sum += averagePrecision(column(probs, j), columnLabels(labels, j));
        return sum / l;
    }

    /**
     * Binary ROC-AUC = P(score of a random positive > score of a random negative), ties counted 1/2 (Mann-Whitney
     * with average ranks); NaN when only one class is present.
     */
    public static double rocAuc(double[] scores, boolean[] positive) {
        long pos = 0;
        for (boolean b : positive) if (b) pos++;
        long neg = positive.length - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        double[] ranks = RegressionMetrics.averageRanks(scores);
        double rankSumPos = 0;
        for (int i = 0; i < scores.length; i++) if (positive[i]) rankSumPos += ranks[i];
        double u = rankSumPos - pos * (pos + 1) / 2.0;
        return u / ((double) pos * neg);
    }

    /**
     * sklearn {@code average_precision_score}: {@code sum_n (R_n - R_{n-1}) P_n} over the distinct scores in
     * descending order; 0 when there is no positive.
     */
    public static double averagePrecision(double[] scores, boolean[] positive) {
        long totalPos = 0;
        for (boolean b : positive) if (b) totalPos++;
        if (totalPos == 0) return 0.0;
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        double ap = 0, prevRecall = 0;
        long tp = 0, seen = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                if (positive[order[j]]) tp++;
                seen++;
                j++;
            }
            double recall = (double) tp / totalPos;
            double precision = (double) tp / seen;
            ap += (recall - prevRecall) * precision;
            prevRecall = recall;
            i = j;
        }
        return ap;
    }

    static double[] flatten(double[][] a) {
        int l = a[0].length;
        double[] out = new double[a.length * l];
        for (int i = 0; i < a.length; i++) System.arraycopy(a[i], 0, out, i * l, l);
        return out;
    }

    static boolean[] flattenLabels(float[][] a) {
        int l = a[0].length;
        boolean[] out = new boolean[a.length * l];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < l; j++) out[i * l + j] = a[i][j] >= 0.5f;
        return out;
    }

    static double[] column(double[][] a, int j) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i][j];
        return out;
    }

    static boolean[] columnLabels(float[][] a, int j) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i][j] >= 0.5f;
        return out;
    }
}
