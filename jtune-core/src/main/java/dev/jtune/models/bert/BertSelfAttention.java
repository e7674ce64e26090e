package dev.jtune.models.bert;

import dev.jtune.torch.Nn;
import dev.jtune.modeling.AttentionImplementation;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** Mirrors transformers BertSelfAttention: softmax(QKᵀ/√d + mask)·V per head. */
public final class BertSelfAttention extends Module {
    final LinearImpl query;
    final LinearImpl key;
    final LinearImpl value;
    private final int numHeads;
    private final int headSize;
    private final double dropoutProb;
    AttentionImplementation implementation = AttentionImplementation.AUTO;

    public BertSelfAttention(BertConfig config) {
        query = register_module("query", Nn.linear(config.hiddenSize, config.hiddenSize));
        key = register_module("key", Nn.linear(config.hiddenSize, config.hiddenSize));
        value = register_module("value", Nn.linear(config.hiddenSize, config.hiddenSize));
        numHeads = config.numAttentionHeads;
        headSize = config.headSize();
        dropoutProb = config.attentionProbsDropoutProb;
    }

    /** (B, L, H) -> (B, heads, L, headSize). */
    private Tensor splitHeads(Tensor x) {
        return x.view(x.size(0), x.size(1), numHeads, headSize).transpose(1, 2);
    }

    /** hidden (B, L, H), extendedMask (B, 1, 1, L) additive -> context (B, L, H). */
    public Tensor forward(Tensor hidden, Tensor extendedMask) {
        return forward(hidden, extendedMask, null);
    }

    /**
     * As {@link #forward(Tensor, Tensor)}; with {@code unpadded}, hidden is the packed real tokens (T, H) and so is
     * the context: only the attention between the projections runs on the padded (B, L) layout.
     */
    public Tensor forward(Tensor hidden, Tensor extendedMask, dev.jtune.modeling.Unpadded unpadded) {
        long h = (long) numHeads * headSize;
        // HF runs query, key and value as three Linears. Here they are one GEMM over the three weights stacked
        // (3H, H): the same products, the input read (and under autocast cast to bf16) once instead of three times,
        // and one input gradient instead of three to cast and sum. The parameters stay query/key/value, as HF names
        // them; the stacking is a copy of 3·H² weights per forward. Measured (A/B, 3 pairs): bf16 MiniLM 32x128 step
        // 0.723 -> 0.697 s.
        Tensor weight = torch.cat(new TensorVector(query.weight(), key.weight(), value.weight()));  // (3H, H)
        Tensor bias = torch.cat(new TensorVector(query.bias(), key.bias(), value.bias()));          // (3H)
        Tensor qkv = torch.linear(hidden, weight, new TensorOptional(bias));                        // (B, L, 3H)
        if (unpadded != null) qkv = unpadded.unpack(qkv); // (T, 3H) -> (B, L, 3H), zeros at the padding
        long b = qkv.size(0), l = qkv.size(1);
        TensorVector parts = qkv.split(h, -1); // one backward node that concatenates the three gradients
        Tensor q = splitHeads(parts.get(0)); // (B, heads, L, d)
        Tensor k = splitHeads(parts.get(1)); // (B, heads, L, d)
        Tensor v = splitHeads(parts.get(2)); // (B, heads, L, d)
        Tensor context;
        // AUTO (measured by jtune-bench): the fused kernel whenever no backward follows, and in fp32 training without
        // attention dropout; eager for bf16 training, where CPU SDPA's backward is several times slower than eager on
        // AMX, and for training with attention dropout, where SDPA falls back to its unfused path with libtorch's
        // slower dropout mask (eager + jtune's Dropout: 1.54 vs 1.59 s per MiniLM 32x128 fp32 step)
        boolean attentionDropout = is_training() && dropoutProb > 0;
        boolean sdpa = implementation == AttentionImplementation.SDPA || (implementation == AttentionImplementation.AUTO
                && (!q.requires_grad() || (q.scalar_type().value == torch.ScalarType.Float.value && !attentionDropout)));
        if (sdpa) {
            double p = is_training() ? dropoutProb : 0.0;
            context = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(extendedMask), p, false,
                    new DoubleOptional(1.0 / Math.sqrt(headSize)), false); // (B, heads, L, d)
        } else {
            // HF: softmax(q·kᵀ/√d + mask) · v. The 1/√d scale is applied to q, which has L/d times fewer elements
            // than the scores (as SDPA does): equal to HF's order up to rounding. The mask is added in the scores'
            // dtype. Under bf16 autocast that keeps the scores in bf16, so softmax takes bf16 in and out (libtorch
            // computes it in fp32 inside); HF's eager path promotes to fp32 there, its default SDPA path keeps the
            // probabilities in bf16 as this does. Measured: 7% of a bf16 MiniLM step (0.78 -> 0.72 s).
            Tensor scores = q.mul(Nn.scalar(1.0 / Math.sqrt(headSize))).matmul(k.transpose(-1, -2)); // (B, heads, L, L)
            scores = scores.add(extendedMask.to(scores.scalar_type()));
            Tensor probs = scores.softmax(-1);
            if (is_training() && dropoutProb > 0 && dropoutProb < 1) {
                // dropout on the probabilities in v's dtype (the matmul would cast them anyway), with the 1/(1-p)
                // scale moved onto the (L/d times smaller) context: (probs·keep/(1-p))·v = ((probs·keep)·v)/(1-p)
                if (probs.scalar_type().value != v.scalar_type().value) probs = probs.to(v.scalar_type());
                Tensor keep = dev.jtune.torch.Dropout.keepMask(probs, dropoutProb);
                context = probs.mul(keep).matmul(v).mul(Nn.scalar(dev.jtune.torch.Dropout.scale(dropoutProb))); // (B, heads, L, d)
            } else {
                context = probs.matmul(v); // (B, heads, L, d)
            }
        }
        Tensor out = context.transpose(1, 2).contiguous().view(b, l, h); // (B, L, H)
        return unpadded != null ? unpadded.pack(out) : out;
    }
}
