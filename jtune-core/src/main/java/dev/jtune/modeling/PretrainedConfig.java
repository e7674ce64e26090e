package dev.jtune.modeling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.io.AtomicFiles;
import dev.jtune.losses.LossSelection;
import dev.jtune.losses.ProblemType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mirrors transformers {@code PretrainedConfig}: what every family's config shares — {@code model_type}, the
 * {@code num_labels} / {@code id2label} / {@code label2id} rules, {@code problem_type} (with where it came from),
 * {@code architectures}, {@code initializer_range}, {@code pad_token_id} — and the JSON round trip. A family's
 * config ({@code BertConfig}, {@code RobertaConfig}, ...) reads its own fields from the same JSON in
 * {@link #readFields}; every key of the file is kept, so a saved config.json holds what the source held.
 */
public abstract class PretrainedConfig {
    protected static final ObjectMapper JSON = dev.jtune.io.Json.builder().build().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** Keys this base class owns (labels, problem type, architectures); everything else is the family's or kept. */
    private static final List<String> COMMON_KEYS = List.of("id2label", "label2id", "num_labels", "_num_labels",
            "problem_type", "architectures", "model_type", "initializer_range", "pad_token_id");

    public double initializerRange = 0.02;
    public int padTokenId = 0;
    public List<String> architectures = new ArrayList<>();
    private ProblemType problemType;
    private LossSelection.Source problemTypeSource;
    private TreeMap<Integer, String> id2label = defaultId2Label(2);
    /** Every key of the source file except the common ones, kept verbatim for the round trip. */
    protected final ObjectNode extra = JsonNodeFactory.instance.objectNode();
    /** Warnings raised while reading (e.g. num_labels vs id2label conflict). */
    private final List<String> warnings = new ArrayList<>();

    protected PretrainedConfig() {}

    /** HF's {@code model_type} ("bert", "roberta", ...). */
    public abstract String modelType();

    /** HF's default {@code pad_token_id} for this family when config.json has none. */
    protected int defaultPadTokenId() { return 0; }

    /**
     * Reads the family's fields from {@code o} (the whole config.json; do not remove keys) and validates them.
     * Called once by {@link #parse}.
     */
    protected abstract void readFields(JsonFields o);

    /**
     * Writes the family's fields into {@code o} (which already holds every key read); the default writes nothing
     * more, so a config.json is saved as it was read, with the labels and problem type updated.
     */
    protected void writeFields(ObjectNode o) {}

    /** The config.json keys jtune models for this family (what {@code --config-override} may name). */
    public abstract List<String> knownKeys();

    /** {@code classifier_dropout}-style probability the head uses (for messages and explain). */
    public abstract double classifierDropout();

    /** Every dropout probability of the model by its config.json key (validated to [0, 1]). */
    public abstract Map<String, Double> dropouts();

    /** {@code max_position_embeddings}, or {@link Integer#MAX_VALUE} when positions are not bounded by a table. */
    public abstract int maxPositionEmbeddings();

    /** {@code vocab_size}. */
    public abstract int vocabSize();

    /**
     * Upper bounds on config.json sizes, checked when the config is read, before anything is allocated. Each is far
     * above any released encoder (xlm-roberta-xl: 36 layers, hidden 2560, vocab 250,002; deberta-v2-xxlarge: 48
     * layers, hidden 1536) and far below what would exhaust a machine while the model is built.
     */
    public static final class Bounds {
        private Bounds() {}
        public static final int MAX_LAYERS = 1024;
        public static final int MAX_HIDDEN = 1 << 16;
        public static final int MAX_INTERMEDIATE = 1 << 18;
        public static final int MAX_HEADS = 1 << 12;
        public static final int MAX_VOCAB = 1 << 24;
        public static final int MAX_POSITIONS = 1 << 24;
        public static final int MAX_TYPE_VOCAB = 1 << 16;
        /** num_labels, id2label entries, --num-labels. */
        public static final int MAX_LABELS = 1 << 17;
    }

    /**
     * The model's approximate parameter count from its sizes (embeddings and encoder layers), used to refuse a config
     * whose weights cannot fit this machine's memory before any layer is built; -1 when the family gives none.
     */
    public long estimatedParameters() { return -1; }

    /** Embedding tables plus {@code layers} × (attention 4·h² + feed-forward 2·h·i). */
    protected static long estimate(long vocab, long positions, long hidden, long layers, long intermediate) {
        return (vocab + positions) * hidden + layers * (4 * hidden * hidden + 2 * hidden * intermediate);
    }

    /** Physical memory of this machine in bytes (Long.MAX_VALUE when unknown). */
    static long physicalMemory() {
        try {
            var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getTotalMemorySize();
        } catch (RuntimeException | LinkageError ignored) {
            // fall through: no bound
        }
        return Long.MAX_VALUE;
    }

    // ---- labels -------------------------------------------------------------------------------------------

    public int numLabels() { return id2label.size(); }

    /** HF's setter: regenerates {@code id2label = {i: "LABEL_i"}} when the count changes. */
    public PretrainedConfig setNumLabels(int n) {
        if (n > Bounds.MAX_LABELS) {
            throw new JTuneException("num_labels is " + n + " (config.json \"num_labels\", CLI --num-labels)",
                    "num_labels must be at most " + Bounds.MAX_LABELS + " (a head with more outputs is not a classifier jtune can train)",
                    "fix num_labels in config.json or --num-labels");
        }
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
    public PretrainedConfig setId2Label(Map<Integer, String> map) {
        TreeMap<Integer, String> m = new TreeMap<>(map);
        int i = 0;
        for (Integer k : m.keySet()) {
            if (k != i++) {
                throw new JTuneException("id2label keys are " + m.keySet() + " (config.json \"id2label\")",
                        "id2label must map every id 0..num_labels-1 exactly once",
                        "renumber the labels from 0 without gaps");
            }
        }
        if (m.size() > Bounds.MAX_LABELS) {
            throw new JTuneException("id2label has " + m.size() + " entries (config.json \"id2label\")",
                    "num_labels must be at most " + Bounds.MAX_LABELS, "fix id2label in config.json");
        }
        if (m.isEmpty()) throw new JTuneException("id2label is empty (config.json \"id2label\")",
                "a classification head needs at least one label", "give at least one label or remove id2label");
        id2label = m;
        checkProblemTypeAgainstLabels();
        return this;
    }

    public Map<Integer, String> id2label() { return Collections.unmodifiableMap(id2label); }

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
    public PretrainedConfig setProblemType(ProblemType p) {
        this.problemType = p;
        this.problemTypeSource = LossSelection.Source.EXPLICIT;
        checkProblemTypeAgainstLabels();
        return this;
    }

    /** Records a problem type inferred on the first labelled forward pass (HF writes it into the config). */
    public PretrainedConfig setInferredProblemType(ProblemType p) {
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

    public List<String> warnings() { return List.copyOf(warnings); }

    protected void warn(String w) { warnings.add(w); }

    // ---- multi-label thresholds ---------------------------------------------------------------------------

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

    /** A key kept from the source file (null when absent). */
    public JsonNode extra(String key) { return extra.get(key); }

    // ---- JSON ---------------------------------------------------------------------------------------------

    /**
     * Parses config.json into {@code config} after checking its {@code model_type} (missing: taken as the config's
     * own) — what every family's {@code fromJsonObject} does.
     */
    public static <C extends PretrainedConfig> C parseAs(C config, ObjectNode o, String source) {
        String modelType = o.path("model_type").asText(config.modelType());
        if (!modelType.equals(config.modelType())) {
            throw new JTuneException("model_type \"" + modelType + "\" in " + source + " is not a " + config.modelType() + " config",
                    config.getClass().getSimpleName() + " reads model_type \"" + config.modelType() + "\"; other families have their own config class",
                    "load the folder with AutoModelForSequenceClassification.fromPretrained (CLI --model), which picks the family");
        }
        return parse(config, o, source);
    }

    /** Parses a config.json object into {@code c} (common keys here, the family's in {@link #readFields}). */
    public static <C extends PretrainedConfig> C parse(C config, ObjectNode root, String source) {
        PretrainedConfig c = config;
        ObjectNode o = root.deepCopy();
        c.initializerRange = new JsonFields(o, source).doubleField("initializer_range", c.initializerRange);
        JsonNode pad = o.get("pad_token_id");
        c.padTokenId = pad == null || pad.isNull() ? c.defaultPadTokenId() : new JsonFields(o, source).intField("pad_token_id", 0);
        JsonNode arch = o.get("architectures");
        if (arch != null && arch.isArray()) arch.forEach(a -> c.architectures.add(a.asText()));

        // labels: id2label wins; then num_labels; then legacy _num_labels; default 2
        JsonNode id2 = o.get("id2label");
        JsonNode l2i = o.get("label2id");
        JsonNode nl = o.get("num_labels");
        JsonNode legacy = o.get("_num_labels");
        Integer numLabels = nl != null && !nl.isNull() ? Integer.valueOf(labelCount(nl, "num_labels", source))
                : legacy != null && !legacy.isNull() ? Integer.valueOf(labelCount(legacy, "_num_labels", source)) : null;
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
        JsonNode pt = o.get("problem_type");
        c.problemType = ProblemType.fromHf(pt == null || pt.isNull() ? null : pt.asText());
        c.problemTypeSource = LossSelection.Source.CONFIG;
        c.checkProblemTypeAgainstLabels();
        c.readFields(new JsonFields(o, source));
        for (Map.Entry<String, Double> d : c.dropouts().entrySet()) {
            double p = d.getValue();
            if (!(p >= 0 && p <= 1)) {
                throw new JTuneException(d.getKey() + " is " + p + " in " + source,
                        "a dropout probability must lie in [0, 1]", "fix " + d.getKey() + " in config.json (0.1 is usual)");
            }
        }
        for (String eps : List.of("layer_norm_eps", "norm_eps")) {
            JsonNode n = o.get(eps);
            if (n != null && n.isNumber() && !(n.asDouble() > 0 && Double.isFinite(n.asDouble()))) {
                throw new JTuneException(eps + " is " + n + " in " + source, eps + " must be a positive number (it keeps LayerNorm from dividing by zero)",
                        "fix " + eps + " in config.json (1e-12 for BERT, 1e-5 for RoBERTa and ModernBERT, 1e-7 for DeBERTa)");
            }
        }
        long params = c.estimatedParameters();
        long physical = physicalMemory();
        if (params > 0 && params > physical / 4) {   // fp32 weights alone
            throw new JTuneException(source + " describes a model of about " + String.format(java.util.Locale.ROOT, "%.1f", params / 1e9)
                    + " billion parameters (" + (params * 4 >> 30) + " GiB of fp32 weights), more than this machine's "
                    + (physical >> 30) + " GiB of memory",
                    "the sizes in config.json (hidden_size, num_hidden_layers, intermediate_size, vocab_size) must describe a model that fits in memory",
                    "check those fields in config.json; they must match the checkpoint");
        }
        for (String k : COMMON_KEYS) o.remove(k);
        c.extra.setAll(o);
        return config;
    }

    private static int labelCount(JsonNode n, String key, String source) {
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1 || n.asInt() > Bounds.MAX_LABELS) {
            throw new JTuneException(key + " is " + n + " in " + source, key + " must be a positive integer no larger than " + Bounds.MAX_LABELS,
                    "fix " + key + " in config.json, or remove it and give id2label");
        }
        return n.asInt();
    }

    /** The config as HF writes it (sorted keys, indent 2). */
    public ObjectNode toJsonNode() {
        ObjectNode o = JSON.createObjectNode();
        o.setAll(extra);
        writeFields(o);
        if (architectures.isEmpty()) o.remove("architectures");
        else {
            var arr = o.putArray("architectures");
            architectures.forEach(arr::add);
        }
        ObjectNode id2 = o.putObject("id2label");
        id2label.forEach((k, v) -> id2.put(String.valueOf(k), v));
        ObjectNode l2i = o.putObject("label2id");
        id2label.forEach((k, v) -> l2i.put(v, k));
        o.put("initializer_range", initializerRange);
        o.put("model_type", modelType());
        o.put("num_labels", numLabels());
        o.put("pad_token_id", padTokenId);
        if (problemType != null) o.put("problem_type", problemType.hfName());
        else o.remove("problem_type");
        if (!o.has("torch_dtype") && !o.has("dtype")) o.put("torch_dtype", "float32");
        ObjectNode sorted = JSON.createObjectNode();
        TreeMap<String, JsonNode> m = new TreeMap<>();
        o.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        m.forEach(sorted::set);
        return sorted;
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

    /**
     * {@code from_pretrained}'s config half: config.json of {@code dir} read by the family's {@code reader}, with the
     * options applied — config overrides (each must name one of the family's {@link #knownKeys}), label names or
     * {@code num_labels}, and an explicit {@code problem_type}.
     */
    public static <C extends PretrainedConfig> C load(Path dir, FromPretrainedOptions opts,
                                                      java.util.function.BiFunction<ObjectNode, String, C> reader) {
        if (!Files.isDirectory(dir)) {
            throw new JTuneException("model folder not found: " + dir + " (CLI --model)",
                    "--model takes a Hugging Face model folder (config.json + weights + tokenizer), a Hub id already in the local "
                            + "Hugging Face cache, or minilm (the built-in all-MiniLM-L6-v2)",
                    "check the path, or download the model with `huggingface-cli download ORG/NAME --local-dir DIR` and pass DIR");
        }
        Path file = dir.resolve("config.json");
        ObjectNode o = readJsonObject(file);
        C config = reader.apply(o, file.toString());
        Map<String, Object> overrides = opts.configOverrides();
        if (overrides != null && !overrides.isEmpty()) {
            for (Map.Entry<String, Object> e : overrides.entrySet()) {
                if (!config.knownKeys().contains(e.getKey())) {
                    throw new JTuneException("config override \"" + e.getKey() + "\" is not a " + config.modelType()
                            + " config field (CLI --config-override)",
                            "overrides must name a config.json key of the model's family: " + config.knownKeys(),
                            "check the spelling, e.g. " + config.dropouts().keySet().stream().findFirst().orElse("hidden_dropout_prob") + "=0.0");
                }
                o.set(e.getKey(), JSON.valueToTree(e.getValue()));
            }
            config = reader.apply(o, file + " (with overrides " + overrides + ")");
        }
        config.applyLabelOptions(opts);
        return config;
    }

    /** Label names or num_labels and an explicit problem type from the options (they win over config.json). */
    public void applyLabelOptions(FromPretrainedOptions opts) {
        if (opts.labelNames() != null) {
            TreeMap<Integer, String> m = new TreeMap<>();
            for (int i = 0; i < opts.labelNames().size(); i++) m.put(i, opts.labelNames().get(i));
            if (opts.numLabels() != null && opts.numLabels() != m.size()) {
                throw new JTuneException("num_labels " + opts.numLabels() + " (CLI --num-labels) disagrees with the " + m.size()
                        + " label names " + opts.labelNames(), "num_labels must equal the number of label names (id2label)",
                        "drop --num-labels or fix the label names");
            }
            setId2Label(m);
        } else if (opts.numLabels() != null) {
            setNumLabels(opts.numLabels());
        }
        if (opts.problemType() != null) setProblemType(opts.problemType());
    }

    /** Largest config.json read (16 MiB). */
    public static final long MAX_CONFIG_BYTES = 16L << 20;

    /** Reads a config.json file as a JSON object (errors name the file and the rule). */
    public static ObjectNode readJsonObject(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new JTuneException("config.json not found: " + file,
                    "a Hugging Face model folder must contain config.json", "pass the folder that holds config.json, model.safetensors and the tokenizer");
        }
        String text;
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw new JTuneException(file + " has " + Files.size(file) + " bytes, more than " + MAX_CONFIG_BYTES,
                        "a config.json is a few KB (a million label names fit in 16 MiB); it is copied into every checkpoint",
                        "regenerate config.json with save_pretrained, or remove what was added to it");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JTuneException("cannot read " + file + ": " + e.getMessage(), "config.json must be a readable UTF-8 file", "check the file's permissions and encoding", e);
        }
        return parseJsonObject(text, file.toString());
    }

    /** Parses config.json text as a JSON object. */
    public static ObjectNode parseJsonObject(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new JTuneException(source + " is not valid JSON (" + dev.jtune.io.Json.describe(e) + ")",
                    "config.json must be a JSON object as written by transformers' save_pretrained", "fix or regenerate config.json");
        }
        if (root == null || !root.isObject()) {
            throw new JTuneException(source + " is not a JSON object", "config.json must be a JSON object", "fix or regenerate config.json");
        }
        return (ObjectNode) root;
    }

    /**
     * Typed reads of config.json fields with HF's defaults; a value of the wrong type is an error naming the key,
     * the file and the fix. Reads never remove keys.
     */
    public static final class JsonFields {
        private final ObjectNode o;
        private final String source;

        public JsonFields(ObjectNode o, String source) {
            this.o = o;
            this.source = source;
        }

        public String source() { return source; }

        public boolean has(String name) { return o.hasNonNull(name); }

        public JsonNode get(String name) { return o.get(name); }

        public int intField(String name, int dflt) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) return dflt;
            if (!n.isNumber() || !n.canConvertToInt() || n.asDouble() != Math.rint(n.asDouble())) {
                throw new JTuneException(name + " is " + n + " in " + source, name + " must be an integer", "fix " + name + " in config.json");
            }
            return n.asInt();
        }

        public double doubleField(String name, double dflt) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) return dflt;
            if (!n.isNumber()) {
                throw new JTuneException(name + " is " + n + " in " + source, name + " must be a number", "fix " + name + " in config.json");
            }
            return n.asDouble();
        }

        /** A number or null (HF's Optional[float]). */
        public Double optionalDouble(String name) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) return null;
            return doubleField(name, 0);
        }

        public String textField(String name, String dflt) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) return dflt;
            if (!n.isTextual()) {
                throw new JTuneException(name + " is " + n + " in " + source, name + " must be a string", "fix " + name + " in config.json");
            }
            return n.asText();
        }

        public boolean boolField(String name, boolean dflt) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) return dflt;
            if (!n.isBoolean()) {
                throw new JTuneException(name + " is " + n + " in " + source, name + " must be true or false", "fix " + name + " in config.json");
            }
            return n.asBoolean();
        }

        /** A list of strings, a single string as a one-element list (HF accepts "c2p|p2c" too: split on '|'). */
        public List<String> stringList(String name, List<String> dflt) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) return dflt;
            List<String> out = new ArrayList<>();
            if (n.isTextual()) {
                for (String s : n.asText().split("\\|")) if (!s.isBlank()) out.add(s.trim().toLowerCase(java.util.Locale.ROOT));
                return out;
            }
            if (!n.isArray()) {
                throw new JTuneException(name + " is " + n + " in " + source, name + " must be a list of strings", "fix " + name + " in config.json");
            }
            n.forEach(x -> out.add(x.asText()));
            return out;
        }

        /** A count that may be 0 (e.g. {@code type_vocab_size}), with an upper bound checked before anything is allocated. */
        public int countField(String name, int dflt, int max) {
            int v = intField(name, dflt);
            if (v < 0 || v > max) {
                throw new JTuneException(name + " is " + v + " in " + source,
                        name + " must be an integer from 0 to " + max + " (a larger value cannot be a real encoder)",
                        "fix " + name + " in config.json");
            }
            return v;
        }

        /** A positive size with an upper bound checked before anything is allocated. */
        public int sizeField(String name, int dflt, int max) {
            int v = intField(name, dflt);
            if (v <= 0 || v > max) {
                throw new JTuneException(name + " is " + v + " in " + source,
                        name + " must be a positive integer no larger than " + max + " (a larger value cannot be a real encoder)",
                        "fix " + name + " in config.json");
            }
            return v;
        }
    }
}
