package dev.jtune.losses;

import dev.jtune.torch.Torch;
import org.bytedeco.pytorch.BCEWithLogitsLossOptions;
import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.Locale;

/**
 * The loss a {@link LossSpec} describes, for one problem type: weighted / smoothed / focal cross-entropy,
 * BCE-with-logits with {@code pos_weight} or focal, or MSE. Returns the mean over labelled items.
 */
public final class ConfiguredLoss implements LossFunction {
    private final ProblemType problemType;
    private final int numLabels;
    private final float[] classWeights;
    private final float[] posWeight;
    private final double labelSmoothing;
    private final double focalGamma;

    /** {@code classWeights} must already be resolved (auto weights computed from the data). */
    public ConfiguredLoss(ProblemType problemType, int numLabels, float[] classWeights, float[] posWeight,
                          double labelSmoothing, double focalGamma) {
        this.problemType = problemType;
        this.numLabels = numLabels;
        this.classWeights = classWeights;
        this.posWeight = posWeight;
        this.labelSmoothing = labelSmoothing;
        this.focalGamma = focalGamma;
    }

    @Override
    public Tensor compute(Tensor logits, Tensor labels, LossContext context) {
        switch (problemType) {
            case SINGLE_LABEL_CLASSIFICATION -> {
                Tensor y = labels.to(torch.ScalarType.Long).view(-1);
                Tensor x = logits.view(-1, numLabels);
                if (focalGamma > 0) return focalCrossEntropy(x, y);
                CrossEntropyLossOptions o = new CrossEntropyLossOptions();
                o.ignore_index().put(-100);
                if (labelSmoothing > 0) o.label_smoothing().put(labelSmoothing);
                if (classWeights != null) o.weight().put(Torch.floats(classWeights, classWeights.length));
                return torch.cross_entropy(x, y, o);
            }
            case MULTI_LABEL_CLASSIFICATION -> {
                Tensor y = labels.to(torch.ScalarType.Float);
                if (focalGamma > 0) return focalBce(logits, y);
                BCEWithLogitsLossOptions b = new BCEWithLogitsLossOptions();
                if (posWeight != null) b.pos_weight().put(posWeightTensor());
                return torch.binary_cross_entropy_with_logits(logits, y, b);
            }
            default -> {
                Tensor y = labels.to(torch.ScalarType.Float);
                return numLabels == 1 ? torch.mse_loss(logits.squeeze(), y.squeeze()) : torch.mse_loss(logits, y);
            }
        }
    }

    private Tensor posWeightTensor() {
        float[] w = posWeight.length == 1 ? filled(numLabels, posWeight[0]) : posWeight;
        return Torch.floats(w, w.length);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    /** mean over kept rows of w_y · (1 - p_y)^γ · (-log p_y). */
    private Tensor focalCrossEntropy(Tensor x, Tensor y) {
        Tensor keep = y.ne(new Scalar(-100L));                       // (N)
        Tensor safeY = y.masked_fill(keep.logical_not(), new Scalar(0L)).unsqueeze(1); // (N, 1)
        Tensor logp = x.log_softmax(1).gather(1, safeY).squeeze(1);  // (N)
        Tensor pt = logp.exp();
        Tensor term = pt.neg().add(new Scalar(1.0)).pow(new Scalar(focalGamma)).mul(logp.neg()); // (N)
        Tensor w = keep.to(torch.ScalarType.Float);
        if (classWeights != null) w = w.mul(Torch.floats(classWeights, classWeights.length).index_select(0, safeY.squeeze(1)));
        return term.mul(w).sum().div(w.sum().clamp_min(new Scalar(1e-12)));
    }

    /** mean over B×C of (1 - p_t)^γ · BCE (with pos_weight on the positive term). */
    private Tensor focalBce(Tensor logits, Tensor y) {
        BCEWithLogitsLossOptions b = new BCEWithLogitsLossOptions();
        b.reduction().put(new org.bytedeco.pytorch.LossReduction(new org.bytedeco.pytorch.kNone()));
        if (posWeight != null) b.pos_weight().put(posWeightTensor());
        Tensor bce = torch.binary_cross_entropy_with_logits(logits, y, b); // (B, C)
        Tensor p = torch.sigmoid(logits);
        Tensor pt = p.mul(y).add(p.neg().add(new Scalar(1.0)).mul(y.neg().add(new Scalar(1.0)))); // prob of the true outcome
        return pt.neg().add(new Scalar(1.0)).pow(new Scalar(focalGamma)).mul(bce).mean();
    }

    @Override
    public String describe() {
        return switch (problemType) {
            case SINGLE_LABEL_CLASSIFICATION -> (focalGamma > 0 ? String.format(Locale.ROOT, "FocalLoss(gamma=%s", fmt(focalGamma)) : "CrossEntropyLoss(mean")
                    + ", ignore_index=-100"
                    + (labelSmoothing > 0 ? ", label_smoothing=" + fmt(labelSmoothing) : "")
                    + (classWeights != null ? ", class weights " + Arrays.toString(classWeights) : "") + ")";
            case MULTI_LABEL_CLASSIFICATION -> (focalGamma > 0 ? "FocalBCEWithLogitsLoss(gamma=" + fmt(focalGamma) + ", " : "BCEWithLogitsLoss(")
                    + "mean over batch x labels" + (posWeight != null ? ", pos_weight " + Arrays.toString(posWeight) : "") + ")";
            case REGRESSION -> "MSELoss(mean)";
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
