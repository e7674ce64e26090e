package dev.jtune.metrics;

import dev.jtune.JTuneException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Regression metrics: MSE, MAE, Pearson r and Spearman rho (average ranks for ties, as scipy). */
public final class RegressionMetrics {
    private RegressionMetrics() {}

    /** mse, mae, pearson, spearmanr. */
    public static Map<String, Double> compute(double[] predictions, double[] labels) {
        check(predictions, labels);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mse", mse(predictions, labels));
        m.put("mae", mae(predictions, labels));
        m.put("pearson", pearson(predictions, labels));
        m.put("spearmanr", spearman(predictions, labels));
        return m;
    }

    public static double mse(double[] p, double[] y) {
        check(p, y);
        double s = 0;
        for (int i = 0; i < p.length; i++) s += (p[i] - y[i]) * (p[i] - y[i]);
        return s / p.length;
    }

    public static double mae(double[] p, double[] y) {
        check(p, y);
        double s = 0;
        for (int i = 0; i < p.length; i++) s += Math.abs(p[i] - y[i]);
        return s / p.length;
    }

    /** Pearson correlation; NaN when either side is constant (scipy returns nan there too). */
    public static double pearson(double[] x, double[] y) {
        check(x, y);
        int n = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return Double.NaN;
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Spearman rank correlation: Pearson on average ranks (scipy {@code spearmanr}). */
    public static double spearman(double[] x, double[] y) {
        check(x, y);
        return pearson(averageRanks(x), averageRanks(y));
    }

    /** 1-based ranks; tied values share the mean of their ranks (scipy {@code rankdata(method="average")}). */
    public static double[] averageRanks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) j++;
            double avg = (i + j) / 2.0 + 1.0; // ranks i+1 .. j+1
            for (int t = i; t <= j; t++) ranks[order[t]] = avg;
            i = j + 1;
        }
        return ranks;
    }

    private static void check(double[] p, double[] y) {
        if (p.length != y.length || p.length == 0) {
            throw new JTuneException("regression metrics got " + p.length + " predictions and " + y.length + " labels",
                    "one prediction per label, at least one example", "pass arrays of the same non-empty evaluation set");
        }
    }
}
