package dev.jtune.models.distilbert;

import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.torch.Attention;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers {@code MultiHeadSelfAttention} (modeling_distilbert): {@code out_lin(softmax(QKᵀ/√d + mask)·V)}
 * with {@code q_lin}, {@code k_lin}, {@code v_lin} and {@code out_lin}. Unlike BERT, the output projection lives in
 * this module and the residual + LayerNorm in {@link DistilBertTransformerBlock}.
 */
public final class DistilBertMultiHeadSelfAttention extends Module {
    final LinearImpl qLin;
    final LinearImpl kLin;
    final LinearImpl vLin;
    final LinearImpl outLin;
    private final int numHeads;
    private final int headSize;
    private final double dropoutProb;
    AttentionImplementation implementation = AttentionImplementation.AUTO;

    public DistilBertMultiHeadSelfAttention(DistilBertConfig config) {
        qLin = register_module("q_lin", Nn.linear(config.dim, config.dim));
        kLin = register_module("k_lin", Nn.linear(config.dim, config.dim));
        vLin = register_module("v_lin", Nn.linear(config.dim, config.dim));
        outLin = register_module("out_lin", Nn.linear(config.dim, config.dim));
        numHeads = config.nHeads;
        headSize = config.headSize();
        dropoutProb = config.attentionDropout;
    }

    /** (B, L, dim) -> (B, heads, L, d). */
    private Tensor splitHeads(Tensor x) {
        return x.view(x.size(0), x.size(1), numHeads, headSize).transpose(1, 2);
    }

    /** hidden (B, L, dim), extendedMask (B, 1, 1, L) additive -> (B, L, dim). */
    public Tensor forward(Tensor hidden, Tensor extendedMask) {
        long b = hidden.size(0), l = hidden.size(1), h = (long) numHeads * headSize;
        // q, k and v as one GEMM over the stacked weights (3·dim, dim), as BertSelfAttention does: the same products,
        // the input read once; the parameters keep HF's names q_lin / k_lin / v_lin.
        Tensor weight = torch.cat(new TensorVector(qLin.weight(), kLin.weight(), vLin.weight())); // (3H, H)
        Tensor bias = torch.cat(new TensorVector(qLin.bias(), kLin.bias(), vLin.bias()));         // (3H)
        TensorVector parts = torch.linear(hidden, weight, new TensorOptional(bias)).split(h, -1);  // 3 × (B, L, H)
        Tensor q = splitHeads(parts.get(0)); // (B, heads, L, d)
        Tensor k = splitHeads(parts.get(1)); // (B, heads, L, d)
        Tensor v = splitHeads(parts.get(2)); // (B, heads, L, d)
        // AUTO picks as BERT does (the engine probe's choice, else the rule measured there); both forms equal HF's eager
        // numbers (HF's DistilBERT also scales q first)
        boolean attentionDropout = is_training() && dropoutProb > 0;
        boolean sdpa = implementation.useSdpa(q.requires_grad(), q.scalar_type().value != torch.ScalarType.Float.value, attentionDropout);
        Tensor context = Attention.scaledDotProduct(q, k, v, extendedMask, dropoutProb, is_training(), sdpa); // (B, heads, L, d)
        return outLin.forward(context.transpose(1, 2).contiguous().view(b, l, h)); // (B, L, dim)
    }
}
