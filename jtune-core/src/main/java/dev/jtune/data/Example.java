package dev.jtune.data;

/**
 * One example: text (and optional pair text) with its label in the representation of the data set's {@link LabelKind}.
 *
 * @param id         the value of the id column, or null
 * @param text       the first text (never empty)
 * @param textPair   the second text of a pair task, or null
 * @param classId    {@link LabelKind#CLASS_INDEX}: the class id (-100 = ignored by the loss); otherwise -100
 * @param value      {@link LabelKind#REGRESSION}: the target; otherwise NaN
 * @param multiHot   {@link LabelKind#MULTI_HOT}: 0/1 per class; otherwise null
 * @param sourceLine the 1-based line in the file where the row starts (the header is line 1)
 * @param tokenTags  {@link LabelKind#TOKEN_TAGS}: the words and their tag ids (or tags already per sub-token); else null
 */
public record Example(String id, String text, String textPair, int classId, float value, float[] multiHot, long sourceLine,
                      TokenTags tokenTags) {

    /** The class id HF's CrossEntropyLoss ignores. */
    public static final int IGNORE_INDEX = -100;

    public static Example ofClass(String id, String text, String textPair, int classId, long line) {
        return new Example(id, text, textPair, classId, Float.NaN, null, line, null);
    }

    public static Example ofValue(String id, String text, String textPair, float value, long line) {
        return new Example(id, text, textPair, IGNORE_INDEX, value, null, line, null);
    }

    public static Example ofMultiHot(String id, String text, String textPair, float[] multiHot, long line) {
        return new Example(id, text, textPair, IGNORE_INDEX, Float.NaN, multiHot, line, null);
    }

    /**
     * A sentence given as words with one tag id per word (CoNLL, tokens/ner_tags JSONL); {@code tags} null for
     * unlabelled words. The text is the words joined by single spaces, so each word has character offsets in it.
     */
    public static Example ofWords(String id, java.util.List<String> words, int[] tags, long line) {
        return new Example(id, String.join(" ", words), null, IGNORE_INDEX, Float.NaN, null, line,
                TokenTags.ofWords(words, tags));
    }

    /** A text with labels already one per token, special tokens included (HF's tokenised {@code labels} column);
     * {@code textPair} may be null. */
    public static Example ofTokenLabels(String id, String text, String textPair, int[] tokenLabels, long line) {
        return new Example(id, text, textPair, IGNORE_INDEX, Float.NaN, null, line, TokenTags.ofTokenLabels(tokenLabels));
    }

    public static Example unlabeled(String id, String text, String textPair, long line) {
        return new Example(id, text, textPair, IGNORE_INDEX, Float.NaN, null, line, null);
    }
}
