package dev.jtune.models.roberta;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.TokenClassificationModel;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;

/**
 * Mirrors transformers RobertaForTokenClassification: {@code roberta} (no pooler) → dropout
 * ({@code classifier_dropout}, else {@code hidden_dropout_prob}) → {@code classifier} on every token.
 */
public class RobertaForTokenClassification extends TokenClassificationModel {
    final RobertaConfig config;
    final RobertaModel roberta;

    public RobertaForTokenClassification(RobertaConfig config) {
        this.config = config;
        roberta = register_module("roberta", new RobertaModel(config));
        registerClassifier(config.hiddenSize, config.numLabels());
        initWeights(config.initializerRange, config.padTokenId);
    }

    @Override
    public void initWeights(double initializerRange, long padTokenId) {
        super.initWeights(initializerRange, padTokenId);
        roberta.embeddings.zeroPositionPaddingRow();
    }

    public static RobertaForTokenClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, PretrainedConfig.load(dir, opts, RobertaConfig::fromJsonObject), opts, RobertaForTokenClassification::new);
    }

    @Override
    public RobertaConfig config() { return config; }

    @Override
    public CheckpointLayout layout() { return RobertaModel.LAYOUT; }

    @Override
    public String architecture() { return "RobertaForTokenClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        super.setAttentionImplementation(impl);
        roberta.setAttentionImplementation(impl);
    }

    @Override
    protected Tensor encode(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        return roberta.forward(inputIds, attentionMask, tokenTypeIds);
    }

    @Override
    protected double classifierDropout() { return config.classifierDropout(); }
}
