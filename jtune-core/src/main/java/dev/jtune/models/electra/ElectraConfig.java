package dev.jtune.models.electra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.models.bert.BertConfig;

import java.util.ArrayList;
import java.util.List;

import static dev.jtune.modeling.PretrainedConfig.Bounds.MAX_HIDDEN;

/**
 * Mirrors transformers {@code ElectraConfig}: BERT's fields (HF's ElectraEncoder and everything under it is BERT's
 * encoder copied, reading the same fields) plus {@code embedding_size} (the width of the embeddings, projected to
 * {@code hidden_size} when it differs) and the {@code summary_*} keys, with HF's defaults (those of
 * google/electra-small-discriminator).
 */
public final class ElectraConfig extends BertConfig {
    public int embeddingSize = 128;
    // HF's multiple-choice / token heads (SequenceSummary) read these; the sequence head does not. Kept for the record.
    public String summaryType = "first";
    public boolean summaryUseProj = true;
    public String summaryActivation = "gelu";
    public double summaryLastDropout = 0.1;

    public ElectraConfig() {
        hiddenSize = 256;
        numAttentionHeads = 4;
        intermediateSize = 1024;
    }

    @Override
    public String modelType() { return "electra"; }

    @Override
    protected void readFields(JsonFields f) {
        embeddingSize = f.sizeField("embedding_size", embeddingSize, MAX_HIDDEN);
        summaryType = f.textField("summary_type", summaryType);
        summaryUseProj = f.boolField("summary_use_proj", summaryUseProj);
        summaryActivation = f.textField("summary_activation", summaryActivation);
        summaryLastDropout = f.doubleField("summary_last_dropout", summaryLastDropout);
        super.readFields(f); // BERT's fields, then validate
    }

    @Override
    protected void writeFields(ObjectNode o) {
        super.writeFields(o);
        o.put("embedding_size", embeddingSize);
    }

    /**
     * The config.json keys jtune models (what {@code --config-override} may name): BERT's and {@code embedding_size}.
     * The {@code summary_*} keys are read but left out: the sequence-classification head does not use them, so
     * overriding one would change nothing.
     */
    public static final List<String> KNOWN_KEYS = withEmbeddingSize();

    private static List<String> withEmbeddingSize() {
        List<String> k = new ArrayList<>(BertConfig.KNOWN_KEYS);
        k.add("embedding_size");
        return List.copyOf(k);
    }

    @Override
    public List<String> knownKeys() { return KNOWN_KEYS; }

    @Override
    public long estimatedParameters() {
        return estimate(vocabSize, maxPositionEmbeddings, Math.max(hiddenSize, embeddingSize), numHiddenLayers, intermediateSize);
    }

    /** Whether HF adds {@code embeddings_project} (Linear embedding_size → hidden_size). */
    public boolean projectsEmbeddings() { return embeddingSize != hiddenSize; }

    /** BERT's checks, and a positive {@code embedding_size}. */
    @Override
    public void validate(String source) {
        super.validate(source);
        if (embeddingSize <= 0) {
            throw new JTuneException("embedding_size is " + embeddingSize + " in " + source, "ELECTRA's embedding_size must be positive",
                    "fix embedding_size in config.json");
        }
    }

    /** An ELECTRA config from a parsed config.json; a {@code model_type} other than electra is an error. */
    public static ElectraConfig fromJsonObject(ObjectNode o, String source) {
        return parseAs(new ElectraConfig(), o, source);
    }
}
