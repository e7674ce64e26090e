package dev.jtune.models.bert;

import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Builders for the libtorch modules the BERT blocks use, and the activation by HF name. */
final class Nn {
    private Nn() {}

    static LinearImpl linear(long in, long out) {
        return new LinearImpl(in, out);
    }

    static LayerNormImpl layerNorm(long size, double eps) {
        LayerNormOptions o = new LayerNormOptions(new LongVector(new long[] {size}));
        o.eps().put(eps);
        return new LayerNormImpl(o);
    }

    /** {@code ACT2FN[hidden_act]}: gelu = exact erf GELU, gelu_new / gelu_pytorch_tanh = tanh approximation. */
    static Tensor activation(String name, Tensor x) {
        return switch (name) {
            case "gelu", "gelu_python" -> torch.gelu(x);
            case "gelu_new", "gelu_pytorch_tanh" -> torch.gelu(x, "tanh");
            case "relu" -> torch.relu(x);
            case "tanh" -> torch.tanh(x);
            default -> throw new IllegalArgumentException("unsupported hidden_act " + name);
        };
    }

    static Tensor dropout(Tensor x, double p, boolean training) {
        return training && p > 0 ? torch.dropout(x, p, true) : x;
    }

    static Scalar scalar(double v) {
        return new Scalar(v);
    }
}
