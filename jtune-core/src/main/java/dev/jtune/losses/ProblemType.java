package dev.jtune.losses;

import dev.jtune.JTuneException;

/** HF's {@code problem_type}: which loss a sequence-classification head uses. */
public enum ProblemType {
    REGRESSION("regression"),
    SINGLE_LABEL_CLASSIFICATION("single_label_classification"),
    MULTI_LABEL_CLASSIFICATION("multi_label_classification");

    private final String hfName;

    ProblemType(String hfName) { this.hfName = hfName; }

    /** The HF spelling used in config.json and on the command line. */
    public String hfName() { return hfName; }

    /** Parses HF's spelling; null stays null; anything else is HF's error. */
    public static ProblemType fromHf(String value) {
        if (value == null) return null;
        for (ProblemType p : values()) if (p.hfName.equals(value)) return p;
        throw new JTuneException(
                "The config parameter `problem_type` was not understood: received " + value
                        + " but only 'regression', 'single_label_classification' and 'multi_label_classification' are valid.",
                "problem_type (config.json \"problem_type\", CLI --problem-type) must be one of the three HF values or unset",
                "use regression, single_label_classification or multi_label_classification, or leave it unset so it is inferred from num_labels and the labels");
    }

    @Override
    public String toString() { return hfName; }
}
