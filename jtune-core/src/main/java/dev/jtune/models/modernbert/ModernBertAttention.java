package dev.jtune.models.modernbert;

import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.torch.Dropout;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers ModernBertAttention on padded inputs: one {@code Wqkv} projection, rotary embeddings on q
 * and k, {@code softmax(q·kᵀ/√d + mask)·v} (the mask is the padding mask, on sliding layers also the window), then
 * {@code Wo} and dropout. Which mask and which RoPE base a layer gets is decided by its layer type in
 * {@link ModernBertModel}.
 */
public final class ModernBertAttention extends Module {
    final LinearImpl wqkv;
    final LinearImpl wo;
    private final int numHeads;
    private final int headDim;
    private final double dropoutProb;
    AttentionImplementation implementation = AttentionImplementation.AUTO;

    public ModernBertAttention(ModernBertConfig config) {
        wqkv = register_module("Wqkv", LayerNorm.linear(config.hiddenSize, 3L * config.hiddenSize, config.attentionBias));
        wo = register_module("Wo", LayerNorm.linear(config.hiddenSize, config.hiddenSize, config.attentionBias));
        numHeads = config.numAttentionHeads;
        headDim = config.headDim();
        dropoutProb = config.attentionDropout;
    }

    /**
     * The float32 additive mask in q's dtype for the fused kernel, its float32-min entries clamped to the dtype's
     * lowest finite value first (float32 min rounds to -inf in bf16; a row with every key at -inf gives NaN).
     */
    private static Tensor maskIn(Tensor mask, Tensor q) {
        int t = q.scalar_type().value;
        if (t == torch.ScalarType.Float.value) return mask;
        double lowest = t == torch.ScalarType.Half.value ? -65504.0 : -3.3895313892515355e38; // fp16 / bf16
        return mask.clamp_min(Nn.scalar(lowest)).to(q.scalar_type());
    }

    /** (B, L, H) -> (B, heads, L, d). */
    private Tensor splitHeads(Tensor x) {
        return x.view(x.size(0), x.size(1), numHeads, headDim).transpose(1, 2);
    }

    /** hidden (B, L, H), cos/sin (1, L, d), mask (B, 1, 1 or L, L) additive -> (B, L, H). */
    public Tensor forward(Tensor hidden, Tensor cos, Tensor sin, Tensor mask) {
        long b = hidden.size(0), l = hidden.size(1), h = (long) numHeads * headDim;
        TensorVector qkv = wqkv.forward(hidden).split(h, -1); // 3 x (B, L, H): HF's view(B, L, 3, heads, d)
        Tensor q = ModernBertRotaryEmbedding.apply(splitHeads(qkv.get(0)), cos, sin); // (B, heads, L, d)
        Tensor k = ModernBertRotaryEmbedding.apply(splitHeads(qkv.get(1)), cos, sin); // (B, heads, L, d)
        Tensor v = splitHeads(qkv.get(2)); // (B, heads, L, d)
        boolean attentionDropout = is_training() && dropoutProb > 0;
        // AUTO as for BERT (the engine probe's choice, else): the fused kernel when no backward follows and for fp32 training without attention dropout
        boolean sdpa = implementation.useSdpa(q.requires_grad(), q.scalar_type().value != torch.ScalarType.Float.value, attentionDropout);
        Tensor context;
        if (sdpa) {
            context = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(maskIn(mask, q)),
                    is_training() ? dropoutProb : 0.0, false, new DoubleOptional(1.0 / Math.sqrt(headDim)), false); // (B, heads, L, d)
        } else {
            // HF's eager_attention_forward: (q·kᵀ)·scale + mask, softmax in float32, back to q's dtype, dropout, ·v.
            // The float32 mask promotes bf16 scores to float32 as in HF: float32 min would round to -inf in bf16, and
            // a sliding-window row with every key masked (a padding query far from the text) would become NaN.
            Tensor scores = q.matmul(k.transpose(2, 3)).mul(Nn.scalar(1.0 / Math.sqrt(headDim))); // (B, heads, L, L)
            scores = scores.add(mask);
            Tensor probs = scores.softmax(-1, new ScalarTypeOptional(torch.ScalarType.Float));
            if (probs.scalar_type().value != q.scalar_type().value) probs = probs.to(q.scalar_type());
            if (attentionDropout && dropoutProb < 1) {
                // dropout's 1/(1-p) moved onto the (L/d times smaller) context, as in BertSelfAttention
                Tensor keep = Dropout.keepMask(probs, dropoutProb);
                context = probs.mul(keep).matmul(v).mul(Nn.scalar(Dropout.scale(dropoutProb)));
            } else {
                context = Nn.dropout(probs, dropoutProb, is_training()).matmul(v); // (B, heads, L, d)
            }
        }
        Tensor out = wo.forward(context.transpose(1, 2).contiguous().view(b, l, h)); // (B, L, H)
        return Nn.dropout(out, dropoutProb, is_training());
    }
}
