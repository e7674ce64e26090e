package dev.jtune.models.bert;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.TokenClassificationModel;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;

/**
 * Mirrors transformers BertForTokenClassification: {@code bert} (no pooler) → dropout ({@code classifier_dropout},
 * else {@code hidden_dropout_prob}) → {@code classifier} on every token. The loss is
 * {@link TokenClassificationModel}'s (HF's cross-entropy over tokens, −100 ignored).
 */
public final class BertForTokenClassification extends TokenClassificationModel {
    final BertConfig config;
    final BertModel bert;

    public BertForTokenClassification(BertConfig config) {
        this.config = config;
        bert = register_module("bert", new BertModel(config, false));
        registerClassifier(config.hiddenSize, config.numLabels());
        initWeights(config.initializerRange, config.padTokenId);
    }

    /** {@code BertForTokenClassification.from_pretrained(dir)}, options as {@link BertForSequenceClassification}'s. */
    public static BertForTokenClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, BertForSequenceClassification.loadConfig(dir, opts), opts, BertForTokenClassification::new);
    }

    @Override
    public BertConfig config() { return config; }

    public BertModel bert() { return bert; }

    @Override
    public CheckpointLayout layout() { return BertModel.LAYOUT; }

    @Override
    public String architecture() { return "BertForTokenClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        super.setAttentionImplementation(impl);
        bert.setAttentionImplementation(impl);
    }

    @Override
    protected Tensor encode(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        return bert.forward(inputIds, attentionMask, tokenTypeIds).lastHiddenState();
    }

    @Override
    protected double classifierDropout() { return config.effectiveClassifierDropout(); }
}
