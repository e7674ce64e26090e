package dev.jtune.torch;

import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Builders for the libtorch modules every family uses (HF names: Linear, LayerNorm), the activation by HF name ({@code ACT2FN}), dropout. */
public final class Nn {
    private Nn() {}

    public static LinearImpl linear(long in, long out) {
        return new LinearImpl(in, out);
    }

    public static LayerNormImpl layerNorm(long size, double eps) {
        LayerNormOptions o = new LayerNormOptions(new LongVector(new long[] {size}));
        o.eps().put(eps);
        return new LayerNormImpl(o);
    }

    /** The {@code ACT2FN} names {@link #activation} implements. */
    public static final java.util.List<String> ACTIVATIONS = java.util.List.of("gelu", "gelu_python", "gelu_new", "gelu_pytorch_tanh", "relu", "tanh");

    /** A config's activation ({@code key} in config.json) must be one jtune implements. */
    public static void checkActivation(String key, String act, String source) {
        if (!ACTIVATIONS.contains(act)) {
            throw new dev.jtune.JTuneException(key + " \"" + act + "\" in " + source + " is not supported",
                    "jtune implements gelu (erf), gelu_new / gelu_pytorch_tanh (tanh approximation), relu and tanh",
                    "use one of those activations for " + key + " in config.json");
        }
    }

    /** {@code ACT2FN[hidden_act]}: gelu = exact erf GELU, gelu_new / gelu_pytorch_tanh = tanh approximation. */
    public static Tensor activation(String name, Tensor x) {
        return switch (name) {
            case "gelu", "gelu_python" -> torch.gelu(x);
            case "gelu_new", "gelu_pytorch_tanh" -> torch.gelu(x, "tanh");
            case "relu" -> torch.relu(x);
            case "tanh" -> torch.tanh(x);
            default -> throw new IllegalArgumentException("unsupported hidden_act " + name);
        };
    }

    /** {@code F.dropout(x, p, training)}: jtune's cheaper-mask dropout (see {@link dev.jtune.torch.Dropout}). */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        return training ? dev.jtune.torch.Dropout.apply(x, p) : x;
    }

    /** {@code residual + dropout(x, p, training)}, see {@link dev.jtune.torch.Dropout#applyAndAdd}. */
    public static Tensor dropoutAdd(Tensor x, Tensor residual, double p, boolean training) {
        return training ? dev.jtune.torch.Dropout.applyAndAdd(x, residual, p) : x.add(residual);
    }

    public static Scalar scalar(double v) {
        return new Scalar(v);
    }
}
