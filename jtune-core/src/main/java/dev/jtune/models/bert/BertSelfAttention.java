package dev.jtune.models.bert;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
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
        long b = hidden.size(0), l = hidden.size(1);
        Tensor q = splitHeads(query.forward(hidden)); // (B, heads, L, d)
        Tensor k = splitHeads(key.forward(hidden));   // (B, heads, L, d)
        Tensor v = splitHeads(value.forward(hidden)); // (B, heads, L, d)
        Tensor context;
        // AUTO (measured by jtune-bench): the fused kernel in fp32 and whenever no backward follows; eager for bf16
        // training, where CPU SDPA's backward is several times slower than eager on AMX
        boolean sdpa = implementation == AttentionImplementation.SDPA || (implementation == AttentionImplementation.AUTO
                && (q.scalar_type().value == torch.ScalarType.Float.value || !q.requires_grad()));
        if (sdpa) {
            double p = is_training() ? dropoutProb : 0.0;
            context = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(extendedMask), p, false,
                    new DoubleOptional(1.0 / Math.sqrt(headSize)), false); // (B, heads, L, d)
        } else {
            Tensor scores = q.matmul(k.transpose(-1, -2)).div(Nn.scalar(Math.sqrt(headSize))); // (B, heads, L, L)
            scores = scores.add(extendedMask);
            Tensor probs = scores.softmax(-1);
            probs = Nn.dropout(probs, dropoutProb, is_training());
            context = probs.matmul(v); // (B, heads, L, d)
        }
        return context.transpose(1, 2).contiguous().view(b, l, (long) numHeads * headSize); // (B, L, H)
    }
}
