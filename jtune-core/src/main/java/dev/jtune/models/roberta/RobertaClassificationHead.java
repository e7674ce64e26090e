package dev.jtune.models.roberta;

import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers RobertaClassificationHead: on the first token ({@code <s>}), dropout → dense → tanh → dropout
 * → out_proj, the dropout being {@code classifier_dropout} or else {@code hidden_dropout_prob}.
 */
public final class RobertaClassificationHead extends Module {
    final LinearImpl dense;
    final LinearImpl outProj;
    private final double dropoutProb;

    public RobertaClassificationHead(RobertaConfig config) {
        dense = register_module("dense", Nn.linear(config.hiddenSize, config.hiddenSize));
        outProj = register_module("out_proj", Nn.linear(config.hiddenSize, config.numLabels()));
        dropoutProb = config.classifierDropout();
    }

    /** (B, L, H) -> logits (B, C). */
    public Tensor forward(Tensor hidden) {
        Tensor x = Nn.dropout(hidden.select(1, 0), dropoutProb, is_training()); // (B, H)
        x = torch.tanh(dense.forward(x)); // (B, H)
        x = Nn.dropout(x, dropoutProb, is_training());
        return outProj.forward(x); // (B, C)
    }
}
