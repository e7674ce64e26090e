package dev.jtune.models.roberta;

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
    public String basePrefix() { return "roberta"; }

    @Override
    public String architecture() { return "RobertaForSequenceClassification"; }

    /** The keys HF initialises when they are missing from a checkpoint (the classification head). */
    @Override
    public boolean isHeadKey(String key) { return key.startsWith("classifier."); }

    /** Pretraining checkpoints: the masked-LM head and the pooler, which this head does not have. */
    @Override
    public boolean isDroppedKey(String key) {
        return super.isDroppedKey(key) || key.startsWith("lm_head.") || key.startsWith("roberta.pooler.");
    }

    @Override
    public boolean isOutsideBaseModel(String key) {
        return isHeadKey(key) || key.startsWith("lm_head.");
    }

    /** HF's RoBERTa tokenizers give no token type ids ({@code model_input_names}); the model uses zeros. */
    @Override
    public boolean usesTokenTypeIds() { return false; }

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
