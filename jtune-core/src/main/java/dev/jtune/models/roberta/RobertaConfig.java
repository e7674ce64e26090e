package dev.jtune.models.roberta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import static dev.jtune.modeling.PretrainedConfig.Bounds.*;
import dev.jtune.JTuneException;
import dev.jtune.models.bert.BertConfig;
import dev.jtune.modeling.PretrainedConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mirrors transformers {@code RobertaConfig}: BERT's fields with RoBERTa's defaults ({@code pad_token_id} 1,
 * {@code vocab_size} 50265). {@code bos_token_id} / {@code eos_token_id} are kept verbatim with the other keys.
 * {@link XLMRobertaConfig} has the same fields.
 */
public class RobertaConfig extends PretrainedConfig {
    public int vocabSize;
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
    /** Older config.json files carry it; transformers 5 dropped it (only "absolute" exists). */
    public String positionEmbeddingType = "absolute";
    public boolean useCache = true;
    /** null means: use {@link #hiddenDropoutProb}. */
    public Double classifierDropout = null;

    public RobertaConfig() { this(50265); }

    protected RobertaConfig(int defaultVocabSize) {
        this.vocabSize = defaultVocabSize;
        this.padTokenId = defaultPadTokenId();
    }

    @Override
    public String modelType() { return "roberta"; }

    @Override
    protected int defaultPadTokenId() { return 1; }

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

    /** The config.json keys jtune understands (others are kept verbatim). */
    public static final List<String> KNOWN_KEYS = List.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings",
            "type_vocab_size", "initializer_range", "layer_norm_eps", "pad_token_id", "position_embedding_type", "use_cache",
            "classifier_dropout", "problem_type", "num_labels");

    @Override
    public List<String> knownKeys() { return KNOWN_KEYS; }

    /** {@code classifier_dropout}, falling back to {@code hidden_dropout_prob} as HF's RobertaClassificationHead does. */
    @Override
    public double classifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    @Override
    public Map<String, Double> dropouts() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("hidden_dropout_prob", hiddenDropoutProb);
        m.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        if (classifierDropout != null) m.put("classifier_dropout", classifierDropout);
        return m;
    }

    /**
     * The longest input the position table allows: {@code max_position_embeddings - pad_token_id - 1} (514 - 2 = 512
     * for roberta-base), since positions start at {@code pad_token_id + 1}.
     */
    @Override
    public int maxPositionEmbeddings() { return maxPositionEmbeddings - padTokenId - 1; }

    @Override
    public int vocabSize() { return vocabSize; }

    @Override
    public long estimatedParameters() { return estimate(vocabSize, maxPositionEmbeddings, hiddenSize, numHiddenLayers, intermediateSize); }

    /**
     * The encoder's fields as a {@link BertConfig}: transformers' RoBERTa encoder is BERT's ({@code RobertaLayer}
     * and {@code RobertaSelfAttention} subclass the BERT blocks unchanged), so jtune builds it from BERT's blocks.
     */
    public BertConfig encoderConfig() {
        BertConfig b = new BertConfig();
        b.vocabSize = vocabSize;
        b.hiddenSize = hiddenSize;
        b.numHiddenLayers = numHiddenLayers;
        b.numAttentionHeads = numAttentionHeads;
        b.intermediateSize = intermediateSize;
        b.hiddenAct = hiddenAct;
        b.hiddenDropoutProb = hiddenDropoutProb;
        b.attentionProbsDropoutProb = attentionProbsDropoutProb;
        b.maxPositionEmbeddings = maxPositionEmbeddings;
        b.typeVocabSize = typeVocabSize;
        b.layerNormEps = layerNormEps;
        b.positionEmbeddingType = positionEmbeddingType;
        b.classifierDropout = classifierDropout;
        b.initializerRange = initializerRange;
        b.padTokenId = padTokenId;
        return b;
    }

    /** BERT's checks (sizes, heads, activation, absolute positions), then the position table against the padding id. */
    public void validate(String source) {
        encoderConfig().validate(source);
        if (padTokenId < 0 || maxPositionEmbeddings <= padTokenId + 1) {
            throw new JTuneException("max_position_embeddings (" + maxPositionEmbeddings + ") leaves no position after pad_token_id ("
                    + padTokenId + ") in " + source,
                    modelType() + " counts positions from pad_token_id + 1, so max_position_embeddings must exceed pad_token_id + 1",
                    "fix max_position_embeddings or pad_token_id in config.json (roberta-base: 514 and 1)");
        }
    }

    /** A RoBERTa config from a parsed config.json; a {@code model_type} other than roberta is an error. */
    public static RobertaConfig fromJsonObject(ObjectNode o, String source) {
        return parse(checkModelType(new RobertaConfig(), o, source), o, source);
    }

    static <C extends RobertaConfig> C checkModelType(C config, ObjectNode o, String source) {
        String modelType = o.path("model_type").asText(config.modelType());
        if (!modelType.equals(config.modelType())) {
            throw new JTuneException("model_type \"" + modelType + "\" in " + source + " is not a " + config.modelType() + " config",
                    config.getClass().getSimpleName() + " reads model_type \"" + config.modelType() + "\"; other families have their own config class",
                    "load the folder with AutoModelForSequenceClassification.fromPretrained (CLI --model), which picks the family");
        }
        return config;
    }
}
