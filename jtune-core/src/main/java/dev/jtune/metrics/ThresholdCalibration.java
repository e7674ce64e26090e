package dev.jtune.metrics;

import java.util.Arrays;

/**
 * Decision thresholds for multi-label classification chosen on a validation set: one global threshold maximising
 * micro-F1, or one threshold per label maximising that label's F1.
 *
 * <p>Candidates are the distinct probabilities themselves (a cell is positive when {@code prob >= t}), so every
 * achievable prediction set is tried; on ties in F1 the highest threshold wins (fewest positives). The threshold
 * stored is then placed halfway between the chosen probability and the next lower one (half the chosen one when it
 * is the lowest): the same predictions on the calibration set, but no example sits exactly on the threshold, where
 * the last-bit differences between two batchings of the same rows (evaluation against {@code predict}) would flip it.
 * A label whose best F1 is 0 (no positive can be recovered) keeps {@link #DEFAULT_THRESHOLD}.
 */
public final class ThresholdCalibration {
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** A chosen threshold and the F1 it reaches on the calibration data. */
    public record Threshold(double threshold, double f1) {}

    /** Per-label thresholds and their F1 values. */
    public record PerLabel(double[] thresholds, double[] f1) {}

    private ThresholdCalibration() {}

    /** The single threshold maximising micro-F1 over all cells. */
    public static Threshold globalThreshold(double[][] probs, float[][] labels) {
        MultiLabelMetrics.width(probs, labels);
        return best(MultiLabelMetrics.flatten(probs), MultiLabelMetrics.flattenLabels(labels));
    }

    /** One threshold per label, each maximising that label's F1. */
    public static PerLabel perLabelThresholds(double[][] probs, float[][] labels) {
        int l = MultiLabelMetrics.width(probs, labels);
        double[] t = new double[l];
        double[] f = new double[l];
        for (int j = 0; j < l; j++) {
            Threshold b = best(MultiLabelMetrics.column(probs, j), MultiLabelMetrics.columnLabels(labels, j));
            t[j] = b.threshold();
            f[j] = b.f1();
        }
        return new PerLabel(t, f);
    }

    /** Sweep the scores in descending order: F1(t) = 2·TP / (predicted + actual positives). */
    static Threshold best(double[] scores, boolean[] positive) {
        long totalPos = 0;
        for (boolean b : positive) if (b) totalPos++;
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        double bestF1 = 0, bestT = DEFAULT_THRESHOLD;
        long tp = 0, pred = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                if (positive[order[j]]) tp++;
                pred++;
                j++;
            }
            double f1 = 2.0 * tp / (pred + totalPos);
            if (f1 > bestF1) { // strict: among equal F1 keep the higher threshold seen first
                bestF1 = f1;
                double lower = j < order.length ? scores[order[j]] : 0.0; // the next lower probability
                bestT = (scores[order[i]] + lower) / 2;
            }
            i = j;
        }
        return new Threshold(bestT, bestF1);
    }
}
