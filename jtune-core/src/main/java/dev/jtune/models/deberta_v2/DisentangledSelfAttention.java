package dev.jtune.models.deberta_v2;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers DisentangledSelfAttention (DeBERTa-v2 / v3, eager): content-to-content scores
 * {@code q·(k/s)ᵀ} plus, with relative attention, content-to-position ({@code c2p}: q against the projected relative
 * embeddings, gathered at {@code clamp(rel + span, 0, 2·span - 1)}) and position-to-content ({@code p2c}: k against
 * them, gathered at {@code clamp(-rel + span, ...)} and transposed), each divided by
 * {@code s = sqrt(head_size · (1 + |pos_att_type|))}. Masked scores are filled with the dtype's minimum before the
 * softmax (5.x: no re-masking afterwards, so fully padded query rows attend uniformly), then attention dropout.
 *
 * <p>HF folds heads into the batch ({@code bmm} over B·heads) and repeats the relative projections per example;
 * here heads stay a dimension and the relative projections broadcast over the batch: the same products.
 */
public final class DisentangledSelfAttention extends Module {
    final LinearImpl queryProj;
    final LinearImpl keyProj;
    final LinearImpl valueProj;
    final LinearImpl posKeyProj;
    final LinearImpl posQueryProj;
    private final int numHeads;
    private final int headSize;
    private final boolean relativeAttention;
    private final boolean c2p;
    private final boolean p2c;
    private final boolean shareAttKey;
    private final int span;
    private final double scale;
    private final double dropoutProb;
    private final double posDropoutProb;

    public DisentangledSelfAttention(DebertaV2Config config) {
        numHeads = config.numAttentionHeads;
        headSize = config.attentionHeadSize;
        int all = numHeads * headSize;
        queryProj = register_module("query_proj", Nn.linear(config.hiddenSize, all));
        keyProj = register_module("key_proj", Nn.linear(config.hiddenSize, all));
        valueProj = register_module("value_proj", Nn.linear(config.hiddenSize, all));
        relativeAttention = config.relativeAttention;
        c2p = config.c2p();
        p2c = config.p2c();
        shareAttKey = config.shareAttKey;
        span = relativeAttention ? config.attentionSpan() : 0;
        posKeyProj = relativeAttention && !shareAttKey && c2p ? register_module("pos_key_proj", Nn.linear(config.hiddenSize, all)) : null;
        posQueryProj = relativeAttention && !shareAttKey && p2c ? register_module("pos_query_proj", Nn.linear(config.hiddenSize, all)) : null;
        // HF: scale_factor = 1 + [c2p] + [p2c] (whether or not relative attention is on); the scale is a float32 sqrt,
        // and the float rounding of sqrt of an integer is the same from a double sqrt
        int scaleFactor = 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0);
        scale = (float) Math.sqrt((double) headSize * scaleFactor);
        dropoutProb = config.attentionProbsDropoutProb;
        posDropoutProb = config.hiddenDropoutProb;
    }

    /** (B, L, heads·d) -> (B, heads, L, d). */
    private Tensor splitHeads(Tensor x) {
        return x.view(x.size(0), x.size(1), numHeads, headSize).transpose(1, 2);
    }

    /**
     * hidden (B, L, H); mask (B, 1, L, L) bool (true = may attend); relativePos (1, L, L) int64 bucketed
     * {@code q - k}; relEmbeddings (2·span, H) already normalised -> context (B, L, H).
     */
    public Tensor forward(Tensor hidden, Tensor mask, Tensor relativePos, Tensor relEmbeddings) {
        long b = hidden.size(0), l = hidden.size(1);
        Tensor q = splitHeads(queryProj.forward(hidden)); // (B, heads, L, d)
        Tensor k = splitHeads(keyProj.forward(hidden));   // (B, heads, L, d)
        Tensor v = splitHeads(valueProj.forward(hidden)); // (B, heads, L, d)
        Scalar s = new Scalar(scale);
        Tensor scores = q.matmul(k.transpose(-1, -2).div(s)); // (B, heads, L, L)
        if (relativeAttention) {
            Tensor rel = Nn.dropout(relEmbeddings, posDropoutProb, is_training()).narrow(0, 0, 2L * span).unsqueeze(0); // (1, 2S, H)
            Tensor bias = disentangledBias(q, k, relativePos, rel);
            if (bias != null) scores = scores.add(bias);
        }
        scores = scores.masked_fill(mask.logical_not(), new Scalar(dtypeMin(scores.scalar_type())));
        Tensor probs = scores.softmax(-1);
        probs = Nn.dropout(probs, dropoutProb, is_training());
        Tensor context = probs.matmul(v); // (B, heads, L, d)
        return context.transpose(1, 2).contiguous().view(b, l, (long) numHeads * headSize); // (B, L, H)
    }

    /** HF's {@code disentangled_attention_bias}: c2p + p2c scores (B, heads, L, L), or null when pos_att_type is empty. */
    private Tensor disentangledBias(Tensor q, Tensor k, Tensor relativePos, Tensor rel) {
        long b = q.size(0), lq = q.size(2), lk = k.size(2);
        Tensor index = relativePos.unsqueeze(1); // (1, 1, Lq, Lk)
        Scalar s = new Scalar(scale);
        Tensor score = null;
        if (c2p) {
            Tensor posKey = splitHeads((shareAttKey ? keyProj : posKeyProj).forward(rel)); // (1, heads, 2S, d)
            Tensor c2pAtt = q.matmul(posKey.transpose(-1, -2)); // (B, heads, Lq, 2S)
            Tensor c2pPos = torch.clamp(index.add(new Scalar(span)), new ScalarOptional(new Scalar(0)),
                    new ScalarOptional(new Scalar(2L * span - 1)));
            c2pAtt = torch.gather(c2pAtt, -1, c2pPos.expand(b, numHeads, lq, lk)); // (B, heads, Lq, Lk)
            score = c2pAtt.div(s);
        }
        if (p2c) {
            Tensor posQuery = splitHeads((shareAttKey ? queryProj : posQueryProj).forward(rel)); // (1, heads, 2S, d)
            Tensor p2cPos = torch.clamp(index.neg().add(new Scalar(span)), new ScalarOptional(new Scalar(0)),
                    new ScalarOptional(new Scalar(2L * span - 1)));
            Tensor p2cAtt = k.matmul(posQuery.transpose(-1, -2)); // (B, heads, Lk, 2S)
            // HF gathers with the key length on both axes (query and key lengths are equal in self-attention)
            p2cAtt = torch.gather(p2cAtt, -1, p2cPos.expand(b, numHeads, lk, lk)).transpose(-1, -2); // (B, heads, Lq, Lk)
            p2cAtt = p2cAtt.div(s);
            score = score == null ? p2cAtt : score.add(p2cAtt);
        }
        return score; // null without c2p / p2c (HF adds 0)
    }

    /** {@code torch.finfo(dtype).min}: the fill value of masked scores, representable in the scores' dtype. */
    static double dtypeMin(torch.ScalarType t) {
        if (t.value == torch.ScalarType.BFloat16.value) return -3.3895313892515355e38;
        if (t.value == torch.ScalarType.Half.value) return -65504.0;
        if (t.value == torch.ScalarType.Double.value) return -Double.MAX_VALUE;
        return -3.4028234663852886e38;
    }
}
