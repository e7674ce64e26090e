package dev.jtune.torch;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Scaled dot-product attention as BERT-style families compute it (BERT, RoBERTa, XLM-R, ELECTRA, DistilBERT), in
 * either form; the caller decides which ({@code AttentionImplementation.useSdpa}, one layer up).
 *
 * <ul>
 * <li><b>Eager</b>, HF's {@code softmax(q·kᵀ/√d + mask)·v}. The 1/√d scale is applied to q, which has L/d times fewer
 * elements than the scores (as SDPA does): equal to HF's order up to rounding. The mask is added in the scores' dtype:
 * under bf16 autocast the scores stay bf16, so softmax takes bf16 in and out (libtorch computes it in fp32 inside);
 * HF's eager path promotes to fp32 there, its default SDPA path keeps the probabilities in bf16 as this does
 * (measured: 7% of a bf16 MiniLM step, 0.78 → 0.72 s). Attention dropout is jtune's {@link Dropout} on the
 * probabilities in v's dtype, with the 1/(1-p) scale moved onto the (L/d times smaller) context:
 * {@code (probs·keep/(1-p))·v = ((probs·keep)·v)/(1-p)}; p = 1 zeroes everything, as torch.</li>
 * <li><b>Fused</b>: libtorch's {@code scaled_dot_product_attention} with the same mask, scale and dropout rate (its
 * own dropout masks).</li>
 * </ul>
 */
public final class Attention {
    private Attention() {}

    /**
     * q (B, heads, Lq, d), k and v (B, heads, L, d), extendedMask (B, 1, 1, L) additive → context (B, heads, Lq, d).
     *
     * @param dropoutProb attention dropout, applied only when {@code training}
     * @param fused       libtorch's fused kernel instead of the eager form
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor extendedMask, double dropoutProb, boolean training,
                                          boolean fused) {
        double scale = 1.0 / Math.sqrt(q.size(-1));
        if (fused) {
            return torch.scaled_dot_product_attention(q, k, v, new TensorOptional(extendedMask), training ? dropoutProb : 0.0, false,
                    new DoubleOptional(scale), false); // (B, heads, Lq, d)
        }
        Tensor scores = q.mul(Nn.scalar(scale)).matmul(k.transpose(-1, -2)); // (B, heads, Lq, L)
        Tensor probs = scores.add(extendedMask.to(scores.scalar_type())).softmax(-1);
        if (training && dropoutProb > 0 && dropoutProb < 1) {
            if (probs.scalar_type().value != v.scalar_type().value) probs = probs.to(v.scalar_type());
            return probs.mul(Dropout.keepMask(probs, dropoutProb)).matmul(v).mul(Nn.scalar(Dropout.scale(dropoutProb))); // (B, heads, Lq, d)
        }
        return Nn.dropout(probs, dropoutProb, training).matmul(v); // (B, heads, Lq, d)
    }
}
