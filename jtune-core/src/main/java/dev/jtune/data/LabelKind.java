package dev.jtune.data;

/** How a data set's labels are represented, with the HF {@code problem_type} each kind trains with. */
public enum LabelKind {
    /** One integer class id per example (-100 = ignored by the loss); HF {@code single_label_classification}. */
    CLASS_INDEX("single_label_classification"),
    /** One float per example; HF {@code regression}. */
    REGRESSION("regression"),
    /** A multi-hot float vector per example; HF {@code multi_label_classification}. */
    MULTI_HOT("multi_label_classification"),
    /**
     * One tag id per word (or per sub-token) of a sentence: token classification ({@code *ForTokenClassification},
     * cross-entropy per token; HF has no problem_type for it, the name is jtune's).
     */
    TOKEN_TAGS("token_classification"),
    /** No labels (a file to predict on). */
    NONE(null);

    private final String problemType;

    LabelKind(String problemType) { this.problemType = problemType; }

    /** The HF {@code problem_type} string, or null for {@link #NONE}. */
    public String problemType() { return problemType; }

    /** The kind for an HF {@code problem_type} string; null for anything else. */
    public static LabelKind fromProblemType(String problemType) {
        for (LabelKind k : values()) {
            if (k.problemType != null && k.problemType.equals(problemType)) return k;
        }
        return null;
    }
}
