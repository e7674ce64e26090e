package dev.jtune.tokenization;

import java.util.Arrays;

/**
 * One encoded input (mirrors the per-row content of HF's {@code BatchEncoding} before padding): special tokens
 * added, truncated to the requested length, not padded, so its attention mask is all ones.
 *
 * @param inputIds                token ids, {@code [CLS] A [SEP]} or {@code [CLS] A [SEP] B [SEP]} for BERT
 * @param tokenTypeIds            segment ids, 0 for the first text (and its specials), 1 for the second
 * @param truncated               whether tokens were cut to fit the maximum length
 * @param lengthWithoutTruncation the length (special tokens included) the row would have without truncation
 */
public record Encoding(long[] inputIds, long[] tokenTypeIds, boolean truncated, int lengthWithoutTruncation) {

    public Encoding {
        if (inputIds == null || tokenTypeIds == null || inputIds.length != tokenTypeIds.length) {
            throw new IllegalArgumentException("inputIds and tokenTypeIds must be non-null and of equal length");
        }
    }

    /** Number of tokens in this row. */
    public int length() {
        return inputIds.length;
    }

    /** The attention mask of the unpadded row: all ones. */
    public long[] attentionMask() {
        long[] mask = new long[inputIds.length];
        Arrays.fill(mask, 1L);
        return mask;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && truncated == e.truncated
                && lengthWithoutTruncation == e.lengthWithoutTruncation
                && Arrays.equals(inputIds, e.inputIds) && Arrays.equals(tokenTypeIds, e.tokenTypeIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(tokenTypeIds) + (truncated ? 1 : 0)
                + 17 * lengthWithoutTruncation;
    }

    @Override
    public String toString() {
        return "Encoding[inputIds=" + Arrays.toString(inputIds) + ", tokenTypeIds=" + Arrays.toString(tokenTypeIds)
                + ", truncated=" + truncated + ", lengthWithoutTruncation=" + lengthWithoutTruncation + "]";
    }
}
