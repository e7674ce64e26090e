package dev.jtune.models.electra;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.TokenClassificationModel;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;

/**
 * Mirrors transformers ElectraForTokenClassification: {@code electra} → dropout ({@code classifier_dropout}, else
 * {@code hidden_dropout_prob}) → {@code classifier} (Linear(hidden_size, num_labels)) on every token.
 */
public final class ElectraForTokenClassification extends TokenClassificationModel {
    final ElectraConfig config;
    final ElectraModel electra;

    public ElectraForTokenClassification(ElectraConfig config) {
        this.config = config;
        electra = register_module("electra", new ElectraModel(config));
        registerClassifier(config.hiddenSize, config.numLabels());
        initWeights(config.initializerRange, config.padTokenId);
    }

    public static ElectraForTokenClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, ElectraForSequenceClassification.loadConfig(dir, opts), opts, ElectraForTokenClassification::new);
    }

    @Override
    public ElectraConfig config() { return config; }

    @Override
    public CheckpointLayout layout() { return ElectraModel.LAYOUT; }

    @Override
    public String architecture() { return "ElectraForTokenClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        super.setAttentionImplementation(impl);
        electra.setAttentionImplementation(impl);
    }

    @Override
    protected Tensor encode(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        return electra.forward(inputIds, attentionMask, tokenTypeIds);
    }

    @Override
    protected double classifierDropout() { return config.classifierDropout(); }
}
