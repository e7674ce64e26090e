package dev.jtune.models.deberta_v2;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers ConvLayer (DeBERTa-v2 {@code conv_kernel_size > 0}, e.g. deberta-v2-xlarge): a Conv1d over
 * the sequence of the encoder's input, zeroed at padding, {@code conv_act(dropout(.))}, added to the first layer's
 * output, LayerNorm, times the padding mask. The convolution is a child {@code conv} holding HF's
 * {@code weight} (H, H / groups, k) and {@code bias} (H), run with "same" padding {@code (k - 1) / 2}.
 */
public final class ConvLayer extends Module {
    final Module conv;
    final Tensor weight;
    final Tensor bias;
    final LayerNormImpl layerNorm;
    private final int kernelSize;
    private final int groups;
    private final String act;
    private final double dropoutProb;

    public ConvLayer(DebertaV2Config config) {
        kernelSize = config.convKernelSize;
        groups = config.convGroups;
        act = config.convAct;
        conv = register_module("conv", new Module());
        // register_parameter returns a reference into the module's parameter list, which the next registration may
        // move: keep owning handles (they share the parameters' storage)
        weight = new Tensor(conv.register_parameter("weight", torch.empty(config.hiddenSize, config.hiddenSize / groups, kernelSize)));
        bias = new Tensor(conv.register_parameter("bias", torch.empty(config.hiddenSize)));
        layerNorm = register_module("LayerNorm", Nn.layerNorm(config.hiddenSize, config.layerNormEps));
        dropoutProb = config.hiddenDropoutProb;
    }

    /** hidden = the encoder's input, residual = the first layer's output (B, L, H); inputMask (B, L) 0/1 -> (B, L, H). */
    public Tensor forward(Tensor hidden, Tensor residual, Tensor inputMask) {
        int pad = (kernelSize - 1) / 2;
        Tensor out = torch.conv1d(hidden.permute(0, 2, 1).contiguous(), weight, new TensorOptional(bias),
                new long[] {1}, new long[] {pad}, new long[] {1}, groups).permute(0, 2, 1).contiguous(); // (B, L, H)
        Tensor padding = inputMask.eq(new Scalar(0)).unsqueeze(-1); // (B, L, 1) true at padding
        out = out.masked_fill(padding, new Scalar(0.0));
        out = Nn.activation(act, Nn.dropout(out, dropoutProb, is_training()));
        Tensor output = layerNorm.forward(residual.add(out));
        return output.mul(inputMask.unsqueeze(2).to(output.scalar_type()));
    }
}
