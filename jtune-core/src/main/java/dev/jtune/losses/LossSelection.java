package dev.jtune.losses;

/**
 * Which loss a sequence-classification head uses, where the decision came from and why (HF's rule).
 *
 * @param problemType the problem type applied
 * @param loss        the loss, as HF names it: MSELoss, CrossEntropyLoss or BCEWithLogitsLoss
 * @param source      inferred (from num_labels and the labels' dtype), config (config.json) or explicit (API/CLI)
 * @param reason      one sentence a user can read
 */
public record LossSelection(ProblemType problemType, String loss, Source source, String reason) {

    /**
     * Where the problem type came from; {@code HEAD}: the head's fixed rule (every {@code *ForTokenClassification}
     * uses cross-entropy and never reads {@code problem_type}).
     */
    public enum Source { INFERRED, CONFIG, EXPLICIT, HEAD;
        public String hfName() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** What the labels look like, as far as the loss rule cares. */
    public enum LabelKind {
        /** int64 / int32 class indices, shape (B) */
        CLASS_INDEX,
        /** floating-point values: regression targets or multi-hot rows */
        FLOAT,
        /** integer or bool multi-hot rows, shape (B, num_labels) */
        INTEGER_MULTI_HOT,
        /** other integer dtypes (int16, uint8) or bool, shape (B) */
        OTHER
    }

    /** HF's loss name for a problem type. */
    public static String lossName(ProblemType p) {
        return switch (p) {
            case REGRESSION -> "MSELoss";
            case SINGLE_LABEL_CLASSIFICATION -> "CrossEntropyLoss";
            case MULTI_LABEL_CLASSIFICATION -> "BCEWithLogitsLoss";
        };
    }

    /**
     * HF's rule: an explicit or configured problem type wins; otherwise num_labels == 1 → regression; integer
     * (int64/int32) class labels → single-label; anything else → multi-label. Integer multi-hot rows (B, C) are
     * taken as multi-label (HF would infer single-label and crash in cross-entropy: a documented "Better").
     */
    public static LossSelection select(ProblemType configured, Source configuredSource, int numLabels, LabelKind labels) {
        return select(configured, configuredSource, numLabels, labels, null);
    }

    /**
     * As {@link #select(ProblemType, Source, int, LabelKind)}, with the labels described as the data has them
     * (e.g. "string labels (neg, pos) mapped to class ids") instead of by their tensor kind ("integer labels").
     */
    public static LossSelection select(ProblemType configured, Source configuredSource, int numLabels, LabelKind labels, String labelsInWords) {
        if (configured != null) {
            String why = (configuredSource == Source.CONFIG ? "problem_type \"" + configured.hfName() + "\" is set in config.json"
                    : "problem_type \"" + configured.hfName() + "\" was given explicitly") + "; it wins over inference";
            return new LossSelection(configured, lossName(configured), configuredSource, why);
        }
        ProblemType p;
        String why;
        if (numLabels == 1) {
            p = ProblemType.REGRESSION;
            why = "problem_type regression inferred from num_labels=1 (whatever the label dtype)";
        } else if (labels == LabelKind.CLASS_INDEX) {
            p = ProblemType.SINGLE_LABEL_CLASSIFICATION;
            why = "problem_type single_label_classification inferred from num_labels=" + numLabels + " and " + (labelsInWords != null ? labelsInWords : "integer labels");
        } else if (labels == LabelKind.INTEGER_MULTI_HOT) {
            p = ProblemType.MULTI_LABEL_CLASSIFICATION;
            why = "problem_type multi_label_classification inferred from num_labels=" + numLabels
                    + " and integer multi-hot label rows (B, " + numLabels + ") (HF would pick cross-entropy and fail)";
        } else {
            p = ProblemType.MULTI_LABEL_CLASSIFICATION;
            why = "problem_type multi_label_classification inferred from num_labels=" + numLabels + " and " + (labelsInWords != null ? labelsInWords : "non-integer labels");
        }
        return new LossSelection(p, lossName(p), Source.INFERRED, why);
    }

    /**
     * HF's rule for a token head, stated with its source: transformers' {@code BertForTokenClassification.forward}
     * (models/bert/modeling_bert.py; the other families' token heads are written the same way) computes
     * {@code CrossEntropyLoss()(logits.view(-1, self.num_labels), labels.view(-1))} whenever labels are given, with
     * CrossEntropyLoss's default {@code ignore_index=-100}; {@code problem_type} is not read and not set. The
     * problem type is reported as single-label classification (per token), which is what the cross-entropy is;
     * the Trainer does not write it into config.json.
     */
    public static LossSelection tokenClassification(String architecture, int numLabels) {
        return new LossSelection(ProblemType.SINGLE_LABEL_CLASSIFICATION, "CrossEntropyLoss", Source.HEAD,
                architecture + ".forward always uses cross-entropy over every token, logits.view(-1, num_labels="
                        + numLabels + ") against labels.view(-1), positions labelled -100 (special tokens, continuation"
                        + " sub-tokens, padding) not counted; problem_type is not consulted (transformers"
                        + " modeling_*.py, *ForTokenClassification)");
    }

    /** True for a token head's selection (its problem type is per token and never recorded in config.json). */
    public boolean perToken() { return source == Source.HEAD; }

    /** e.g. "problem_type single_label_classification inferred from ... → CrossEntropyLoss(mean, ignore_index=-100)". */
    public String describe() {
        String detail = switch (problemType) {
            case REGRESSION -> "MSELoss(mean)";
            case SINGLE_LABEL_CLASSIFICATION -> perToken() ? "CrossEntropyLoss(mean over counted tokens, ignore_index=-100)"
                    : "CrossEntropyLoss(mean, ignore_index=-100)";
            case MULTI_LABEL_CLASSIFICATION -> "BCEWithLogitsLoss(mean over batch x labels)";
        };
        return reason + " → " + detail;
    }
}
