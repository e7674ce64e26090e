package dev.jtune.modeling;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Training without the padding: the token-wise layers (the query/key/value and output projections, the feed-forward
 * block, LayerNorm, dropout) run on the {@code T} real tokens of a batch, packed as {@code (T, C)}, instead of on all
 * {@code B×L} positions; only attention itself works on the padded {@code (B, L)} layout ({@link #unpack} before it,
 * {@link #pack} after). Dynamic padding pads every row to the batch's longest, so on short sentences most positions
 * are padding: on the SST-2 4k sample (batch 32) a batch holds about three times as many positions as real tokens.
 *
 * <p>Why the result is the same: a padded position's hidden state never reaches a real token (attention masks it as a
 * key, every other op is per token) nor the loss (the pooler reads the first token; token-classification labels are
 * −100 there), so the loss and every gradient are HF's, up to the rounding order of the smaller matrix products.
 * What differs: the padded positions of the last hidden state are zeros (HF computes values there that nothing
 * uses), and dropout draws its masks over the packed tokens, so with dropout on a run draws other (equally
 * distributed) masks than a padded run. The encoders use it through their packed path
 * (BertEncoder.forwardPacked, shared by BERT, RoBERTa/XLM-R and ELECTRA), the same path logits-only inference takes
 * ({@link TaskModel#logitsOnlyInference}); evaluation with gradients and a model's plain forward keep the padded layout.
 * {@code JTUNE_UNPAD=0} (or {@code -Djtune.unpad=false}) turns it off, for comparison.
 *
 * @param index the flat positions ({@code b·L + l}) of the real tokens, int64 (T)
 * @param batch B
 * @param length L
 */
public record Unpadded(Tensor index, long batch, long length) {
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("jtune.unpad", ""))
            && !"0".equals(System.getenv("JTUNE_UNPAD")) && !"false".equalsIgnoreCase(System.getenv("JTUNE_UNPAD"));

    /** Whether training unpads (on unless {@code JTUNE_UNPAD=0} / {@code -Djtune.unpad=false}). */
    public static boolean enabled() { return ENABLED; }

    /**
     * The real tokens of {@code attentionMask} (B, L) 0/1, or null when there is nothing to gain: unpadding off, no
     * mask, or no padding in the batch.
     */
    public static Unpadded of(Tensor attentionMask) {
        if (!ENABLED || attentionMask == null) return null;
        Tensor index = attentionMask.reshape(-1).nonzero().squeeze(1); // (T)
        long b = attentionMask.size(0), l = attentionMask.size(1);
        if (index.size(0) == b * l) return null;
        return new Unpadded(index, b, l);
    }

    /** Real tokens in the batch. */
    public long tokens() { return index.size(0); }

    /** (B, L, C) → (T, C): the real tokens' rows. */
    public Tensor pack(Tensor padded) {
        return padded.reshape(batch * length, padded.size(-1)).index_select(0, index);
    }

    /** (T, C) → (B, L, C): the rows back in place, zeros at the padding. */
    public Tensor unpack(Tensor packed) {
        long c = packed.size(-1);
        Tensor out = torch.zeros(new long[] {batch * length, c}, packed.options());
        return out.index_copy(0, index, packed).view(batch, length, c);
    }
}
