package dev.jtune.models.roberta;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.modeling.SequenceClassifierOutput;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;

/**
 * Mirrors transformers RobertaForSequenceClassification: {@code roberta} (no pooler) → {@code classifier}
 * ({@link RobertaClassificationHead} on {@code <s>}). The loss is {@link SequenceClassificationModel}'s.
 * {@link XLMRobertaForSequenceClassification} is this class under another config and name.
 */
public class RobertaForSequenceClassification extends SequenceClassificationModel {
    final RobertaConfig config;
    final RobertaModel roberta;
    final RobertaClassificationHead classifier;

    public RobertaForSequenceClassification(RobertaConfig config) {
        this.config = config;
        roberta = register_module("roberta", new RobertaModel(config));
        classifier = register_module("classifier", new RobertaClassificationHead(config));
        initWeights(config.initializerRange, config.padTokenId);
    }

    /** HF init, plus the padding row of the position table (an {@code nn.Embedding} with {@code padding_idx} in HF). */
    @Override
    public void initWeights(double initializerRange, long padTokenId) {
        super.initWeights(initializerRange, padTokenId);
        roberta.embeddings.zeroPositionPaddingRow();
    }

    @Override
    public RobertaConfig config() { return config; }

    /** {@code RobertaForSequenceClassification.from_pretrained(dir)} with default options. */
    public static RobertaForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, FromPretrainedOptions.defaults());
    }

    /**
     * Loads an HF folder (config.json + model.safetensors, sharded safetensors or pytorch_model.bin). A pretraining
     * checkpoint's {@code lm_head.*} and {@code roberta.pooler.*} are dropped and the head is initialised as HF does,
     * from {@code opts.seed()}.
     */
    public static RobertaForSequenceClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, PretrainedConfig.load(dir, opts, RobertaConfig::fromJsonObject), opts,
                RobertaForSequenceClassification::new);
    }

    @Override
    public CheckpointLayout layout() { return RobertaModel.LAYOUT; }

    @Override
    public String architecture() { return "RobertaForSequenceClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        super.setAttentionImplementation(impl);
        roberta.setAttentionImplementation(impl);
    }

    @Override
    protected SequenceClassifierOutput classify(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        Tensor hidden = roberta.forward(inputIds, attentionMask, tokenTypeIds); // (B, L, H)
        Tensor logits = classifier.forward(hidden); // (B, C)
        return new SequenceClassifierOutput(null, logits, hidden, null, null);
    }
}
