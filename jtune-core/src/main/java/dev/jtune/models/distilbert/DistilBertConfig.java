package dev.jtune.models.distilbert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import static dev.jtune.modeling.PretrainedConfig.Bounds.*;
import dev.jtune.JTuneException;
import dev.jtune.modeling.PretrainedConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mirrors transformers {@code DistilBertConfig}: DistilBERT's own field names ({@code dim}, {@code n_layers},
 * {@code n_heads}, {@code hidden_dim}, {@code dropout}, ...) with HF's defaults; labels, problem type and the JSON
 * round trip come from {@link PretrainedConfig}. HF hard-codes LayerNorm eps 1e-12 (no config key).
 */
public final class DistilBertConfig extends PretrainedConfig {
    /** LayerNorm epsilon of every DistilBERT norm (a constant in HF, not a config field). */
    public static final double LAYER_NORM_EPS = 1e-12;

    public int vocabSize = 30522;
    public int maxPositionEmbeddings = 512;
    /** Fixed sin/cos position table (not trained) instead of a learned one. */
    public boolean sinusoidalPosEmbds = false;
    public int nLayers = 6;
    public int nHeads = 12;
    public int dim = 768;
    public int hiddenDim = 4 * 768;
    public double dropout = 0.1;
    public double attentionDropout = 0.1;
    public String activation = "gelu";
    /** The question-answering head's dropout: unused by the sequence head, kept and validated as HF keeps it. */
    public double qaDropout = 0.1;
    public double seqClassifDropout = 0.2;

    public DistilBertConfig() {}

    @Override
    public String modelType() { return "distilbert"; }

    @Override
    protected void readFields(JsonFields f) {
        vocabSize = f.sizeField("vocab_size", vocabSize, MAX_VOCAB);
        maxPositionEmbeddings = f.sizeField("max_position_embeddings", maxPositionEmbeddings, MAX_POSITIONS);
        sinusoidalPosEmbds = f.boolField("sinusoidal_pos_embds", sinusoidalPosEmbds);
        nLayers = f.sizeField("n_layers", nLayers, MAX_LAYERS);
        nHeads = f.sizeField("n_heads", nHeads, MAX_HEADS);
        dim = f.sizeField("dim", dim, MAX_HIDDEN);
        hiddenDim = f.sizeField("hidden_dim", hiddenDim, MAX_INTERMEDIATE);
        dropout = f.doubleField("dropout", dropout);
        attentionDropout = f.doubleField("attention_dropout", attentionDropout);
        activation = f.textField("activation", activation);
        qaDropout = f.doubleField("qa_dropout", qaDropout);
        seqClassifDropout = f.doubleField("seq_classif_dropout", seqClassifDropout);
        validate(f.source());
    }

    /** The config.json keys jtune models (what {@code --config-override} may name; others are kept verbatim). */
    public static final List<String> KNOWN_KEYS = List.of("vocab_size", "max_position_embeddings", "sinusoidal_pos_embds",
            "n_layers", "n_heads", "dim", "hidden_dim", "dropout", "attention_dropout", "activation", "qa_dropout",
            "seq_classif_dropout", "initializer_range", "pad_token_id", "problem_type", "num_labels");

    @Override
    public List<String> knownKeys() { return KNOWN_KEYS; }

    /** The head's dropout is {@code seq_classif_dropout} (HF default 0.2, unlike BERT's hidden dropout). */
    @Override
    public double classifierDropout() { return seqClassifDropout; }

    @Override
    public Map<String, Double> dropouts() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("dropout", dropout);
        m.put("attention_dropout", attentionDropout);
        m.put("seq_classif_dropout", seqClassifDropout);
        m.put("qa_dropout", qaDropout);
        return m;
    }

    @Override
    public int maxPositionEmbeddings() { return maxPositionEmbeddings; }

    @Override
    public int vocabSize() { return vocabSize; }

    @Override
    public long estimatedParameters() { return estimate(vocabSize, maxPositionEmbeddings, dim, nLayers, hiddenDim); }

    public int headSize() { return dim / nHeads; }

    /** Checks what the model needs: heads divide {@code dim}, non-negative layer count, a known activation. */
    public void validate(String source) {
        if (dim % nHeads != 0) {
            throw new JTuneException("dim (" + dim + ") is not a multiple of n_heads (" + nHeads + ") in " + source,
                    "dim must be divisible by n_heads (each head gets dim / n_heads dimensions)",
                    "fix dim or n_heads in config.json");
        }
        if (nLayers < 0 || nLayers > 1000) {
            throw new JTuneException("n_layers is " + nLayers + " in " + source, "n_layers must lie in [0, 1000]",
                    "fix n_layers in config.json");
        }
        dev.jtune.torch.Nn.checkActivation("activation", activation, source);
    }

    /** A DistilBERT config from a parsed config.json; a {@code model_type} other than distilbert is an error. */
    public static DistilBertConfig fromJsonObject(ObjectNode o, String source) {
        return parseAs(new DistilBertConfig(), o, source);
    }
}
