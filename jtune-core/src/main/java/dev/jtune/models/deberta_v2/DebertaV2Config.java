package dev.jtune.models.deberta_v2;

import com.fasterxml.jackson.databind.node.ObjectNode;
import static dev.jtune.modeling.PretrainedConfig.Bounds.*;
import dev.jtune.JTuneException;
import dev.jtune.modeling.PretrainedConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Mirrors transformers {@code DebertaV2Config} (5.x): the fields with HF's defaults (note {@code type_vocab_size} 0,
 * {@code layer_norm_eps} 1e-7, {@code relative_attention} false) plus the keys HF's modules read with
 * {@code getattr} ({@code position_buckets}, {@code share_att_key}, {@code norm_rel_ebd}, {@code embedding_size},
 * {@code conv_kernel_size}, {@code cls_dropout}, ...). Labels, problem type and the JSON round trip come from
 * {@link PretrainedConfig}.
 */
public final class DebertaV2Config extends PretrainedConfig {
    public int vocabSize = 128100;
    public int hiddenSize = 1536;
    public int numHiddenLayers = 24;
    public int numAttentionHeads = 24;
    public int intermediateSize = 6144;
    public String hiddenAct = "gelu";
    public double hiddenDropoutProb = 0.1;
    public double attentionProbsDropoutProb = 0.1;
    public int maxPositionEmbeddings = 512;
    public int typeVocabSize = 0;
    public double layerNormEps = 1e-7;
    public boolean relativeAttention = false;
    /** As written; {@link #effectiveMaxRelativePositions()} applies HF's "below 1 → max_position_embeddings". */
    public int maxRelativePositions = -1;
    public int positionBuckets = -1;
    public boolean positionBiasedInput = true;
    /** {@code pos_att_type}: a subset of c2p / p2c (a "p2c|c2p" string in older configs). */
    public List<String> posAttType = List.of();
    public boolean shareAttKey = false;
    /** {@code norm_rel_ebd} split on '|', lower case ("none", "layer_norm"). */
    public List<String> normRelEbd = List.of("none");
    public int embeddingSize;
    public int attentionHeadSize;
    public double poolerDropout = 0.0;
    public String poolerHiddenAct = "gelu";
    public int poolerHiddenSize;
    /** {@code cls_dropout}; null means: use {@link #hiddenDropoutProb}. */
    public Double clsDropout = null;
    public int convKernelSize = 0;
    public int convGroups = 1;
    public String convAct = "tanh";

    public DebertaV2Config() {}

    @Override
    public String modelType() { return "deberta-v2"; }

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
        relativeAttention = f.boolField("relative_attention", relativeAttention);
        maxRelativePositions = f.intField("max_relative_positions", maxRelativePositions);
        positionBuckets = f.intField("position_buckets", positionBuckets);
        positionBiasedInput = f.boolField("position_biased_input", positionBiasedInput);
        posAttType = f.stringList("pos_att_type", List.of()).stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
        shareAttKey = f.boolField("share_att_key", shareAttKey);
        normRelEbd = List.of(f.textField("norm_rel_ebd", "none").toLowerCase(Locale.ROOT).split("\\|")).stream().map(String::trim).toList();
        embeddingSize = f.sizeField("embedding_size", hiddenSize, MAX_HIDDEN);
        attentionHeadSize = f.sizeField("attention_head_size", numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0, MAX_HIDDEN);
        poolerDropout = f.doubleField("pooler_dropout", poolerDropout);
        poolerHiddenAct = f.textField("pooler_hidden_act", poolerHiddenAct);
        poolerHiddenSize = f.sizeField("pooler_hidden_size", hiddenSize, MAX_HIDDEN);
        clsDropout = f.optionalDouble("cls_dropout");
        convKernelSize = f.countField("conv_kernel_size", convKernelSize, MAX_HIDDEN);
        convGroups = f.countField("conv_groups", convGroups, MAX_HIDDEN);
        convAct = f.textField("conv_act", convAct);
        validate(f.source());
    }

    /** The config.json keys jtune understands (others are kept verbatim). */
    public static final List<String> KNOWN_KEYS = List.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings",
            "type_vocab_size", "initializer_range", "layer_norm_eps", "relative_attention", "max_relative_positions",
            "position_buckets", "pad_token_id", "position_biased_input", "pos_att_type", "share_att_key", "norm_rel_ebd",
            "embedding_size", "attention_head_size", "pooler_dropout", "pooler_hidden_act", "pooler_hidden_size", "cls_dropout",
            "conv_kernel_size", "conv_groups", "conv_act", "legacy", "problem_type", "num_labels");

    @Override
    public List<String> knownKeys() { return KNOWN_KEYS; }

    /** HF's {@code max_relative_positions}: values below 1 mean {@code max_position_embeddings}. */
    public int effectiveMaxRelativePositions() {
        return maxRelativePositions < 1 ? maxPositionEmbeddings : maxRelativePositions;
    }

    /** HF's {@code pos_ebd_size} (attention span): {@code position_buckets} when positive, else the max relative position. */
    public int attentionSpan() {
        return positionBuckets > 0 ? positionBuckets : effectiveMaxRelativePositions();
    }

    /** Rows of {@code encoder.rel_embeddings}: twice the attention span. */
    public int relEmbeddingRows() { return 2 * attentionSpan(); }

    public boolean c2p() { return posAttType.contains("c2p"); }

    public boolean p2c() { return posAttType.contains("p2c"); }

    /** {@code cls_dropout}, falling back to {@code hidden_dropout_prob} as HF does. */
    @Override
    public double classifierDropout() { return clsDropout != null ? clsDropout : hiddenDropoutProb; }

    @Override
    public Map<String, Double> dropouts() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("hidden_dropout_prob", hiddenDropoutProb);
        m.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        m.put("pooler_dropout", poolerDropout);
        if (clsDropout != null) m.put("cls_dropout", clsDropout);
        return m;
    }

    /** Relative attention does not bound the length; absolute position embeddings (when present) do. */
    @Override
    public int maxPositionEmbeddings() { return positionBiasedInput ? maxPositionEmbeddings : Integer.MAX_VALUE; }

    @Override
    public int vocabSize() { return vocabSize; }

    @Override
    public long estimatedParameters() { return estimate(vocabSize, maxPositionEmbeddings, Math.max(hiddenSize, embeddingSize), numHiddenLayers, intermediateSize); }


    /** Checks what the model needs and refuses the settings jtune does not implement, naming the config.json key. */
    public void validate(String source) {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new JTuneException("The hidden size (" + hiddenSize + ") is not a multiple of the number of attention heads ("
                    + numAttentionHeads + ") in " + source,
                    "hidden_size must be divisible by num_attention_heads (each head gets hidden_size / heads dimensions)",
                    "fix hidden_size or num_attention_heads in config.json");
        }
        if (attentionHeadSize * numAttentionHeads != hiddenSize) {
            throw new JTuneException("attention_head_size " + attentionHeadSize + " in " + source + " times num_attention_heads "
                    + numAttentionHeads + " is not hidden_size " + hiddenSize,
                    "the attention output projection maps hidden_size to hidden_size, so the heads must cover hidden_size exactly",
                    "remove attention_head_size from config.json (it defaults to hidden_size / num_attention_heads)");
        }
        if (numHiddenLayers < 0 || typeVocabSize < 0) {
            throw new JTuneException("config " + source + " has a negative size (num_hidden_layers " + numHiddenLayers
                    + ", type_vocab_size " + typeVocabSize + ")", "DeBERTa-v2 sizes must not be negative", "fix config.json");
        }
        dev.jtune.torch.Nn.checkActivation("hidden_act", hiddenAct, source);
        dev.jtune.torch.Nn.checkActivation("pooler_hidden_act", poolerHiddenAct, source);
        for (String t : posAttType) {
            if (!t.equals("c2p") && !t.equals("p2c")) {
                throw new JTuneException("pos_att_type \"" + t + "\" in " + source + " is not supported",
                        "DeBERTa-v2 relative attention knows c2p (content to position) and p2c (position to content)",
                        "use a list of c2p and/or p2c, e.g. [\"p2c\", \"c2p\"]");
            }
        }
        if (poolerHiddenSize != hiddenSize) {
            throw new JTuneException("pooler_hidden_size " + poolerHiddenSize + " in " + source + " differs from hidden_size " + hiddenSize,
                    "the ContextPooler reads the first token's hidden state (hidden_size) and the classifier reads the pooler's output as hidden_size",
                    "remove pooler_hidden_size from config.json or set it to hidden_size");
        }
        if (convKernelSize > 0) {
            if (convKernelSize % 2 == 0) {
                throw new JTuneException("conv_kernel_size " + convKernelSize + " in " + source + " is even",
                        "the encoder's convolution pads (k - 1) / 2 on each side, which keeps the length only for an odd kernel",
                        "use an odd conv_kernel_size (DeBERTa-v2 checkpoints use 3)");
            }
            if (convGroups <= 0 || hiddenSize % convGroups != 0) {
                throw new JTuneException("conv_groups " + convGroups + " in " + source + " does not divide hidden_size " + hiddenSize,
                        "a grouped convolution needs hidden_size divisible by conv_groups", "fix conv_groups in config.json");
            }
            dev.jtune.torch.Nn.checkActivation("conv_act", convAct, source);
        }
        if (relativeAttention && positionBuckets <= 0 && effectiveMaxRelativePositions() <= 0) {
            throw new JTuneException("relative attention in " + source + " has no span (max_relative_positions and position_buckets)",
                    "relative attention needs a positive position_buckets or max_relative_positions / max_position_embeddings",
                    "fix position_buckets or max_relative_positions in config.json");
        }
    }

    /** A DeBERTa-v2 config from a parsed config.json; a {@code model_type} other than deberta-v2 is an error. */
    public static DebertaV2Config fromJsonObject(ObjectNode o, String source) {
        return parseAs(new DebertaV2Config(), o, source);
    }
}
