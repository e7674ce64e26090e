package dev.jtune.models.modernbert;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.TokenClassificationModel;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;

/**
 * Mirrors transformers ModernBertForTokenClassification: {@code model} → {@code head} (dense → act → norm, on every
 * token) → {@code drop} ({@code classifier_dropout}) → {@code classifier}. Weights initialised as ModernBERT's
 * sequence head ({@link ModernBertForSequenceClassification#initWeights}).
 */
public final class ModernBertForTokenClassification extends TokenClassificationModel {
    final ModernBertConfig config;
    final ModernBertModel model;
    final ModernBertPredictionHead head;

    public ModernBertForTokenClassification(ModernBertConfig config) {
        this.config = config;
        model = register_module("model", new ModernBertModel(config));
        head = register_module("head", new ModernBertPredictionHead(config));
        registerClassifier(config.hiddenSize, config.numLabels());
        initWeights(config.initializerRange, config.padTokenId);
    }

    public static ModernBertForTokenClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, ModernBertForSequenceClassification.loadConfig(dir, opts), opts, ModernBertForTokenClassification::new);
    }

    @Override
    public void initWeights(double initializerRange, long padTokenId) {
        ModernBertForSequenceClassification.initModernBert(namedParameters(), config, initializerRange);
    }

    @Override
    public ModernBertConfig config() { return config; }

    @Override
    public CheckpointLayout layout() { return ModernBertModel.LAYOUT; }

    @Override
    public String architecture() { return "ModernBertForTokenClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        super.setAttentionImplementation(impl);
        model.setAttentionImplementation(impl);
    }

    @Override
    protected Tensor encode(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        return model.forward(inputIds, attentionMask);
    }

    @Override
    protected Tensor head(Tensor hidden) { return head.forward(hidden); }

    @Override
    protected double classifierDropout() { return config.classifierDropout; }
}
