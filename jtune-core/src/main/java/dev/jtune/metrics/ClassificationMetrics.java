package dev.jtune.metrics;

import dev.jtune.JTuneException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Single-label classification metrics as scikit-learn computes them (labels {@code -100} excluded).
 *
 * <p>Per-class averages run over the classes present in the labels or the predictions (sklearn's default
 * {@code labels=None}); a class with an empty denominator scores 0 (sklearn's {@code zero_division} default).
 */
public final class ClassificationMetrics {
    /** The label value HF uses for "ignore this example". */
    public static final int IGNORE_INDEX = -100;

    /** How per-class scores are combined (sklearn's {@code average}). */
    public enum Average { MACRO, MICRO, WEIGHTED }

    private ClassificationMetrics() {}

    /** accuracy, f1_macro, f1_micro, f1_weighted, precision_macro, recall_macro, mcc. */
    public static Map<String, Double> compute(int[] labels, int[] predictions) {
        Confusion c = Confusion.of(labels, predictions);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", c.accuracy());
        m.put("f1_macro", c.f1(Average.MACRO));
        m.put("f1_micro", c.f1(Average.MICRO));
        m.put("f1_weighted", c.f1(Average.WEIGHTED));
        m.put("precision_macro", c.precision(Average.MACRO));
        m.put("recall_macro", c.recall(Average.MACRO));
        m.put("mcc", c.mcc());
        return m;
    }

    /** Binary F1 with class 1 positive (sklearn {@code f1_score(average="binary")}); 0 when there is no positive. -100 is skipped. */
    public static double binaryF1(int[] labels, int[] predictions) {
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == IGNORE_INDEX) continue;
            boolean y = labels[i] == 1, p = predictions[i] == 1;
            if (y && p) tp++;
            else if (p) fp++;
            else if (y) fn++;
        }
        return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    public static double accuracy(int[] labels, int[] predictions) { return Confusion.of(labels, predictions).accuracy(); }

    public static double precision(int[] labels, int[] predictions, Average avg) {
        return Confusion.of(labels, predictions).precision(avg);
    }

    public static double recall(int[] labels, int[] predictions, Average avg) {
        return Confusion.of(labels, predictions).recall(avg);
    }

    public static double f1(int[] labels, int[] predictions, Average avg) {
        return Confusion.of(labels, predictions).f1(avg);
    }

    /** Matthews correlation coefficient, multiclass form of sklearn {@code matthews_corrcoef}. */
    public static double mcc(int[] labels, int[] predictions) { return Confusion.of(labels, predictions).mcc(); }

    /** Confusion matrix over the sorted union of classes; rows = true class, columns = predicted class. */
    static final class Confusion {
        final long[][] m;
        final int k;

        private Confusion(long[][] m) { this.m = m; this.k = m.length; }

        static Confusion of(int[] labels, int[] predictions) {
            if (labels.length != predictions.length) {
                throw new JTuneException("metrics got " + labels.length + " labels and " + predictions.length
                        + " predictions", "one prediction per label", "pass arrays of the same evaluation set");
            }
            TreeSet<Integer> classes = new TreeSet<>();
            int n = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == IGNORE_INDEX) continue;
                classes.add(labels[i]);
                classes.add(predictions[i]);
                n++;
            }
            if (n == 0) {
                throw new JTuneException("all " + labels.length + " evaluation labels are -100 (ignored)",
                        "classification metrics need at least one labelled example", "evaluate on labelled data");
            }
            Map<Integer, Integer> index = new java.util.HashMap<>();
            for (int c : classes) index.put(c, index.size());
            long[][] m = new long[classes.size()][classes.size()];
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == IGNORE_INDEX) continue;
                m[index.get(labels[i])][index.get(predictions[i])]++;
            }
            return new Confusion(m);
        }

        long tp(int c) { return m[c][c]; }
        long trueCount(int c) { long s = 0; for (int j = 0; j < k; j++) s += m[c][j]; return s; }
        long predCount(int c) { long s = 0; for (int i = 0; i < k; i++) s += m[i][c]; return s; }
        long total() { long s = 0; for (int c = 0; c < k; c++) s += trueCount(c); return s; }

        double accuracy() {
            long correct = 0;
            for (int c = 0; c < k; c++) correct += tp(c);
            return (double) correct / total();
        }

        private static double div(double a, double b) { return b == 0 ? 0.0 : a / b; }

        double precision(Average avg) { return combine(avg, 0); }
        double recall(Average avg) { return combine(avg, 1); }
        double f1(Average avg) { return combine(avg, 2); }

        /** kind 0 = precision, 1 = recall, 2 = F1. */
        private double combine(Average avg, int kind) {
            if (avg == Average.MICRO) {
                long tp = 0, pred = 0, tru = 0;
                for (int c = 0; c < k; c++) { tp += tp(c); pred += predCount(c); tru += trueCount(c); }
                return score(kind, tp, pred, tru);
            }
            double sum = 0, weights = 0;
            for (int c = 0; c < k; c++) {
                double w = avg == Average.WEIGHTED ? trueCount(c) : 1.0;
                sum += w * score(kind, tp(c), predCount(c), trueCount(c));
                weights += w;
            }
            return div(sum, weights);
        }

        private static double score(int kind, long tp, long pred, long tru) {
            switch (kind) {
                case 0: return div(tp, pred);
                case 1: return div(tp, tru);
                default: return div(2.0 * tp, pred + tru); // = 2PR/(P+R)
            }
        }

        double mcc() {
            double s = total(), correct = 0, tDotP = 0, pDotP = 0, tDotT = 0;
            for (int c = 0; c < k; c++) {
                double t = trueCount(c), p = predCount(c);
                correct += tp(c);
                tDotP += t * p;
                pDotP += p * p;
                tDotT += t * t;
            }
            double covYtYp = correct * s - tDotP;
            double covYpYp = s * s - pDotP;
            double covYtYt = s * s - tDotT;
            if (covYpYp * covYtYt == 0) return 0.0;
            return covYtYp / Math.sqrt(covYtYt * covYpYp);
        }
    }
}
