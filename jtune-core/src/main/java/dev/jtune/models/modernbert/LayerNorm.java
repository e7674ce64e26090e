package dev.jtune.models.modernbert;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code torch.nn.LayerNorm(hidden_size, eps=norm_eps, bias=norm_bias)}: libtorch's LayerNormImpl always has a
 * bias, ModernBERT's norms have none by default, so this module holds {@code weight} and, only with
 * {@code norm_bias}, {@code bias}. Also the builder for ModernBERT's Linears, whose bias is a config flag.
 */
final class LayerNorm extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final long size;
    private final double eps;

    LayerNorm(ModernBertConfig config) {
        size = config.hiddenSize;
        eps = config.normEps;
        weight = register_parameter("weight", torch.ones(size));
        bias = config.normBias ? register_parameter("bias", torch.zeros(size)) : null;
    }

    /** (..., H) -> (..., H). */
    Tensor forward(Tensor x) {
        return torch.layer_norm(x, new long[] {size}, new TensorOptional(weight),
                bias == null ? new TensorOptional() : new TensorOptional(bias), eps, false);
    }

    /** {@code nn.Linear(in, out, bias=bias)}: without a bias no {@code bias} parameter is listed. */
    static LinearImpl linear(long in, long out, boolean bias) {
        LinearOptions o = new LinearOptions(in, out);
        o.bias().put(bias);
        return new LinearImpl(o);
    }
}
