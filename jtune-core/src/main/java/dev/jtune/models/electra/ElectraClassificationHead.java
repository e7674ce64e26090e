package dev.jtune.models.electra;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Mirrors transformers ElectraClassificationHead: first token → dropout → {@code dense} → GELU (exact erf, HF's
 * {@code get_activation("gelu")}, whatever {@code hidden_act} says) → dropout → {@code out_proj}. The dropout is
 * {@code classifier_dropout}, falling back to {@code hidden_dropout_prob}.
 */
public final class ElectraClassificationHead extends Module {
    final LinearImpl dense;
    final LinearImpl outProj;
    private final double dropoutProb;

    public ElectraClassificationHead(ElectraConfig config) {
        dense = register_module("dense", Nn.linear(config.hiddenSize, config.hiddenSize));
        outProj = register_module("out_proj", Nn.linear(config.hiddenSize, config.numLabels()));
        dropoutProb = config.classifierDropout();
    }

    /** (B, L, H) -> (B, C). */
    public Tensor forward(Tensor hidden) {
        Tensor x = hidden.select(1, 0); // (B, H): the [CLS] token
        x = Nn.dropout(x, dropoutProb, is_training());
        x = Nn.activation("gelu", dense.forward(x)); // (B, H)
        x = Nn.dropout(x, dropoutProb, is_training());
        return outProj.forward(x); // (B, C)
    }
}
