package dev.jtune.trainer;

import dev.jtune.modeling.PretrainedConfig;

import java.util.Arrays;
import java.util.Locale;

/**
 * The multi-label decision thresholds, one rule everywhere (predict's labels and its metrics, evaluate, evaluation
 * during training): a threshold given for this run ({@code --threshold}) beats the thresholds calibrated at training
 * time (config.json, {@value PretrainedConfig#THRESHOLDS_KEY}), which beat 0.5.
 *
 * @param values one threshold per label
 * @param mode   "global" (one value for every label) or "per_label"
 * @param source where they come from, for the output
 */
public record DecisionThresholds(double[] values, String mode, String source) {
    public static final double DEFAULT = 0.5;

    public static DecisionThresholds resolve(PretrainedConfig config, Double override) {
        int n = config.numLabels();
        if (override != null) return new DecisionThresholds(filled(n, override), "global", "--threshold");
        double[] stored = config.multiLabelThresholds();
        if (stored != null) {
            var t = config.extra(PretrainedConfig.THRESHOLDS_KEY);
            String mode = t != null && "per_label".equals(t.path("mode").asText()) ? "per_label" : "global";
            if (mode.equals("global") && Arrays.stream(stored).distinct().count() > 1) mode = "per_label";
            return new DecisionThresholds(stored, mode, "calibrated on the eval set when training, config.json");
        }
        return new DecisionThresholds(filled(n, DEFAULT), "global", "default");
    }

    private static double[] filled(int n, double v) {
        double[] d = new double[n];
        Arrays.fill(d, v);
        return d;
    }

    /** "threshold 0.35 (calibrated ...)" or "per-label thresholds [0.3, 0.41, ...] (...)": one value when global. */
    public String describe() {
        if (mode.equals("global")) return "threshold " + fmt(values.length == 0 ? DEFAULT : values[0]) + " (" + source + ")";
        StringBuilder b = new StringBuilder("per-label thresholds [");
        for (int i = 0; i < values.length; i++) b.append(i == 0 ? "" : ", ").append(fmt(values[i]));
        return b.append("] (").append(source).append(")").toString();
    }

    static String fmt(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }
}
