package dev.jtune.models.distilbert;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.TokenClassificationModel;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;

/**
 * Mirrors transformers DistilBertForTokenClassification: {@code distilbert} → dropout ({@code dropout}, not
 * {@code seq_classif_dropout}) → {@code classifier} on every token. Loss: {@link TokenClassificationModel}'s.
 */
public final class DistilBertForTokenClassification extends TokenClassificationModel {
    final DistilBertConfig config;
    final DistilBertModel distilbert;

    public DistilBertForTokenClassification(DistilBertConfig config) {
        this.config = config;
        distilbert = register_module("distilbert", new DistilBertModel(config));
        registerClassifier(config.dim, config.numLabels());
        initWeights(config.initializerRange, config.padTokenId);
        distilbert.embeddings.initSinusoidal();
    }

    public static DistilBertForTokenClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, DistilBertForSequenceClassification.loadConfig(dir, opts), opts, DistilBertForTokenClassification::new);
    }

    @Override
    public DistilBertConfig config() { return config; }

    @Override
    public CheckpointLayout layout() { return DistilBertModel.LAYOUT; }

    @Override
    public String architecture() { return "DistilBertForTokenClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        super.setAttentionImplementation(impl);
        distilbert.setAttentionImplementation(impl);
    }

    @Override
    protected Tensor encode(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        return distilbert.forward(inputIds, attentionMask);
    }

    @Override
    protected double classifierDropout() { return config.dropout; }
}
