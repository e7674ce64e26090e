package dev.jtune.models.bert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.losses.LossSelection;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mirrors transformers {@code BertConfig}: every BERT field with HF defaults, the {@code num_labels} /
 * {@code id2label} / {@code label2id} rules, {@code problem_type} validation, and unknown keys kept for round trips.
 */
public final class BertConfig {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

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
    public double initializerRange = 0.02;
    public double layerNormEps = 1e-12;
    public int padTokenId = 0;
    public String positionEmbeddingType = "absolute";
    public boolean useCache = true;
    /** null means: use {@link #hiddenDropoutProb}. */
    public Double classifierDropout = null;
    public List<String> architectures = new ArrayList<>();
    private ProblemType problemType;
    private LossSelection.Source problemTypeSource;
    private TreeMap<Integer, String> id2label = defaultId2Label(2);
    /** Keys jtune does not model, kept verbatim for the round trip. */
    private final ObjectNode extra = JsonNodeFactory.instance.objectNode();
    /** Warnings raised while reading (e.g. num_labels vs id2label conflict). */
    private final List<String> warnings = new ArrayList<>();

    public BertConfig() {}

    // ---- labels -------------------------------------------------------------------------------------------

    public int numLabels() { return id2label.size(); }

    /** HF's setter: regenerates {@code id2label = {i: "LABEL_i"}} when the count changes. */
    public BertConfig setNumLabels(int n) {
        if (n < 1) {
            throw new JTuneException("num_labels is " + n + " (config.json \"num_labels\", CLI --num-labels)",
                    "a classification head needs at least 1 output (1 = regression, 2+ = classes)",
                    "pass --num-labels 1 for regression or the number of classes");
        }
        if (n != id2label.size()) id2label = defaultId2Label(n);
        checkProblemTypeAgainstLabels();
        return this;
    }

    /** Sets the label names in id order (id2label wins over num_labels, as HF). */
    public BertConfig setId2Label(Map<Integer, String> map) {
        TreeMap<Integer, String> m = new TreeMap<>(map);
        int i = 0;
        for (Integer k : m.keySet()) {
            if (k != i++) {
                throw new JTuneException("id2label keys are " + m.keySet() + " (config.json \"id2label\")",
                        "id2label must map every id 0..num_labels-1 exactly once",
                        "renumber the labels from 0 without gaps");
            }
        }
        if (m.isEmpty()) throw new JTuneException("id2label is empty (config.json \"id2label\")",
                "a classification head needs at least one label", "give at least one label or remove id2label");
        id2label = m;
        checkProblemTypeAgainstLabels();
        return this;
    }

    public Map<Integer, String> id2label() { return java.util.Collections.unmodifiableMap(id2label); }

    public Map<String, Integer> label2id() {
        Map<String, Integer> m = new LinkedHashMap<>();
        id2label.forEach((k, v) -> m.put(v, k));
        return m;
    }

    private static TreeMap<Integer, String> defaultId2Label(int n) {
        TreeMap<Integer, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) m.put(i, "LABEL_" + i);
        return m;
    }

    // ---- problem type -------------------------------------------------------------------------------------

    public ProblemType problemType() { return problemType; }

    /** Where {@link #problemType()} came from (null while unset). Not serialised. */
    public LossSelection.Source problemTypeSource() { return problemType == null ? null : problemTypeSource; }

    /** Sets the problem type explicitly (API or CLI); an explicit value wins over inference. */
    public BertConfig setProblemType(ProblemType p) {
        this.problemType = p;
        this.problemTypeSource = LossSelection.Source.EXPLICIT;
        checkProblemTypeAgainstLabels();
        return this;
    }

    /** Records a problem type inferred on the first labelled forward pass (HF writes it into the config). */
    public BertConfig setInferredProblemType(ProblemType p) {
        this.problemType = p;
        this.problemTypeSource = LossSelection.Source.INFERRED;
        checkProblemTypeAgainstLabels();
        return this;
    }

    private void checkProblemTypeAgainstLabels() {
        if (problemType == ProblemType.SINGLE_LABEL_CLASSIFICATION && numLabels() == 1) {
            throw new JTuneException(
                    "`problem_type=\"single_label_classification\"` requires `num_labels > 1`. For binary classification use `num_labels=2`, or use `problem_type=\"regression\"` for a single-output regression head.",
                    "single-label classification needs one logit per class (HF v5 rule)",
                    "pass --num-labels 2 (or more), or --problem-type regression");
        }
    }

    /** {@code classifier_dropout}, falling back to {@code hidden_dropout_prob} as HF does. */
    public double effectiveClassifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    public int headSize() { return hiddenSize / numAttentionHeads; }

    public List<String> warnings() { return List.copyOf(warnings); }

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
                    "BERT sizes must be positive", "fix config.json");
        }
        if (!List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "gelu_python", "tanh").contains(hiddenAct)) {
            throw new JTuneException("hidden_act \"" + hiddenAct + "\" in " + source + " is not supported",
                    "jtune implements gelu (erf), gelu_new / gelu_pytorch_tanh (tanh approximation), relu and tanh",
                    "use one of those activations");
        }
        if (!"absolute".equals(positionEmbeddingType)) {
            throw new JTuneException("position_embedding_type \"" + positionEmbeddingType + "\" in " + source + " is not supported",
                    "jtune implements absolute position embeddings (every fine-tuned BERT checkpoint uses them)",
                    "use a checkpoint with position_embedding_type \"absolute\"");
        }
    }

    // ---- JSON ---------------------------------------------------------------------------------------------

    /** Reads an HF {@code config.json}. */
    public static BertConfig fromJsonFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new JTuneException("config.json not found: " + file,
                    "a Hugging Face model folder must contain config.json", "pass the folder that holds config.json, model.safetensors and the tokenizer");
        }
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new JTuneException("cannot read " + file + ": " + e.getMessage(), "config.json must be a readable UTF-8 file", "check the file's permissions and encoding", e);
        }
    }

    public static BertConfig fromJson(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new JTuneException(source + " is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage(),
                    "config.json must be a JSON object as written by transformers' save_pretrained", "fix or regenerate config.json");
        }
        if (root == null || !root.isObject()) {
            throw new JTuneException(source + " is not a JSON object", "config.json must be a JSON object", "fix or regenerate config.json");
        }
        ObjectNode o = ((ObjectNode) root).deepCopy();
        String modelType = o.path("model_type").asText("bert");
        if (!modelType.equals("bert")) {
            throw new JTuneException("model_type \"" + modelType + "\" in " + source + " is not supported",
                    "jtune implements BERT-family encoders with model_type \"bert\" (e.g. bert-base-*, MiniLM, all-MiniLM-L6-v2)",
                    "use a BERT checkpoint (model_type \"bert\")");
        }
        BertConfig c = new BertConfig();
        c.vocabSize = intField(o, "vocab_size", c.vocabSize, source);
        c.hiddenSize = intField(o, "hidden_size", c.hiddenSize, source);
        c.numHiddenLayers = intField(o, "num_hidden_layers", c.numHiddenLayers, source);
        c.numAttentionHeads = intField(o, "num_attention_heads", c.numAttentionHeads, source);
        c.intermediateSize = intField(o, "intermediate_size", c.intermediateSize, source);
        c.hiddenAct = textField(o, "hidden_act", c.hiddenAct);
        c.hiddenDropoutProb = doubleField(o, "hidden_dropout_prob", c.hiddenDropoutProb, source);
        c.attentionProbsDropoutProb = doubleField(o, "attention_probs_dropout_prob", c.attentionProbsDropoutProb, source);
        c.maxPositionEmbeddings = intField(o, "max_position_embeddings", c.maxPositionEmbeddings, source);
        c.typeVocabSize = intField(o, "type_vocab_size", c.typeVocabSize, source);
        c.initializerRange = doubleField(o, "initializer_range", c.initializerRange, source);
        c.layerNormEps = doubleField(o, "layer_norm_eps", c.layerNormEps, source);
        c.padTokenId = o.hasNonNull("pad_token_id") ? intField(o, "pad_token_id", 0, source) : 0;
        o.remove("pad_token_id");
        c.positionEmbeddingType = textField(o, "position_embedding_type", c.positionEmbeddingType);
        if (o.has("use_cache")) c.useCache = o.remove("use_cache").asBoolean(true);
        JsonNode cd = o.remove("classifier_dropout");
        c.classifierDropout = cd == null || cd.isNull() ? null : cd.asDouble();
        JsonNode arch = o.remove("architectures");
        if (arch != null && arch.isArray()) arch.forEach(a -> c.architectures.add(a.asText()));
        o.remove("model_type");

        // labels: id2label wins; then num_labels; then legacy _num_labels; default 2
        JsonNode id2 = o.remove("id2label");
        JsonNode l2i = o.remove("label2id");
        JsonNode nl = o.remove("num_labels");
        JsonNode legacy = o.remove("_num_labels");
        Integer numLabels = nl != null && !nl.isNull() ? Integer.valueOf(nl.asInt()) : legacy != null && !legacy.isNull() ? Integer.valueOf(legacy.asInt()) : null;
        if (id2 != null && id2.isObject() && id2.size() > 0) {
            TreeMap<Integer, String> m = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = id2.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                int k;
                try {
                    k = Integer.parseInt(e.getKey().trim());
                } catch (NumberFormatException ex) {
                    throw new JTuneException("id2label key \"" + e.getKey() + "\" in " + source + " is not an integer",
                            "id2label maps class ids (integers, written as JSON strings) to names", "use keys \"0\", \"1\", ...");
                }
                m.put(k, e.getValue().asText());
            }
            c.setId2Label(m);
            if (numLabels != null && numLabels != m.size()) {
                c.warnings.add("You passed `num_labels=" + numLabels + "` which is incompatible to the `id2label` map of length `"
                        + m.size() + "`. (" + source + ": id2label wins, num_labels=" + m.size() + ")");
            }
        } else if (numLabels != null) {
            c.setNumLabels(numLabels);
        } else if (l2i != null && l2i.isObject() && l2i.size() > 0) {
            TreeMap<Integer, String> m = new TreeMap<>();
            l2i.fields().forEachRemaining(e -> m.put(e.getValue().asInt(), e.getKey()));
            c.setId2Label(m);
        }
        JsonNode pt = o.remove("problem_type");
        c.problemType = ProblemType.fromHf(pt == null || pt.isNull() ? null : pt.asText());
        c.problemTypeSource = LossSelection.Source.CONFIG;
        c.checkProblemTypeAgainstLabels();
        c.extra.setAll(o);
        c.validate(source);
        return c;
    }

    private static int intField(ObjectNode o, String name, int dflt, String source) {
        JsonNode n = o.remove(name);
        if (n == null || n.isNull()) return dflt;
        if (!n.canConvertToInt() || (n.isNumber() && n.asDouble() != Math.rint(n.asDouble()))) {
            throw new JTuneException(name + " is " + n + " in " + source, name + " must be an integer", "fix " + name + " in config.json");
        }
        return n.asInt();
    }

    private static double doubleField(ObjectNode o, String name, double dflt, String source) {
        JsonNode n = o.remove(name);
        if (n == null || n.isNull()) return dflt;
        if (!n.isNumber()) {
            throw new JTuneException(name + " is " + n + " in " + source, name + " must be a number", "fix " + name + " in config.json");
        }
        return n.asDouble();
    }

    private static String textField(ObjectNode o, String name, String dflt) {
        JsonNode n = o.remove(name);
        return n == null || n.isNull() ? dflt : n.asText();
    }

    /** The config as HF writes it (sorted keys, indent 2). */
    public ObjectNode toJsonNode() {
        ObjectNode o = JSON.createObjectNode();
        o.setAll(extra);
        ArrayNodeHelper.put(o, "architectures", architectures);
        o.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        if (classifierDropout == null) o.putNull("classifier_dropout"); else o.put("classifier_dropout", classifierDropout);
        o.put("hidden_act", hiddenAct);
        o.put("hidden_dropout_prob", hiddenDropoutProb);
        o.put("hidden_size", hiddenSize);
        ObjectNode id2 = o.putObject("id2label");
        id2label.forEach((k, v) -> id2.put(String.valueOf(k), v));
        o.put("initializer_range", initializerRange);
        o.put("intermediate_size", intermediateSize);
        ObjectNode l2i = o.putObject("label2id");
        id2label.forEach((k, v) -> l2i.put(v, k));
        o.put("layer_norm_eps", layerNormEps);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("model_type", "bert");
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_labels", numLabels());
        o.put("pad_token_id", padTokenId);
        o.put("position_embedding_type", positionEmbeddingType);
        if (problemType != null) o.put("problem_type", problemType.hfName());
        else o.remove("problem_type");
        o.put("type_vocab_size", typeVocabSize);
        o.put("use_cache", useCache);
        o.put("vocab_size", vocabSize);
        if (!o.has("torch_dtype") && !o.has("dtype")) o.put("torch_dtype", "float32");
        // sort keys as HF does
        ObjectNode sorted = JSON.createObjectNode();
        new TreeMap<String, JsonNode>(toMap(o)).forEach(sorted::set);
        return sorted;
    }

    private static Map<String, JsonNode> toMap(ObjectNode o) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(toJsonNode()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code config.json} into {@code dir} atomically. */
    public void saveTo(Path dir) {
        AtomicFiles.writeString(dir.resolve("config.json"), toJson());
    }

    /** The config.json key jtune stores calibrated multi-label thresholds under (transformers ignores it). */
    public static final String THRESHOLDS_KEY = "jtune_multi_label_thresholds";

    /**
     * Stores calibrated multi-label decision thresholds (one per label) in config.json, so predict uses them.
     *
     * @param mode "global" (one threshold for all labels) or "per_label"
     */
    public void setMultiLabelThresholds(String mode, double[] perLabel) {
        ObjectNode t = JSON.createObjectNode();
        t.put("mode", mode);
        var arr = t.putArray("thresholds");
        for (double d : perLabel) arr.add(d);
        extra.set(THRESHOLDS_KEY, t);
    }

    /** Per-label thresholds from config.json, or null when none were calibrated (use 0.5). */
    public double[] multiLabelThresholds() {
        JsonNode t = extra.get(THRESHOLDS_KEY);
        if (t == null || !t.path("thresholds").isArray() || t.path("thresholds").size() != numLabels()) return null;
        double[] d = new double[numLabels()];
        for (int i = 0; i < d.length; i++) d[i] = t.path("thresholds").get(i).asDouble(0.5);
        return d;
    }

    /** An unknown key kept from the source file (null when absent). */
    public JsonNode extra(String key) { return extra.get(key); }

    /**
     * Reads config.json with some keys replaced first (CLI {@code --config-override key=value}); a key that is not
     * a BERT config field is an error, so a typo cannot pass silently.
     */
    public static BertConfig fromJsonFileWithOverrides(Path file, Map<String, Object> overrides) {
        if (overrides == null || overrides.isEmpty()) return fromJsonFile(file);
        BertConfig base = fromJsonFile(file);
        ObjectNode o = base.toJsonNode();
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            if (!KNOWN_KEYS.contains(e.getKey())) {
                throw new JTuneException("config override \"" + e.getKey() + "\" is not a BERT config field (CLI --config-override)",
                        "overrides must name a config.json key of BertConfig: " + KNOWN_KEYS,
                        "check the spelling, e.g. hidden_dropout_prob=0.0");
            }
            o.set(e.getKey(), JSON.valueToTree(e.getValue()));
        }
        BertConfig c = fromJson(o.toString(), file + " (with overrides " + overrides + ")");
        c.problemTypeSource = base.problemTypeSource;
        return c;
    }

    /** The config.json keys jtune understands (others are kept verbatim). */
    public static final List<String> KNOWN_KEYS = List.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings",
            "type_vocab_size", "initializer_range", "layer_norm_eps", "pad_token_id", "position_embedding_type", "use_cache",
            "classifier_dropout", "problem_type", "num_labels");

    /** A deep copy (the problem-type source is kept). */
    public BertConfig copy() {
        BertConfig c = fromJson(toJson(), "copy");
        c.problemTypeSource = problemTypeSource;
        return c;
    }

    /** Small helper to write a string list. */
    private static final class ArrayNodeHelper {
        static void put(ObjectNode o, String key, List<String> values) {
            if (values.isEmpty()) {
                o.remove(key);
                return;
            }
            var arr = o.putArray(key);
            values.forEach(arr::add);
        }
    }
}
