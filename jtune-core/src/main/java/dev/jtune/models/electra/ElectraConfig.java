package dev.jtune.models.electra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import static dev.jtune.modeling.PretrainedConfig.Bounds.*;
import dev.jtune.JTuneException;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.models.bert.BertConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mirrors transformers {@code ElectraConfig}: BERT's fields plus {@code embedding_size} (the width of the
 * embeddings, projected to {@code hidden_size} when it differs) and the {@code summary_*} keys, with HF's defaults
 * (those of google/electra-small-discriminator). Labels, problem type and the JSON round trip come from
 * {@link PretrainedConfig}.
 */
public final class ElectraConfig extends PretrainedConfig {
    public int vocabSize = 30522;
    public int embeddingSize = 128;
    public int hiddenSize = 256;
    public int numHiddenLayers = 12;
    public int numAttentionHeads = 4;
    public int intermediateSize = 1024;
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
    // HF's multiple-choice / token heads (SequenceSummary) read these; the sequence head does not. Kept for the record.
    public String summaryType = "first";
    public boolean summaryUseProj = true;
    public String summaryActivation = "gelu";
    public double summaryLastDropout = 0.1;

    public ElectraConfig() {}

    @Override
    public String modelType() { return "electra"; }

    @Override
    protected void readFields(JsonFields f) {
        vocabSize = f.sizeField("vocab_size", vocabSize, MAX_VOCAB);
        embeddingSize = f.sizeField("embedding_size", embeddingSize, MAX_HIDDEN);
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
        summaryType = f.textField("summary_type", summaryType);
        summaryUseProj = f.boolField("summary_use_proj", summaryUseProj);
        summaryActivation = f.textField("summary_activation", summaryActivation);
        summaryLastDropout = f.doubleField("summary_last_dropout", summaryLastDropout);
        validate(f.source());
    }

    /**
     * The config.json keys jtune models (what {@code --config-override} may name). The {@code summary_*} keys are
     * read but left out: the sequence-classification head does not use them, so overriding one would change nothing.
     */
    public static final List<String> KNOWN_KEYS = List.of("vocab_size", "embedding_size", "hidden_size", "num_hidden_layers",
            "num_attention_heads", "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob",
            "max_position_embeddings", "type_vocab_size", "initializer_range", "layer_norm_eps", "pad_token_id",
            "position_embedding_type", "use_cache", "classifier_dropout", "problem_type", "num_labels");

    @Override
    public List<String> knownKeys() { return KNOWN_KEYS; }

    /** {@code classifier_dropout}, falling back to {@code hidden_dropout_prob} as HF's ElectraClassificationHead does. */
    @Override
    public double classifierDropout() { return classifierDropout != null ? classifierDropout : hiddenDropoutProb; }

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
    public long estimatedParameters() { return estimate(vocabSize, maxPositionEmbeddings, Math.max(hiddenSize, embeddingSize), numHiddenLayers, intermediateSize); }

    /** Whether HF adds {@code embeddings_project} (Linear embedding_size → hidden_size). */
    public boolean projectsEmbeddings() { return embeddingSize != hiddenSize; }

    /**
     * The encoder's fields as a {@link BertConfig}: HF's ElectraEncoder (and everything under it) is BERT's encoder
     * copied, reading the same fields, so jtune runs BERT's blocks on this view.
     */
    BertConfig encoderConfig() {
        BertConfig b = new BertConfig();
        b.hiddenSize = hiddenSize;
        b.numHiddenLayers = numHiddenLayers;
        b.numAttentionHeads = numAttentionHeads;
        b.intermediateSize = intermediateSize;
        b.hiddenAct = hiddenAct;
        b.hiddenDropoutProb = hiddenDropoutProb;
        b.attentionProbsDropoutProb = attentionProbsDropoutProb;
        b.layerNormEps = layerNormEps;
        b.initializerRange = initializerRange;
        b.padTokenId = padTokenId;
        return b;
    }

    /** Checks what the model needs (heads divide hidden_size, positive sizes, known activation, absolute positions). */
    public void validate(String source) {
        if (numAttentionHeads <= 0 || hiddenSize <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new JTuneException("The hidden size (" + hiddenSize + ") is not a multiple of the number of attention heads ("
                    + numAttentionHeads + ") in " + source,
                    "hidden_size must be divisible by num_attention_heads (each head gets hidden_size / heads dimensions)",
                    "fix hidden_size or num_attention_heads in config.json");
        }
        if (vocabSize <= 0 || embeddingSize <= 0 || numHiddenLayers < 0 || intermediateSize <= 0 || maxPositionEmbeddings <= 0
                || typeVocabSize <= 0) {
            throw new JTuneException("config " + source + " has a non-positive size (vocab_size " + vocabSize + ", embedding_size "
                    + embeddingSize + ", num_hidden_layers " + numHiddenLayers + ", intermediate_size " + intermediateSize
                    + ", max_position_embeddings " + maxPositionEmbeddings + ", type_vocab_size " + typeVocabSize + ")",
                    "ELECTRA sizes must be positive", "fix config.json");
        }
        if (!List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "gelu_python", "tanh").contains(hiddenAct)) {
            throw new JTuneException("hidden_act \"" + hiddenAct + "\" in " + source + " is not supported",
                    "jtune implements gelu (erf), gelu_new / gelu_pytorch_tanh (tanh approximation), relu and tanh",
                    "use one of those activations");
        }
        if (!"absolute".equals(positionEmbeddingType)) {
            throw new JTuneException("position_embedding_type \"" + positionEmbeddingType + "\" in " + source + " is not supported",
                    "jtune implements absolute position embeddings (the ELECTRA checkpoints use them)",
                    "use a checkpoint with position_embedding_type \"absolute\"");
        }
    }

    /** An ELECTRA config from a parsed config.json; a {@code model_type} other than electra is an error. */
    public static ElectraConfig fromJsonObject(ObjectNode o, String source) {
        String modelType = o.path("model_type").asText("electra");
        if (!modelType.equals("electra")) {
            throw new JTuneException("model_type \"" + modelType + "\" in " + source + " is not an ELECTRA config",
                    "ElectraConfig reads model_type \"electra\"; other families have their own config class",
                    "load the folder with AutoModelForSequenceClassification.fromPretrained (CLI --model), which picks the family");
        }
        return parse(new ElectraConfig(), o, source);
    }
}
