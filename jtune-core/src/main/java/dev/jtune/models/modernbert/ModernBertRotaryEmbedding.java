package dev.jtune.models.modernbert;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.HashMap;
import java.util.Map;

/**
 * Mirrors transformers ModernBertRotaryEmbedding (default RoPE, one base per layer type): {@code inv_freq =
 * 1 / theta^(2i/d)} for the full-attention and the sliding-attention base; {@code cos, sin} of
 * {@code cat(pos * inv_freq, pos * inv_freq)} in float32. It holds no parameters (HF's buffers are not persistent).
 * Also {@link #apply}, HF's {@code apply_rotary_pos_emb} with the {@code rotate_half} convention.
 */
public final class ModernBertRotaryEmbedding {
    private final Map<String, Tensor> invFreq = new HashMap<>();

    public ModernBertRotaryEmbedding(ModernBertConfig config) {
        int dim = config.headDim();
        for (String type : new String[] {ModernBertConfig.FULL_ATTENTION, ModernBertConfig.SLIDING_ATTENTION}) {
            Tensor exponent = torch.arange(Nn.scalar(0), Nn.scalar(dim), Nn.scalar(2), new TensorOptions(torch.ScalarType.Long))
                    .to(torch.ScalarType.Float).div(Nn.scalar(dim)); // (d/2)
            Tensor f = torch.pow(Nn.scalar(config.ropeTheta(type)), exponent).reciprocal(); // (d/2) float32
            f.retainReference();
            invFreq.put(type, f);
        }
    }

    /** The {@code (cos, sin)} of positions 0..seqLen-1 for a layer type: each (1, L, d), float32. */
    public Tensor[] forward(long seqLen, String layerType) {
        Tensor positions = torch.arange(Nn.scalar(0), Nn.scalar(seqLen), new TensorOptions(torch.ScalarType.Float)); // (L)
        Tensor freqs = positions.unsqueeze(1).mul(invFreq.get(layerType).unsqueeze(0)); // (L, d/2)
        Tensor emb = torch.cat(new TensorVector(freqs, freqs), -1).unsqueeze(0); // (1, L, d)
        return new Tensor[] {emb.cos(), emb.sin()};
    }

    /** {@code rotate_half}: (x1, x2) -> (-x2, x1) on the last dimension. */
    static Tensor rotateHalf(Tensor x) {
        long half = x.size(-1) / 2;
        TensorVector parts = x.split(half, -1);
        return torch.cat(new TensorVector(parts.get(1).neg(), parts.get(0)), -1);
    }

    /**
     * {@code x * cos + rotate_half(x) * sin} in float32, back in x's dtype (HF upcasts q and k). x (B, heads, L, d);
     * cos, sin (1, L, d).
     */
    static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
        Tensor xf = x.to(torch.ScalarType.Float);
        Tensor c = cos.unsqueeze(1), s = sin.unsqueeze(1); // (1, 1, L, d)
        Tensor out = xf.mul(c).add(rotateHalf(xf).mul(s));
        return out.scalar_type().value == x.scalar_type().value ? out : out.to(x.scalar_type());
    }
}
