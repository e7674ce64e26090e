package dev.jtune.models.modernbert;

import com.fasterxml.jackson.databind.JsonNode;
import static dev.jtune.modeling.PretrainedConfig.Bounds.*;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.modeling.PretrainedConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mirrors transformers {@code ModernBertConfig} (5.x): every field the encoder and the sequence head read, with HF's
 * defaults (ModernBERT-base). Both config.json styles are read: the 5.x one ({@code layer_types},
 * {@code rope_parameters} per layer type) and the older one ({@code global_attn_every_n_layers},
 * {@code global_rope_theta}, {@code local_rope_theta}); the file is written back as it was read.
 */
public final class ModernBertConfig extends PretrainedConfig {
    public static final String FULL_ATTENTION = "full_attention";
    public static final String SLIDING_ATTENTION = "sliding_attention";

    public int vocabSize = 50368;
    public int hiddenSize = 768;
    public int intermediateSize = 1152;
    public int numHiddenLayers = 22;
    public int numAttentionHeads = 12;
    public String hiddenActivation = "gelu";
    public int maxPositionEmbeddings = 8192;
    /** null in config.json means 3 (HF's {@code _init_weights}). */
    public double initializerCutoffFactor = 2.0;
    public double normEps = 1e-5;
    public boolean normBias = false;
    public boolean attentionBias = false;
    public double attentionDropout = 0.0;
    /** {@code full_attention} or {@code sliding_attention} per layer. */
    public List<String> layerTypes = List.of();
    /** The legacy pattern: layer i is global when {@code i % n == 0} (used only when layer_types is absent). */
    public int globalAttnEveryNLayers = 3;
    /** RoPE base of the full-attention layers ({@code rope_parameters.full_attention.rope_theta}). */
    public double globalRopeTheta = 160_000.0;
    /** RoPE base of the sliding-window layers ({@code rope_parameters.sliding_attention.rope_theta}). */
    public double localRopeTheta = 10_000.0;
    /** The whole local window: a token sees the tokens at distance {@code <= local_attention / 2}. */
    public int localAttention = 128;
    public double embeddingDropout = 0.0;
    public boolean mlpBias = false;
    public double mlpDropout = 0.0;
    /** {@code "cls"} (first token) or {@code "mean"} (masked mean over tokens). */
    public String classifierPooling = "cls";
    public double classifierDropout = 0.0;
    public boolean classifierBias = false;
    public String classifierActivation = "gelu";

    public ModernBertConfig() {
        padTokenId = 50283;
    }

    @Override
    public String modelType() { return "modernbert"; }

    @Override
    protected int defaultPadTokenId() { return 50283; }

    @Override
    protected void readFields(JsonFields f) {
        vocabSize = f.sizeField("vocab_size", vocabSize, MAX_VOCAB);
        hiddenSize = f.sizeField("hidden_size", hiddenSize, MAX_HIDDEN);
        intermediateSize = f.sizeField("intermediate_size", intermediateSize, MAX_INTERMEDIATE);
        numHiddenLayers = f.sizeField("num_hidden_layers", numHiddenLayers, MAX_LAYERS);
        numAttentionHeads = f.sizeField("num_attention_heads", numAttentionHeads, MAX_HEADS);
        hiddenActivation = f.textField("hidden_activation", hiddenActivation);
        maxPositionEmbeddings = f.sizeField("max_position_embeddings", maxPositionEmbeddings, MAX_POSITIONS);
        initializerCutoffFactor = f.has("initializer_cutoff_factor") ? f.doubleField("initializer_cutoff_factor", 2.0)
                : f.get("initializer_cutoff_factor") == null ? 2.0 : 3.0;
        normEps = f.doubleField("norm_eps", normEps);
        normBias = f.boolField("norm_bias", normBias);
        attentionBias = f.boolField("attention_bias", attentionBias);
        attentionDropout = f.doubleField("attention_dropout", attentionDropout);
        localAttention = f.sizeField("local_attention", localAttention, MAX_POSITIONS);
        embeddingDropout = f.doubleField("embedding_dropout", embeddingDropout);
        mlpBias = f.boolField("mlp_bias", mlpBias);
        mlpDropout = f.doubleField("mlp_dropout", mlpDropout);
        classifierPooling = f.textField("classifier_pooling", classifierPooling);
        classifierDropout = f.doubleField("classifier_dropout", classifierDropout);
        classifierBias = f.boolField("classifier_bias", classifierBias);
        classifierActivation = f.textField("classifier_activation", classifierActivation);
        globalAttnEveryNLayers = f.sizeField("global_attn_every_n_layers", globalAttnEveryNLayers, 1 << 16);
        List<String> types = f.stringList("layer_types", null);
        if (types == null) {
            types = new ArrayList<>();
            for (int i = 0; i < numHiddenLayers; i++) types.add(i % globalAttnEveryNLayers == 0 ? FULL_ATTENTION : SLIDING_ATTENTION);
        }
        layerTypes = List.copyOf(types);
        readRope(f);
        validate(f.source());
    }

    /** {@code rope_parameters} per layer type; a type without {@code rope_theta} takes the legacy key or HF's default. */
    private void readRope(JsonFields f) {
        double global = f.doubleField("global_rope_theta", 160_000.0);
        double local = f.doubleField("local_rope_theta", 10_000.0);
        JsonNode scaling = f.get("rope_scaling");
        if (scaling != null && !scaling.isNull()) ropeTypeMustBeDefault(scaling, "rope_scaling", f.source());
        JsonNode rope = f.get("rope_parameters");
        if (rope != null && !rope.isNull() && !rope.isObject()) {
            throw new JTuneException("rope_parameters is " + rope + " in " + f.source(),
                    "rope_parameters maps full_attention and sliding_attention to {rope_type, rope_theta}", "fix rope_parameters in config.json");
        }
        globalRopeTheta = ropeTheta(rope, FULL_ATTENTION, global, f.source());
        localRopeTheta = ropeTheta(rope, SLIDING_ATTENTION, local, f.source());
    }

    private static double ropeTheta(JsonNode rope, String type, double dflt, String source) {
        JsonNode p = rope == null || rope.isNull() ? null : rope.get(type);
        if (p == null || p.isNull()) return dflt;
        ropeTypeMustBeDefault(p, "rope_parameters." + type, source);
        JsonNode theta = p.get("rope_theta");
        if (theta == null || theta.isNull()) return dflt;
        if (!theta.isNumber() || !(theta.asDouble() > 0)) {
            throw new JTuneException("rope_parameters." + type + ".rope_theta is " + theta + " in " + source,
                    "rope_theta is the positive RoPE base", "fix rope_parameters in config.json");
        }
        return theta.asDouble();
    }

    private static void ropeTypeMustBeDefault(JsonNode p, String key, String source) {
        String t = p.path("rope_type").asText(p.path("type").asText("default"));
        if (!"default".equals(t)) {
            throw new JTuneException(key + " has rope_type \"" + t + "\" in " + source,
                    "jtune implements ModernBERT's default RoPE (no scaling), which every released ModernBERT checkpoint uses",
                    "use a checkpoint with rope_type \"default\"");
        }
    }

    /** The config.json keys jtune understands (others are kept verbatim). */
    public static final List<String> KNOWN_KEYS = List.of("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
            "num_attention_heads", "hidden_activation", "max_position_embeddings", "initializer_range", "initializer_cutoff_factor",
            "norm_eps", "norm_bias", "pad_token_id", "attention_bias", "attention_dropout", "layer_types", "rope_parameters",
            "global_attn_every_n_layers", "global_rope_theta", "local_rope_theta", "local_attention", "embedding_dropout",
            "mlp_bias", "mlp_dropout", "classifier_pooling", "classifier_dropout", "classifier_bias", "classifier_activation",
            "problem_type", "num_labels");

    @Override
    public List<String> knownKeys() { return KNOWN_KEYS; }

    @Override
    public double classifierDropout() { return classifierDropout; }

    @Override
    public Map<String, Double> dropouts() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("embedding_dropout", embeddingDropout);
        m.put("attention_dropout", attentionDropout);
        m.put("mlp_dropout", mlpDropout);
        m.put("classifier_dropout", classifierDropout);
        return m;
    }

    @Override
    public int maxPositionEmbeddings() { return maxPositionEmbeddings; }

    @Override
    public int vocabSize() { return vocabSize; }

    @Override
    public long estimatedParameters() { return estimate(vocabSize, 0, hiddenSize, numHiddenLayers, 2L * intermediateSize); }

    public int headDim() { return hiddenSize / numAttentionHeads; }

    /** HF's {@code sliding_window}: the largest distance a sliding-attention layer sees ({@code local_attention // 2}). */
    public int slidingWindow() { return localAttention / 2; }

    /** The RoPE base of a layer type. */
    public double ropeTheta(String layerType) {
        return FULL_ATTENTION.equals(layerType) ? globalRopeTheta : localRopeTheta;
    }

    /** Checks what the model needs: sizes, heads dividing the hidden size, an even head size, layer types, activations. */
    public void validate(String source) {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new JTuneException("The hidden size (" + hiddenSize + ") is not a multiple of the number of attention heads ("
                    + numAttentionHeads + ") in " + source,
                    "hidden_size must be divisible by num_attention_heads (each head gets hidden_size / heads dimensions)",
                    "fix hidden_size or num_attention_heads in config.json");
        }
        if (headDim() % 2 != 0) {
            throw new JTuneException("the head size hidden_size / num_attention_heads = " + headDim() + " is odd in " + source,
                    "rotary position embeddings rotate pairs of dimensions, so the head size must be even",
                    "fix hidden_size or num_attention_heads in config.json");
        }
        if (layerTypes.size() != numHiddenLayers) {
            throw new JTuneException("layer_types has " + layerTypes.size() + " entries but num_hidden_layers is " + numHiddenLayers
                    + " in " + source, "layer_types names the attention of every layer", "give one entry per layer, or remove layer_types");
        }
        for (String t : layerTypes) {
            if (!FULL_ATTENTION.equals(t) && !SLIDING_ATTENTION.equals(t)) {
                throw new JTuneException("layer_types contains \"" + t + "\" in " + source,
                        "ModernBERT layers are \"full_attention\" or \"sliding_attention\"", "fix layer_types in config.json");
            }
        }
        dev.jtune.torch.Nn.checkActivation("hidden_activation", hiddenActivation, source);
        dev.jtune.torch.Nn.checkActivation("classifier_activation", classifierActivation, source);
        if (!"cls".equals(classifierPooling) && !"mean".equals(classifierPooling)) {
            throw new JTuneException("Invalid value for `classifier_pooling`, should be either \"cls\" or \"mean\", but is "
                    + classifierPooling + " (" + source + ")", "the sequence head pools the first token (cls) or the mean of the tokens (mean)",
                    "set classifier_pooling to \"cls\" or \"mean\" in config.json");
        }
        if (!(normEps > 0)) {
            throw new JTuneException("norm_eps is " + normEps + " in " + source, "the LayerNorm epsilon must be positive", "fix norm_eps in config.json");
        }
    }

    /** A ModernBERT config from a parsed config.json; a {@code model_type} other than modernbert is an error. */
    public static ModernBertConfig fromJsonObject(ObjectNode o, String source) {
        return parseAs(new ModernBertConfig(), o, source);
    }
}
