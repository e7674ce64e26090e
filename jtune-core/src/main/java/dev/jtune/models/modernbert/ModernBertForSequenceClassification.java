package dev.jtune.models.modernbert;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.modeling.SequenceClassifierOutput;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Map;

/**
 * Mirrors transformers ModernBertForSequenceClassification: {@code model} → pooling ({@code classifier_pooling}
 * "cls": the first token; "mean": the mean over the attention mask) → {@code head} (dense, act, norm) → dropout →
 * {@code classifier}. No token type ids. The loss is {@link SequenceClassificationModel}'s.
 */
public final class ModernBertForSequenceClassification extends SequenceClassificationModel {
    final ModernBertConfig config;
    final ModernBertModel model;
    final ModernBertPredictionHead head;
    final LinearImpl classifier;

    public ModernBertForSequenceClassification(ModernBertConfig config) {
        this.config = config;
        model = register_module("model", new ModernBertModel(config));
        head = register_module("head", new ModernBertPredictionHead(config));
        classifier = register_module("classifier", Nn.linear(config.hiddenSize, config.numLabels()));
        initWeights(config.initializerRange, config.padTokenId);
    }

    @Override
    public ModernBertConfig config() { return config; }

    /** {@code ModernBertForSequenceClassification.from_pretrained(dir)} with default options. */
    public static ModernBertForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, FromPretrainedOptions.defaults());
    }

    /**
     * Loads an HF folder (config.json + weights): a ModernBertForSequenceClassification checkpoint, a
     * ModernBertForMaskedLM one (its {@code head} is kept, its {@code decoder} dropped, the classifier initialised)
     * or a bare ModernBertModel (head and classifier initialised).
     */
    public static ModernBertForSequenceClassification fromPretrained(Path dir, FromPretrainedOptions opts) {
        return fromPretrained(dir, loadConfig(dir, opts), opts, ModernBertForSequenceClassification::new);
    }

    /** config.json with the options applied (labels, problem type, overrides). */
    public static ModernBertConfig loadConfig(Path dir, FromPretrainedOptions opts) {
        return PretrainedConfig.load(dir, opts, ModernBertConfig::fromJsonObject);
    }

    public ModernBertModel model() { return model; }

    @Override
    public CheckpointLayout layout() { return ModernBertModel.LAYOUT; }

    @Override
    public String architecture() { return "ModernBertForSequenceClassification"; }

    @Override
    public void setAttentionImplementation(AttentionImplementation impl) {
        super.setAttentionImplementation(impl);
        model.setAttentionImplementation(impl);
    }

    @Override
    protected SequenceClassifierOutput classify(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        Tensor hidden = model.forward(inputIds, attentionMask); // (B, L, H)
        Tensor pooled;
        if ("cls".equals(config.classifierPooling)) {
            pooled = hidden.select(1, 0); // (B, H)
        } else {
            Tensor mask = (attentionMask == null ? torch.ones_like(inputIds) : attentionMask).to(hidden.scalar_type()); // (B, L)
            Tensor summed = hidden.mul(mask.unsqueeze(-1)).sum(new long[] {1}); // (B, H)
            pooled = summed.div(mask.sum(new long[] {1}, true, new ScalarTypeOptional())); // (B, H) / (B, 1)
        }
        Tensor headOut = head.forward(pooled); // (B, H)
        Tensor logits = classifier.forward(Nn.dropout(headOut, config.classifierDropout, is_training())); // (B, C)
        return new SequenceClassifierOutput(null, logits, hidden, null, null); // HF has no pooled output here
    }

    /**
     * HF's ModernBERT {@code _init_weights}: truncated normals cut at ±{@code initializer_cutoff_factor}·std, with
     * std {@code initializer_range} for the token embeddings, {@code Wqkv} and {@code Wi}; {@code initializer_range /
     * sqrt(2·num_hidden_layers)} for the output projections ({@code attn.Wo}, {@code mlp.Wo}) and {@code head.dense};
     * {@code hidden_size^-0.5} for the classifier. Biases 0, norm weights 1. (HF does not zero the padding row here.)
     */
    @Override
    public void initWeights(double initializerRange, long padTokenId) {
        initModernBert(namedParameters(), config, initializerRange);
    }

    /** {@link #initWeights} for any ModernBERT task model (the token head shares it). */
    static void initModernBert(Map<String, Tensor> params, ModernBertConfig config, double initializerRange) {
        double in = initializerRange;
        double out = initializerRange / Math.sqrt(2.0 * config.numHiddenLayers);
        double finalOut = Math.pow(config.hiddenSize, -0.5);
        try (NoGradGuard g = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                String name = e.getKey();
                Tensor p = e.getValue();
                if (name.endsWith(".bias")) p.zero_();
                else if (p.dim() == 1) p.fill_(new Scalar(1.0)); // every norm's weight
                else if (name.startsWith("classifier.")) truncNormal(p, finalOut, config);
                else if (name.endsWith(".Wo.weight") || name.startsWith("head.dense.")) truncNormal(p, out, config);
                else truncNormal(p, in, config); // tok_embeddings, Wqkv, Wi
            }
        }
    }

    /** {@code torch.nn.init.trunc_normal_(p, 0, std, -c·std, c·std)}: inverse-CDF sampling, then a clamp. */
    private static void truncNormal(Tensor p, double std, ModernBertConfig config) {
        double c = config.initializerCutoffFactor;
        double lo = normCdf(-c), hi = normCdf(c);
        p.uniform_(2 * lo - 1, 2 * hi - 1, new GeneratorOptional());
        p.erfinv_();
        p.mul_(new Scalar(std * Math.sqrt(2.0)));
        p.clamp_(new ScalarOptional(new Scalar(-c * std)), new ScalarOptional(new Scalar(c * std)));
    }

    /** The standard normal CDF, {@code (1 + erf(x/√2)) / 2}, with erf from its Taylor series (|x| small here). */
    private static double normCdf(double x) {
        double z = x / Math.sqrt(2.0);
        if (Math.abs(z) > 5) return z > 0 ? 1.0 : 0.0;
        double term = z, sum = z;
        for (int n = 1; n < 200; n++) {
            term *= -z * z / n;
            sum += term / (2 * n + 1);
        }
        return (1 + 2 / Math.sqrt(Math.PI) * sum) / 2;
    }
}
