package dev.jtune.models.bert;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.torch.Nn;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.modeling.SequenceClassifierOutput;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;

/**
 * Mirrors transformers BertForSequenceClassification: {@code bert} (with pooler) → dropout → {@code classifier}.
 * The loss (HF's automatic regression / single-label / multi-label choice) is {@link SequenceClassificationModel}'s.
 */
public final class BertForSequenceClassification extends SequenceClassificationModel {
    final BertConfig config;
    final BertModel bert;
    final LinearImpl classifier;

    public BertForSequenceClassification(BertConfig config) {
        this.config = config;
        bert = register_module("bert", new BertModel(config, true));
        classifier = register_module("classifier", Nn.linear(config.hiddenSize, config.numLabels()));
        initWeights(config.initializerRange, config.padTokenId);
    }

    /**
     * The head reads the pooled first token only: logits-only inference skips the padding, and the last layer
     * computes the first tokens alone (the last hidden state then holds them and zeros elsewhere).
     */
    @Override
    public void logitsOnlyInference(boolean on) {
        bert.firstTokenOnlyInInference(on);
        if (!on) bert.skipPaddingInInference(false);
    }

    @Override
    public BertConfig config() { return config; }

    /** {@code BertForSequenceClassification.from_pretrained(dir)} with default options. */
    public static BertForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, FromPretrainedOptions.defaults());
    }

    /**
     * Loads an HF folder (config.json + model.safetensors, sharded safetensors or pytorch_model.bin). New head
     * weights are initialised as HF does, from {@code opts.seed()}; {@code num_labels}/{@code id2label}/
     * {@code problem_type} from the options override config.json.
     */
    public static BertForSequenceClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, loadConfig(dir, opts), opts, BertForSequenceClassification::new);
    }

    /** config.json with the options applied (labels, problem type, overrides). */
    public static BertConfig loadConfig(Path dir, FromPretrainedOptions opts) {
        return PretrainedConfig.load(dir, opts, BertConfig::fromJsonObject);
    }

    public BertModel bert() { return bert; }

    @Override
    public CheckpointLayout layout() { return BertModel.LAYOUT; }

    @Override
    public String architecture() { return "BertForSequenceClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        super.setAttentionImplementation(impl);
        bert.setAttentionImplementation(impl);
    }

    @Override
    protected SequenceClassifierOutput classify(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        BertModel.Output out = bert.forward(inputIds, attentionMask, tokenTypeIds);
        Tensor pooled = Nn.dropout(out.pooledOutput(), config.effectiveClassifierDropout(), is_training()); // (B, H)
        Tensor logits = classifier.forward(pooled); // (B, C)
        return new SequenceClassifierOutput(null, logits, out.lastHiddenState(), out.pooledOutput(), null);
    }
}
