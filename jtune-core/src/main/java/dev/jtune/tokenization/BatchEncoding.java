package dev.jtune.tokenization;

/**
 * A padded batch (mirrors HF's {@code BatchEncoding} with {@code input_ids}, {@code attention_mask},
 * {@code token_type_ids}): every row has the same length, {@code [batchSize][seqLen]}.
 */
public record BatchEncoding(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {

    public BatchEncoding {
        if (inputIds == null || attentionMask == null || tokenTypeIds == null
                || inputIds.length != attentionMask.length || inputIds.length != tokenTypeIds.length) {
            throw new IllegalArgumentException("inputIds, attentionMask and tokenTypeIds must have the same row count");
        }
        int seq = inputIds.length == 0 ? 0 : inputIds[0].length;
        for (int i = 0; i < inputIds.length; i++) {
            if (inputIds[i].length != seq || attentionMask[i].length != seq || tokenTypeIds[i].length != seq) {
                throw new IllegalArgumentException("row " + i + " is not of the common length " + seq);
            }
        }
    }

    public int batchSize() {
        return inputIds.length;
    }

    public int seqLen() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }

    /** The real (unpadded) length of each row: the sum of its attention mask. */
    public int[] lengths() {
        int[] out = new int[inputIds.length];
        for (int i = 0; i < out.length; i++) {
            int n = 0;
            for (long m : attentionMask[i]) n += (int) m;
            out[i] = n;
        }
        return out;
    }

    /** {@code input_ids} row-major, for a {@code [batchSize, seqLen]} tensor. */
    public long[] flatInputIds() {
        return flatten(inputIds);
    }

    /** {@code attention_mask} row-major, for a {@code [batchSize, seqLen]} tensor. */
    public long[] flatAttentionMask() {
        return flatten(attentionMask);
    }

    /** {@code token_type_ids} row-major, for a {@code [batchSize, seqLen]} tensor. */
    public long[] flatTokenTypeIds() {
        return flatten(tokenTypeIds);
    }

    /** The shape {@code [batchSize, seqLen]}. */
    public long[] shape() {
        return new long[] {batchSize(), seqLen()};
    }

    private long[] flatten(long[][] rows) {
        int seq = seqLen();
        long[] out = new long[rows.length * seq];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * seq, seq);
        return out;
    }
}
