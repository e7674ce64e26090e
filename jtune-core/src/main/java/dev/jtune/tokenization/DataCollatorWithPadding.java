package dev.jtune.tokenization;

import java.util.Arrays;
import java.util.List;

/**
 * Pads encoded rows into one batch on the right, to the longest row (mirrors transformers
 * {@code DataCollatorWithPadding(tokenizer, padding=True, pad_to_multiple_of=...)}).
 *
 * <p>Padding positions get the tokenizer's pad id, attention mask 0 and token type 0.
 */
public final class DataCollatorWithPadding {
    private final long padTokenId;
    private final int padToMultipleOf;

    public DataCollatorWithPadding(PreTrainedTokenizer tokenizer) {
        this(tokenizer.padTokenId(), 0);
    }

    public DataCollatorWithPadding(PreTrainedTokenizer tokenizer, int padToMultipleOf) {
        this(tokenizer.padTokenId(), padToMultipleOf);
    }

    /** @param padToMultipleOf 0 (or 1) for no rounding, else the padded length is rounded up to a multiple */
    public DataCollatorWithPadding(long padTokenId, int padToMultipleOf) {
        if (padToMultipleOf < 0) {
            throw new IllegalArgumentException("padToMultipleOf must be >= 0, got " + padToMultipleOf);
        }
        this.padTokenId = padTokenId;
        this.padToMultipleOf = padToMultipleOf;
    }

    public long padTokenId() {
        return padTokenId;
    }

    public int padToMultipleOf() {
        return padToMultipleOf;
    }

    /** One padded batch from the rows, in their order. */
    public BatchEncoding pad(List<Encoding> rows) {
        if (rows == null || rows.isEmpty()) {
            throw new IllegalArgumentException("cannot pad an empty batch");
        }
        int longest = 0;
        for (Encoding e : rows) longest = Math.max(longest, e.length());
        int seq = longest;
        if (padToMultipleOf > 1 && seq % padToMultipleOf != 0) {
            seq += padToMultipleOf - seq % padToMultipleOf;
        }
        int b = rows.size();
        long[][] ids = new long[b][seq];
        long[][] mask = new long[b][seq];
        long[][] types = new long[b][seq];
        for (int i = 0; i < b; i++) {
            Encoding e = rows.get(i);
            int n = e.length();
            System.arraycopy(e.inputIds(), 0, ids[i], 0, n);
            System.arraycopy(e.tokenTypeIds(), 0, types[i], 0, n);
            Arrays.fill(mask[i], 0, n, 1L);
            Arrays.fill(ids[i], n, seq, padTokenId);
        }
        return new BatchEncoding(ids, mask, types);
    }
}
