package dev.jtune.models.distilbert;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.modeling.SequenceClassifierOutput;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;

/**
 * Mirrors transformers DistilBertForSequenceClassification: {@code distilbert} → first token's hidden state →
 * {@code pre_classifier} → ReLU → dropout({@code seq_classif_dropout}) → {@code classifier}. No pooler, no token
 * type ids. The loss (HF's regression / single-label / multi-label choice) is {@link SequenceClassificationModel}'s.
 */
public final class DistilBertForSequenceClassification extends SequenceClassificationModel {
    final DistilBertConfig config;
    final DistilBertModel distilbert;
    final LinearImpl preClassifier;
    final LinearImpl classifier;

    public DistilBertForSequenceClassification(DistilBertConfig config) {
        this.config = config;
        distilbert = register_module("distilbert", new DistilBertModel(config));
        preClassifier = register_module("pre_classifier", Nn.linear(config.dim, config.dim));
        classifier = register_module("classifier", Nn.linear(config.dim, config.numLabels()));
        initWeights(config.initializerRange, config.padTokenId);
        distilbert.embeddings.initSinusoidal(); // HF's _init_weights overwrites the position table when sinusoidal
    }

    @Override
    public DistilBertConfig config() { return config; }

    /** {@code DistilBertForSequenceClassification.from_pretrained(dir)} with default options. */
    public static DistilBertForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, FromPretrainedOptions.defaults());
    }

    /**
     * Loads an HF folder (config.json + model.safetensors, sharded safetensors or pytorch_model.bin). A pretraining
     * checkpoint's masked-LM head ({@code vocab_transform}, {@code vocab_layer_norm}, {@code vocab_projector}) is
     * dropped and the new head initialised as HF does, from {@code opts.seed()}.
     */
    public static DistilBertForSequenceClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, loadConfig(dir, opts), opts, DistilBertForSequenceClassification::new);
    }

    /** config.json with the options applied (labels, problem type, overrides). */
    public static DistilBertConfig loadConfig(Path dir, FromPretrainedOptions opts) {
        return PretrainedConfig.load(dir, opts, DistilBertConfig::fromJsonObject);
    }

    public DistilBertModel distilbert() { return distilbert; }

    @Override
    public CheckpointLayout layout() { return DistilBertModel.LAYOUT; }

    @Override
    public String architecture() { return "DistilBertForSequenceClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        super.setAttentionImplementation(impl);
        distilbert.setAttentionImplementation(impl);
    }

    @Override
    protected SequenceClassifierOutput classify(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        Tensor hidden = distilbert.forward(inputIds, attentionMask); // (B, L, dim)
        Tensor pooled = torch.relu(preClassifier.forward(hidden.select(1, 0))); // (B, dim)
        Tensor logits = classifier.forward(Nn.dropout(pooled, config.seqClassifDropout, is_training())); // (B, C)
        return new SequenceClassifierOutput(null, logits, hidden, null, null);
    }
}
