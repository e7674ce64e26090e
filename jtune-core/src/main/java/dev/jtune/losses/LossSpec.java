package dev.jtune.losses;

import dev.jtune.JTuneException;

import java.util.Arrays;

/**
 * The losses users ask for without subclassing: class weights for cross-entropy (given, or "auto" from label
 * frequencies), {@code pos_weight} for BCE, label smoothing (cross-entropy only, HF's rule) and focal loss.
 * Validated against the problem type at configuration time, never mid-run.
 *
 * @param classWeights       per-class weights for cross-entropy, or null
 * @param autoClassWeights   compute class weights from the training labels' frequencies ("balanced": n / (C · n_c))
 * @param posWeight          per-label positive weights for BCE, or null
 * @param labelSmoothing     ε in [0, 1): cross-entropy against (1-ε)·onehot + ε/C
 * @param focalGamma         γ > 0 turns on focal loss (single- or multi-label); 0 = off
 */
public record LossSpec(float[] classWeights, boolean autoClassWeights, float[] posWeight, double labelSmoothing, double focalGamma) {

    public static LossSpec none() { return new LossSpec(null, false, null, 0.0, 0.0); }

    /** True when nothing differs from the model's own loss. */
    public boolean isDefault() {
        return classWeights == null && !autoClassWeights && posWeight == null && labelSmoothing == 0.0 && focalGamma == 0.0;
    }

    public LossSpec withClassWeights(float[] w) { return new LossSpec(w, false, posWeight, labelSmoothing, focalGamma); }
    public LossSpec withAutoClassWeights() { return new LossSpec(null, true, posWeight, labelSmoothing, focalGamma); }
    public LossSpec withPosWeight(float[] w) { return new LossSpec(classWeights, autoClassWeights, w, labelSmoothing, focalGamma); }
    public LossSpec withLabelSmoothing(double eps) { return new LossSpec(classWeights, autoClassWeights, posWeight, eps, focalGamma); }
    public LossSpec withFocalGamma(double g) { return new LossSpec(classWeights, autoClassWeights, posWeight, labelSmoothing, g); }

    /** Checks the options against the problem type and label count; the messages name the CLI flags. */
    public void validate(ProblemType p, int numLabels) {
        if (labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new JTuneException("label_smoothing_factor is " + labelSmoothing + " (CLI --label-smoothing-factor)",
                    "label smoothing ε must lie in [0, 1)", "use e.g. 0.1, or 0 to disable it");
        }
        if (labelSmoothing > 0 && p != ProblemType.SINGLE_LABEL_CLASSIFICATION) {
            throw new JTuneException("label_smoothing_factor " + labelSmoothing + " (CLI --label-smoothing-factor) with problem_type " + p,
                    p == ProblemType.REGRESSION
                            ? "label smoothing is defined for class labels only; regression targets have no classes to smooth (HF crashes: index 1 is out of bounds)"
                            : "HF's label smoother is cross-entropy only (HF raises 'Label smoothing is not compatible with multi-label classification')",
                    "set --label-smoothing-factor 0" + (p == ProblemType.MULTI_LABEL_CLASSIFICATION ? ", or use --pos-weight / --focal-gamma for imbalanced labels" : ""));
        }
        if ((classWeights != null || autoClassWeights) && p != ProblemType.SINGLE_LABEL_CLASSIFICATION) {
            throw new JTuneException("class weights (CLI --class-weights) with problem_type " + p,
                    "class weights re-weight cross-entropy, which only single_label_classification uses",
                    p == ProblemType.MULTI_LABEL_CLASSIFICATION ? "use --pos-weight for multi-label" : "drop --class-weights for regression");
        }
        if (classWeights != null && classWeights.length != numLabels) {
            throw new JTuneException("--class-weights has " + classWeights.length + " values " + Arrays.toString(classWeights) + " but num_labels is " + numLabels,
                    "one weight per class, in id order", "give " + numLabels + " comma-separated weights, or --class-weights auto");
        }
        if (classWeights != null) for (float w : classWeights) if (!(w >= 0) || !Float.isFinite(w)) {
            throw new JTuneException("--class-weights contains " + w, "class weights must be finite and ≥ 0", "fix the weights");
        }
        if (posWeight != null && p != ProblemType.MULTI_LABEL_CLASSIFICATION) {
            throw new JTuneException("pos_weight (CLI --pos-weight) with problem_type " + p,
                    "pos_weight weights the positive term of BCE-with-logits, which only multi_label_classification uses",
                    "drop --pos-weight, or use --class-weights for single-label");
        }
        if (posWeight != null && posWeight.length != numLabels && posWeight.length != 1) {
            throw new JTuneException("--pos-weight has " + posWeight.length + " values but num_labels is " + numLabels,
                    "one positive weight per label (or one for all)", "give " + numLabels + " values");
        }
        if (focalGamma < 0 || Double.isNaN(focalGamma)) {
            throw new JTuneException("--focal-gamma is " + focalGamma, "the focal exponent γ must be ≥ 0", "use e.g. 2.0, or 0 to disable");
        }
        if (focalGamma > 0 && p == ProblemType.REGRESSION) {
            throw new JTuneException("--focal-gamma " + focalGamma + " with problem_type regression",
                    "focal loss down-weights easy classification examples; regression has none", "drop --focal-gamma");
        }
    }

    /** sklearn's "balanced" weights n / (C · n_c); a class with no examples gets weight 0. */
    public static float[] balancedWeights(long[] countsPerClass) {
        long n = 0;
        for (long c : countsPerClass) n += c;
        float[] w = new float[countsPerClass.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = countsPerClass[i] == 0 ? 0f : (float) ((double) n / (countsPerClass.length * (double) countsPerClass[i]));
        }
        return w;
    }
}
