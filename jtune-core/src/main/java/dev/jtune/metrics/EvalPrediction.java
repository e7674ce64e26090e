package dev.jtune.metrics;

import dev.jtune.JTuneException;

/**
 * Predictions and labels handed to {@link ComputeMetrics}, mirroring HF {@code EvalPrediction}.
 *
 * <p>{@code logits} are the raw model outputs {@code [N, numLabels]}. At most one label array is set, by problem
 * type: {@code intLabels} (single-label; {@code -100} = ignored), {@code floatLabels} (regression with one output)
 * or {@code multiLabels} (multi-label 0/1 rows). All label arrays are null for unlabelled prediction.
 */
public record EvalPrediction(float[][] logits, int[] intLabels, float[] floatLabels, float[][] multiLabels) {

    public EvalPrediction {
        if (logits == null) throw new IllegalArgumentException("logits must not be null");
        int n = logits.length;
        int set = (intLabels != null ? 1 : 0) + (floatLabels != null ? 1 : 0) + (multiLabels != null ? 1 : 0);
        if (set > 1) throw new IllegalArgumentException("at most one of intLabels, floatLabels, multiLabels may be set");
        int len = intLabels != null ? intLabels.length : floatLabels != null ? floatLabels.length
                : multiLabels != null ? multiLabels.length : n;
        if (len != n) {
            throw new JTuneException("predictions have " + n + " rows but labels have " + len,
                    "compute_metrics needs one label per prediction row", "pass the labels of the same evaluation set");
        }
    }

    public static EvalPrediction singleLabel(float[][] logits, int[] labels) {
        return new EvalPrediction(logits, labels, null, null);
    }

    public static EvalPrediction regression(float[][] logits, float[] labels) {
        return new EvalPrediction(logits, null, labels, null);
    }

    public static EvalPrediction multiLabel(float[][] logits, float[][] labels) {
        return new EvalPrediction(logits, null, null, labels);
    }

    public static EvalPrediction unlabelled(float[][] logits) {
        return new EvalPrediction(logits, null, null, null);
    }

    public int size() { return logits.length; }

    public boolean hasLabels() { return intLabels != null || floatLabels != null || multiLabels != null; }

    /** Row-wise argmax of the logits (first maximum on ties, as numpy). */
    public int[] argmax() {
        int[] out = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int j = 1; j < logits[i].length; j++) if (logits[i][j] > logits[i][best]) best = j;
            out[i] = best;
        }
        return out;
    }

    /** Element-wise {@code 1 / (1 + exp(-x))} in double precision. */
    public double[][] sigmoid() {
        double[][] out = new double[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            out[i] = new double[logits[i].length];
            for (int j = 0; j < logits[i].length; j++) out[i][j] = 1.0 / (1.0 + Math.exp(-(double) logits[i][j]));
        }
        return out;
    }

    /** Column 0 of the logits: the regression prediction ({@code logits.squeeze()}). */
    public double[] firstColumn() {
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) out[i] = logits[i][0];
        return out;
    }
}
