package dev.jtune.models.bert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import static dev.jtune.modeling.PretrainedConfig.Bounds.*;
import dev.jtune.JTuneException;
import dev.jtune.modeling.PretrainedConfig;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mirrors transformers {@code BertConfig}: every BERT field with HF defaults; labels, problem type and the JSON
 * round trip come from {@link PretrainedConfig}.
 */
public class BertConfig extends PretrainedConfig {
    public int vocabSize = 30522;
    public int hiddenSize = 768;
    public int numHiddenLayers = 12;
    public int numAttentionHeads = 12;
    public int intermediateSize = 3072;
    public String hiddenAct = "gelu";
    public double hiddenDropoutProb = 0.1;
    public double attentionProbsDropoutProb = 0.1;
    public int maxPositionEmbeddings = 512;
    public int typeVocabSize = 2;
    public double layerNormEps = 1e-12;
    public String positionEmbeddingType = "absolute";
    public boolean useCache = true;
    /** null means: use {@link #hiddenDropoutProb}. */
    public Double classifierDropout = null;

    public BertConfig() {}

    @Override
    public String modelType() { return "bert"; }

    @Override
    protected void readFields(JsonFields f) {
        vocabSize = f.sizeField("vocab_size", vocabSize, MAX_VOCAB);
        hiddenSize = f.sizeField("hidden_size", hiddenSize, MAX_HIDDEN);
        numHiddenLayers = f.sizeField("num_hidden_layers", numHiddenLayers, MAX_LAYERS);
        numAttentionHeads = f.sizeField("num_attention_heads", numAttentionHeads, MAX_HEADS);
        intermediateSize = f.sizeField("intermediate_size", intermediateSize, MAX_INTERMEDIATE);
        hiddenAct = f.textField("hidden_act", hiddenAct);
        hiddenDropoutProb = f.doubleField("hidden_dropout_prob", hiddenDropoutProb);
        attentionProbsDropoutProb = f.doubleField("attention_probs_dropout_prob", attentionProbsDropoutProb);
        maxPositionEmbeddings = f.sizeField("max_position_embeddings", maxPositionEmbeddings, MAX_POSITIONS);
        typeVocabSize = f.countField("type_vocab_size", typeVocabSize, MAX_TYPE_VOCAB);
        layerNormEps = f.doubleField("layer_norm_eps", layerNormEps);
        positionEmbeddingType = f.textField("position_embedding_type", positionEmbeddingType);
        useCache = f.boolField("use_cache", useCache);
        classifierDropout = f.optionalDouble("classifier_dropout");
        validate(f.source());
    }

    @Override
    protected void writeFields(ObjectNode o) {
        o.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        if (classifierDropout == null) o.putNull("classifier_dropout"); else o.put("classifier_dropout", classifierDropout);
        o.put("hidden_act", hiddenAct);
        o.put("hidden_dropout_prob", hiddenDropoutProb);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("layer_norm_eps", layerNormEps);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("position_embedding_type", positionEmbeddingType);
        o.put("type_vocab_size", typeVocabSize);
        o.put("use_cache", useCache);
        o.put("vocab_size", vocabSize);
    }

    /** The config.json keys jtune understands (others are kept verbatim). */
    public static final List<String> KNOWN_KEYS = List.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings",
            "type_vocab_size", "initializer_range", "layer_norm_eps", "pad_token_id", "position_embedding_type", "use_cache",
            "classifier_dropout", "problem_type", "num_labels");

    @Override
    public List<String> knownKeys() { return KNOWN_KEYS; }

    /** {@code classifier_dropout}, falling back to {@code hidden_dropout_prob} as HF does. */
    public double effectiveClassifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    @Override
    public double classifierDropout() { return effectiveClassifierDropout(); }

    @Override
    public Map<String, Double> dropouts() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("hidden_dropout_prob", hiddenDropoutProb);
        m.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        if (classifierDropout != null) m.put("classifier_dropout", classifierDropout);
        return m;
    }

    @Override
    public int maxPositionEmbeddings() { return maxPositionEmbeddings; }

    @Override
    public int vocabSize() { return vocabSize; }

    @Override
    public long estimatedParameters() { return estimate(vocabSize, maxPositionEmbeddings, hiddenSize, numHiddenLayers, intermediateSize); }

    public int headSize() { return hiddenSize / numAttentionHeads; }

    /** Checks what the model needs (hidden size divisible by heads, positive sizes, known activation). */
    public void validate(String source) {
        if (numAttentionHeads <= 0 || hiddenSize <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new JTuneException("The hidden size (" + hiddenSize + ") is not a multiple of the number of attention heads ("
                    + numAttentionHeads + ") in " + source,
                    "hidden_size must be divisible by num_attention_heads (each head gets hidden_size / heads dimensions)",
                    "fix hidden_size or num_attention_heads in config.json");
        }
        if (vocabSize <= 0 || numHiddenLayers < 0 || intermediateSize <= 0 || maxPositionEmbeddings <= 0 || typeVocabSize <= 0) {
            throw new JTuneException("config " + source + " has a non-positive size (vocab_size " + vocabSize
                    + ", num_hidden_layers " + numHiddenLayers + ", intermediate_size " + intermediateSize
                    + ", max_position_embeddings " + maxPositionEmbeddings + ", type_vocab_size " + typeVocabSize + ")",
                    modelType() + " sizes must be positive", "fix config.json");
        }
        dev.jtune.torch.Nn.checkActivation("hidden_act", hiddenAct, source);
        if (!"absolute".equals(positionEmbeddingType)) {
            throw new JTuneException("position_embedding_type \"" + positionEmbeddingType + "\" in " + source + " is not supported",
                    "jtune implements absolute position embeddings (every fine-tuned BERT checkpoint uses them)",
                    "use a checkpoint with position_embedding_type \"absolute\"");
        }
    }

    // ---- JSON ---------------------------------------------------------------------------------------------

    /** Reads an HF {@code config.json} of a BERT model. */
    public static BertConfig fromJsonFile(Path file) {
        return fromJsonObject(readJsonObject(file), file.toString());
    }

    public static BertConfig fromJson(String json, String source) {
        return fromJsonObject(parseJsonObject(json, source), source);
    }

    /** A BERT config from a parsed config.json; a {@code model_type} other than bert is an error. */
    public static BertConfig fromJsonObject(ObjectNode o, String source) {
        return parseAs(new BertConfig(), o, source);
    }
}
