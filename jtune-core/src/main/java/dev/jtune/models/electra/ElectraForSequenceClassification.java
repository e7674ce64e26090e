package dev.jtune.models.electra;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.modeling.SequenceClassifierOutput;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;

/**
 * Mirrors transformers ElectraForSequenceClassification: {@code electra} (no pooler) → {@code classifier}
 * ({@link ElectraClassificationHead} on the first token). The loss (HF's automatic regression / single-label /
 * multi-label choice) is {@link SequenceClassificationModel}'s. Pretraining checkpoints load with their heads
 * ({@code discriminator_predictions.*}, {@code generator_predictions.*}, {@code generator_lm_head.*}) dropped.
 */
public final class ElectraForSequenceClassification extends SequenceClassificationModel {
    final ElectraConfig config;
    final ElectraModel electra;
    final ElectraClassificationHead classifier;

    public ElectraForSequenceClassification(ElectraConfig config) {
        this.config = config;
        electra = register_module("electra", new ElectraModel(config));
        classifier = register_module("classifier", new ElectraClassificationHead(config));
        initWeights(config.initializerRange, config.padTokenId);
    }

    @Override
    public ElectraConfig config() { return config; }

    /** {@code ElectraForSequenceClassification.from_pretrained(dir)} with default options. */
    public static ElectraForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, FromPretrainedOptions.defaults());
    }

    /**
     * Loads an HF folder (config.json + model.safetensors, sharded safetensors or pytorch_model.bin). New head
     * weights are initialised as HF does, from {@code opts.seed()}; {@code num_labels}/{@code id2label}/
     * {@code problem_type} from the options override config.json.
     */
    public static ElectraForSequenceClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, loadConfig(dir, opts), opts, ElectraForSequenceClassification::new);
    }

    /** config.json with the options applied (labels, problem type, overrides). */
    public static ElectraConfig loadConfig(Path dir, FromPretrainedOptions opts) {
        return PretrainedConfig.load(dir, opts, ElectraConfig::fromJsonObject);
    }

    public ElectraModel electra() { return electra; }

    @Override
    public CheckpointLayout layout() { return ElectraModel.LAYOUT; }

    @Override
    public String architecture() { return "ElectraForSequenceClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        super.setAttentionImplementation(impl);
        electra.setAttentionImplementation(impl);
    }

    @Override
    protected SequenceClassifierOutput classify(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        Tensor hidden = electra.forward(inputIds, attentionMask, tokenTypeIds); // (B, L, H)
        Tensor logits = classifier.forward(hidden); // (B, C)
        return new SequenceClassifierOutput(null, logits, hidden, null, null);
    }
}
