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
 */
public record Example(String id, String text, String textPair, int classId, float value, float[] multiHot, long sourceLine) {

    /** The class id HF's CrossEntropyLoss ignores. */
    public static final int IGNORE_INDEX = -100;

    public static Example ofClass(String id, String text, String textPair, int classId, long line) {
        return new Example(id, text, textPair, classId, Float.NaN, null, line);
    }

    public static Example ofValue(String id, String text, String textPair, float value, long line) {
        return new Example(id, text, textPair, IGNORE_INDEX, value, null, line);
    }

    public static Example ofMultiHot(String id, String text, String textPair, float[] multiHot, long line) {
        return new Example(id, text, textPair, IGNORE_INDEX, Float.NaN, multiHot, line);
    }

    public static Example unlabeled(String id, String text, String textPair, long line) {
        return new Example(id, text, textPair, IGNORE_INDEX, Float.NaN, null, line);
    }
}
