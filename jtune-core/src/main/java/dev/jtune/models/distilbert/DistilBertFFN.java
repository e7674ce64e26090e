package dev.jtune.models.distilbert;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Mirrors transformers {@code FFN} (modeling_distilbert): dropout(lin2(activation(lin1(x)))), dim -> hidden_dim -> dim. */
public final class DistilBertFFN extends Module {
    final LinearImpl lin1;
    final LinearImpl lin2;
    private final String activation;
    private final double dropoutProb;

    public DistilBertFFN(DistilBertConfig config) {
        lin1 = register_module("lin1", Nn.linear(config.dim, config.hiddenDim));
        lin2 = register_module("lin2", Nn.linear(config.hiddenDim, config.dim));
        activation = config.activation;
        dropoutProb = config.dropout;
    }

    /**
     * input (B, L, dim), residual (B, L, dim) -> {@code residual + FFN(input)} (B, L, dim): HF's FFN output plus the
     * block's residual, with the dropout and the add in one pass.
     */
    public Tensor forward(Tensor input, Tensor residual) {
        Tensor x = Nn.activation(activation, lin1.forward(input)); // (B, L, hidden_dim)
        return Nn.dropoutAdd(lin2.forward(x), residual, dropoutProb, is_training());
    }
}
