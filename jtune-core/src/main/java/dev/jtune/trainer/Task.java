package dev.jtune.trainer;

import dev.jtune.JTuneException;

/** What a fine-tune trains: one label per text (a sequence head) or one tag per word (a token head). */
public enum Task {
    /** {@code *ForSequenceClassification}: classification, multi-label or regression per text. */
    SEQUENCE_CLASSIFICATION("sequence-classification"),
    /** {@code *ForTokenClassification}: one tag per word (NER), from CoNLL or tokens/ner_tags JSONL. */
    TOKEN_CLASSIFICATION("token-classification");

    private final String cliName;

    Task(String cliName) { this.cliName = cliName; }

    /** The CLI spelling: sequence-classification, token-classification. */
    public String cliName() { return cliName; }

    /** Parses the CLI spelling (also with underscores, or HF's pipeline names ner / text-classification). */
    public static Task parse(String s) {
        if (s == null) return null;
        String t = s.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return switch (t) {
            case "token-classification", "ner", "token" -> TOKEN_CLASSIFICATION;
            case "sequence-classification", "text-classification", "sequence" -> SEQUENCE_CLASSIFICATION;
            default -> throw new JTuneException("--task \"" + s + "\"",
                    "the task is sequence-classification (one label per text) or token-classification (one tag per word, NER)",
                    "pass --task token-classification or --task sequence-classification, or leave it out to infer it from the data");
        };
    }
}
