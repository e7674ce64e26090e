package dev.jtune.models.bert;

import dev.jtune.torch.Attention;
import dev.jtune.torch.Nn;
import dev.jtune.modeling.AttentionImplementation;
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
        return attend(qkv(hidden), extendedMask);
    }

    /**
     * The packed inference path ({@link BertEncoder#forwardPacked}): {@code hidden} (T, H) holds only the real tokens
     * of a (B, L) batch, at the flat positions {@code index} (T) of B·L. Query, key and value are computed for the T
     * real tokens only, placed into a zero (B, L, 3H) for attention (padded keys are masked, padded queries are
     * discarded), and the context of the real tokens is returned (T, H).
     */
    Tensor forwardPacked(Tensor hidden, Tensor extendedMask, Tensor index, long b, long l) {
        Tensor qkv = qkv(hidden); // (T, 3H)
        Tensor full = torch.zeros(new long[] {b * l, qkv.size(1)}, new org.bytedeco.pytorch.TensorOptions(qkv.scalar_type()))
                .index_copy(0, index, qkv).view(b, l, qkv.size(1)); // (B, L, 3H)
        long h = (long) numHeads * headSize;
        return attend(full, extendedMask).view(b * l, h).index_select(0, index); // (T, H)
    }

    /**
     * As {@link #forwardPacked}, but only the first token of each row attends (its keys and values still come from
     * every real token): the context of the B first tokens, (B, H). For the last layer under a head that reads only
     * the first token.
     */
    Tensor forwardPackedFirstTokens(Tensor hidden, Tensor extendedMask, Tensor index, long b, long l) {
        Tensor qkv = qkv(hidden); // (T, 3H)
        Tensor full = torch.zeros(new long[] {b * l, qkv.size(1)}, new org.bytedeco.pytorch.TensorOptions(qkv.scalar_type()))
                .index_copy(0, index, qkv).view(b, l, qkv.size(1)); // (B, L, 3H)
        return attend(full, extendedMask, true).view(b, (long) numHeads * headSize); // (B, H)
    }

    /** (..., H) -> (..., 3H): query, key and value side by side. */
    private Tensor qkv(Tensor hidden) {
        // HF runs query, key and value as three Linears. Here they are one GEMM over the three weights stacked
        // (3H, H): the same products, the input read (and under autocast cast to bf16) once instead of three times,
        // and one input gradient instead of three to cast and sum. The parameters stay query/key/value, as HF names
        // them; the stacking is a copy of 3·H² weights per forward. Measured (A/B, 3 pairs): bf16 MiniLM 32x128 step
        // 0.723 -> 0.697 s.
        Tensor weight = torch.cat(new TensorVector(query.weight(), key.weight(), value.weight()));  // (3H, H)
        Tensor bias = torch.cat(new TensorVector(query.bias(), key.bias(), value.bias()));          // (3H)
        return torch.linear(hidden, weight, new TensorOptional(bias));                              // (B, L, 3H)
    }

    /** qkv (B, L, 3H), extendedMask (B, 1, 1, L) additive -> context (B, L, H). */
    private Tensor attend(Tensor qkv, Tensor extendedMask) {
        return attend(qkv, extendedMask, false);
    }

    /** As {@link #attend(Tensor, Tensor)}; {@code firstOnly}: the first token's query only -> context (B, 1, H). */
    private Tensor attend(Tensor qkv, Tensor extendedMask, boolean firstOnly) {
        long b = qkv.size(0), h = (long) numHeads * headSize;
        TensorVector parts = qkv.split(h, -1); // one backward node that concatenates the three gradients
        Tensor q = splitHeads(parts.get(0)); // (B, heads, L, d)
        if (firstOnly) q = q.narrow(2, 0, 1); // (B, heads, 1, d)
        long l = q.size(2);
        Tensor k = splitHeads(parts.get(1)); // (B, heads, L, d)
        Tensor v = splitHeads(parts.get(2)); // (B, heads, L, d)
        // AUTO: what the engine probe measured on this machine before training (EngineChoices), else the rule measured
        // by jtune-bench on Intel: the fused kernel whenever no backward follows, and in fp32 training without
        // attention dropout; eager for bf16 training, where CPU SDPA's backward is several times slower than eager on
        // AMX, and for training with attention dropout, where SDPA falls back to its unfused path with libtorch's
        // slower dropout mask (eager + jtune's Dropout: 1.54 vs 1.59 s per MiniLM 32x128 fp32 step)
        boolean attentionDropout = is_training() && dropoutProb > 0;
        boolean sdpa = implementation.useSdpa(q.requires_grad(), q.scalar_type().value != torch.ScalarType.Float.value, attentionDropout);
        Tensor context = Attention.scaledDotProduct(q, k, v, extendedMask, dropoutProb, is_training(), sdpa); // (B, heads, L, d)
        return context.transpose(1, 2).contiguous().view(b, l, h); // (B, L, H)
    }
}
