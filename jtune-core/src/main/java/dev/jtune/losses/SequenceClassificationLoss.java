package dev.jtune.losses;

import dev.jtune.JTuneException;
import dev.jtune.torch.Torch;
import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/**
 * The loss block every {@code *ForSequenceClassification} runs (HF writes it once per head class; jtune writes it
 * once): the problem type decides MSE, cross-entropy (ignore −100) or BCE-with-logits, with jtune's checks —
 * labels out of range are errors, integer regression labels become float, integer/bool multi-hot becomes float,
 * class indices for a multi-label head are rejected, and a batch whose labels are all −100 gives 0 (with a warning)
 * instead of NaN. Token classification uses {@link #tokenCrossEntropy}.
 */
public final class SequenceClassificationLoss {
    private static final System.Logger LOG = System.getLogger(SequenceClassificationLoss.class.getName());

    private SequenceClassificationLoss() {}

    /** Classifies a labels tensor for the loss rule. */
    public static LossSelection.LabelKind labelKind(Tensor labels, int numLabels) {
        boolean intLike = Torch.isType(labels, torch.ScalarType.Long) || Torch.isType(labels, torch.ScalarType.Int);
        boolean otherInt = Torch.isType(labels, torch.ScalarType.Short) || Torch.isType(labels, torch.ScalarType.Byte)
                || Torch.isType(labels, torch.ScalarType.Char) || Torch.isType(labels, torch.ScalarType.Bool);
        if (labels.dim() == 2 && labels.size(1) == numLabels && numLabels > 1 && (intLike || otherInt)) {
            return LossSelection.LabelKind.INTEGER_MULTI_HOT;
        }
        if (intLike) return LossSelection.LabelKind.CLASS_INDEX;
        if (otherInt) return LossSelection.LabelKind.OTHER;
        return LossSelection.LabelKind.FLOAT;
    }

    /** HF's loss for {@code problemType} on logits (B, C) and labels, with jtune's checks. */
    public static Tensor compute(ProblemType problemType, Tensor logits, Tensor labels, int numLabels) {
        switch (problemType) {
            case REGRESSION: {
                Tensor y = Torch.isType(labels, torch.ScalarType.Float) ? labels : labels.to(torch.ScalarType.Float);
                checkFinite(y);
                if (numLabels == 1) return torch.mse_loss(logits.squeeze(), y.squeeze());
                if (!Arrays.equals(Torch.shape(y), Torch.shape(logits))) {
                    throw new JTuneException("regression labels have shape " + Arrays.toString(Torch.shape(y)) + " but logits have shape "
                            + Arrays.toString(Torch.shape(logits)), "with problem_type regression and num_labels=" + numLabels
                            + ", labels must have one value per output: shape (batch, " + numLabels + ")",
                            "give " + numLabels + " scores per example, or use --num-labels 1 for a single score");
                }
                return torch.mse_loss(logits, y);
            }
            case SINGLE_LABEL_CLASSIFICATION: {
                Tensor y = classIndices(labels, numLabels);
                long[] v = Torch.toLongArray(y);
                boolean anyKept = false;
                for (int i = 0; i < v.length; i++) {
                    if (v[i] == -100) continue;
                    anyKept = true;
                    if (v[i] < 0 || v[i] >= numLabels) {
                        throw new JTuneException("label " + v[i] + " of example " + i + " in the batch is out of range for num_labels="
                                        + numLabels, "single-label class ids must lie in [0, " + numLabels + ") or be -100 (ignored)",
                                "check for 1-based labels, or set --num-labels (HF num_labels) to the number of classes");
                    }
                }
                if (!anyKept) {
                    LOG.log(System.Logger.Level.WARNING, "every label in this batch is -100 (ignored): loss is 0 instead of HF's NaN");
                    return logits.sum().mul(new Scalar(0.0));
                }
                CrossEntropyLossOptions o = new CrossEntropyLossOptions();
                o.ignore_index().put(-100);
                return torch.cross_entropy(logits.view(-1, numLabels), y.view(-1), o);
            }
            case MULTI_LABEL_CLASSIFICATION: {
                if (labels.dim() != 2 || labels.size(0) != logits.size(0) || labels.size(1) != numLabels) {
                    throw new JTuneException("multi-label labels have shape " + Arrays.toString(Torch.shape(labels)) + " ("
                            + labels.scalar_type() + ") but the head has num_labels=" + numLabels,
                            "multi_label_classification needs one 0/1 (or probability) target per label: shape (batch, " + numLabels
                                    + "); class indices are not accepted",
                            "turn each example's labels into a multi-hot row of length " + numLabels
                                    + ", or use problem_type single_label_classification for one class per example");
                }
                Tensor y = Torch.isType(labels, torch.ScalarType.Float) ? labels : labels.to(torch.ScalarType.Float);
                return torch.binary_cross_entropy_with_logits(logits, y);
            }
            default:
                throw new IllegalStateException("unknown problem type " + problemType);
        }
    }

    /**
     * HF's token-classification loss: {@code CrossEntropyLoss()} (mean, {@code ignore_index=-100}) on
     * {@code logits.view(-1, numLabels)} and {@code labels.view(-1)}; logits (B, L, C), labels (B, L) integer tag
     * ids. A tag id outside {@code [0, numLabels)} other than −100 is an error naming the example and token; a batch
     * with every position −100 gives 0 with a warning (HF: NaN).
     */
    public static Tensor tokenCrossEntropy(Tensor logits, Tensor labels, int numLabels) {
        Tensor y = Torch.isType(labels, torch.ScalarType.Long) ? labels : labels.to(torch.ScalarType.Long);
        long cols = y.dim() >= 2 ? y.size(y.dim() - 1) : Math.max(1, y.numel());
        long[] v = Torch.toLongArray(y.contiguous().view(-1));
        if (v.length != logits.numel() / numLabels) {
            throw new JTuneException("token labels have " + v.length + " positions but the logits have "
                    + logits.numel() / numLabels + " (shape " + Arrays.toString(Torch.shape(logits)) + ")",
                    "a token-classification head needs one tag id (or -100) per token: labels of shape (batch, seq_len)",
                    "pad the labels with -100 to the padded input length");
        }
        boolean anyKept = false;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == -100) continue;
            anyKept = true;
            if (v[i] < 0 || v[i] >= numLabels) {
                throw new JTuneException("tag id " + v[i] + " at token " + (i % cols) + " of example " + (i / cols)
                        + " in the batch is out of range for num_labels=" + numLabels,
                        "token tag ids must lie in [0, " + numLabels + ") or be -100 (not counted)",
                        "check the tag map (id2label) and the data's tags, or set --num-labels (HF num_labels)");
            }
        }
        if (!anyKept) {
            LOG.log(System.Logger.Level.WARNING, "every token label in this batch is -100 (not counted): loss is 0 instead of HF's NaN");
            return logits.sum().mul(new Scalar(0.0));
        }
        CrossEntropyLossOptions o = new CrossEntropyLossOptions();
        o.ignore_index().put(-100);
        return torch.cross_entropy(logits.contiguous().view(-1, numLabels), y.contiguous().view(-1), o);
    }

    private static Tensor classIndices(Tensor labels, int numLabels) {
        if (Torch.isType(labels, torch.ScalarType.Long)) return labels;
        if (Torch.isType(labels, torch.ScalarType.Int) || Torch.isType(labels, torch.ScalarType.Short)
                || Torch.isType(labels, torch.ScalarType.Byte) || Torch.isType(labels, torch.ScalarType.Char)) {
            return labels.to(torch.ScalarType.Long);
        }
        float[] f = Torch.toFloatArray(labels);
        for (int i = 0; i < f.length; i++) {
            if (f[i] != Math.rint(f[i])) {
                throw new JTuneException("label " + f[i] + " of example " + i + " is not a class id",
                        "single_label_classification needs integer class ids in [0, " + numLabels + ")",
                        "give integer labels, or use problem_type regression / multi_label_classification");
            }
        }
        return labels.to(torch.ScalarType.Long);
    }

    private static void checkFinite(Tensor y) {
        float[] f = Torch.toFloatArray(y);
        for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i])) {
                throw new JTuneException("regression label " + f[i] + " of example " + i + " is not finite",
                        "regression targets must be finite numbers", "remove or fix the row (NaN and infinity cannot be learned)");
            }
        }
    }
}
