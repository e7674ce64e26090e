package dev.jtune.modeling.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;
import dev.jtune.io.DType;
import dev.jtune.io.RawTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxBertImporterTest {
    private static final List<String> LINEARS = List.of("attention.self.query", "attention.self.key",
            "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense");
    private static Map<String, RawTensor> imported;

    @TempDir
    Path tmp;

    @BeforeAll
    static void importOnce() throws IOException {
        try (InputStream in = OnnxBertImporterTest.class.getClassLoader().getResourceAsStream(BuiltinModels.ONNX_RESOURCE)) {
            assertNotNull(in, "the langchain4j all-MiniLM-L6-v2 artifact is on the test classpath");
            imported = OnnxBertImporter.importBert(in);
        }
    }

    @Test
    void namesAllThirtySixLinearWeightsWithHfShapes() {
        int named = 0;
        for (int layer = 0; layer < 6; layer++) {
            for (String linear : LINEARS) {
                String prefix = "encoder.layer." + layer + "." + linear;
                RawTensor w = imported.get(prefix + ".weight");
                RawTensor b = imported.get(prefix + ".bias");
                assertNotNull(w, prefix + ".weight");
                assertNotNull(b, prefix + ".bias");
                long out = linear.equals("intermediate.dense") ? 1536 : 384;
                long in = linear.equals("output.dense") ? 1536 : 384;
                assertArrayEquals(new long[] {out, in}, w.shape(), prefix);
                assertArrayEquals(new long[] {out}, b.shape(), prefix);
                assertEquals(DType.F32, w.dtype());
                named++;
            }
        }
        assertEquals(36, named);
        assertArrayEquals(new long[] {1536, 384}, imported.get("encoder.layer.0.intermediate.dense.weight").shape());
    }

    @Test
    void keepsEmbeddingsAndLayerNormsAndNothingElse() {
        assertArrayEquals(new long[] {30522, 384}, imported.get("embeddings.word_embeddings.weight").shape());
        assertArrayEquals(new long[] {512, 384}, imported.get("embeddings.position_embeddings.weight").shape());
        assertArrayEquals(new long[] {2, 384}, imported.get("embeddings.token_type_embeddings.weight").shape());
        assertArrayEquals(new long[] {384}, imported.get("embeddings.LayerNorm.weight").shape());
        // 5 embedding tensors + 6 layers x (6 linears x 2 + 2 LayerNorms x 2)
        assertEquals(5 + 6 * 16, imported.size());
        assertTrue(imported.keySet().stream().allMatch(k -> k.startsWith("embeddings.") || k.startsWith("encoder.")),
                imported.keySet().toString());
        assertFalse(imported.containsKey("embeddings.position_ids"));
    }

    @Test
    void namesAndTransposesMatMulWeightsOfAHandBuiltGraph() {
        // W is [in=2, out=3] as the export stores it; the HF weight must be its transpose [3, 2].
        byte[] w = TorchCheckpoints.floats(1, 2, 3, 4, 5, 6);
        byte[] b = TorchCheckpoints.floats(0.5f, 0.25f, 0.125f);
        byte[] graph = concat(
                field(1, node("MatMul", List.of("x", "onnx::MatMul_9"), "mm")),
                field(1, node("Add", List.of("encoder.layer.0.output.dense.bias", "mm"), "y")), // bias first
                field(5, tensor("onnx::MatMul_9", new long[] {2, 3}, w)),
                field(5, tensor("encoder.layer.0.output.dense.bias", new long[] {3}, b)));
        byte[] model = concat(field(1, varint(7)), field(7, graph)); // ir_version, graph
        Map<String, RawTensor> t = OnnxBertImporter.importBert(new ByteArrayInputStream(model));
        assertEquals(List.of("encoder.layer.0.output.dense.bias", "encoder.layer.0.output.dense.weight"),
                List.copyOf(t.keySet()));
        RawTensor weight = t.get("encoder.layer.0.output.dense.weight");
        assertArrayEquals(new long[] {3, 2}, weight.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, weight.toFloatArray());
        assertArrayEquals(new float[] {0.5f, 0.25f, 0.125f}, t.get("encoder.layer.0.output.dense.bias").toFloatArray());
    }

    @Test
    void anUnnamableMatMulWeightIsRefused() {
        byte[] graph = concat(
                field(1, node("MatMul", List.of("x", "onnx::MatMul_9"), "mm")),
                field(1, node("Relu", List.of("mm"), "y")),
                field(5, tensor("onnx::MatMul_9", new long[] {1, 1}, TorchCheckpoints.floats(1))));
        JTuneException e = assertThrows(JTuneException.class,
                () -> OnnxBertImporter.importBert(new ByteArrayInputStream(field(7, graph))));
        assertTrue(e.getMessage().contains("onnx::MatMul_9"), e.getMessage());
    }

    // ---- a minimal protobuf writer for the hand-built graphs ----

    private static byte[] node(String op, List<String> inputs, String output) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String in : inputs) out.writeBytes(field(1, utf8(in)));
        out.writeBytes(field(2, utf8(output)));
        out.writeBytes(field(4, utf8(op)));
        return out.toByteArray();
    }

    private static byte[] tensor(String name, long[] dims, byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long d : dims) out.writeBytes(concat(varint(1 << 3), varint(d)));
        out.writeBytes(concat(varint(2 << 3), varint(1))); // FLOAT
        out.writeBytes(field(8, utf8(name)));
        out.writeBytes(field(9, raw));
        return out.toByteArray();
    }

    private static byte[] field(int number, byte[] payload) {
        return concat(varint((long) number << 3 | 2), varint(payload.length), payload);
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    @Test
    void importedWeightsGiveTheKnownSentenceTransformersEmbedding() throws IOException {
        // An independent float64 BertModel forward in plain Java over the imported tensors; mean pooling and L2
        // normalisation as sentence-transformers does. Expected: the published all-MiniLM-L6-v2 values.
        JsonNode vocab;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(BuiltinModels.TOKENIZER_RESOURCE)) {
            vocab = new ObjectMapper().readTree(in).get("model").get("vocab");
        }
        int[] ids = {101, vocab.get("this").asInt(), vocab.get("is").asInt(), vocab.get("an").asInt(),
                vocab.get("example").asInt(), vocab.get("sentence").asInt(), 102};
        double[][] x = MiniBert.forward(imported, ids, 6, 12);
        double[] mean = new double[384];
        for (double[] row : x) for (int i = 0; i < 384; i++) mean[i] += row[i] / ids.length;
        double norm = 0;
        for (double v : mean) norm += v * v;
        norm = Math.sqrt(norm);
        double[] expected = {0.0676569, 0.0634960, 0.0487131, 0.0793050};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], mean[i] / norm, 1e-5, "dim " + i);
    }

    @Test
    void malformedOnnxIsAJTuneException() {
        byte[] junk = {0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2};
        assertThrows(JTuneException.class, () -> OnnxBertImporter.importBert(new ByteArrayInputStream(junk)));
        assertThrows(JTuneException.class, () -> OnnxBertImporter.importBert(new ByteArrayInputStream(new byte[0])));
    }

    @Test
    void builtinFolderIsAHuggingFaceModelFolder() throws IOException {
        Path dir = BuiltinModels.allMiniLmL6V2(tmp);
        assertEquals(tmp.resolve("sentence-transformers--all-MiniLM-L6-v2"), dir);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "vocab.txt", "special_tokens_map.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(dir.resolve("config.json").toFile());
        assertEquals("bert", config.get("model_type").asText());
        assertEquals("BertModel", config.get("architectures").get(0).asText());
        assertEquals(30522, config.get("vocab_size").asInt());
        assertEquals(384, config.get("hidden_size").asInt());
        assertEquals(6, config.get("num_hidden_layers").asInt());
        assertEquals(12, config.get("num_attention_heads").asInt());
        assertEquals(1536, config.get("intermediate_size").asInt());
        assertEquals(512, config.get("max_position_embeddings").asInt());
        assertEquals(2, config.get("type_vocab_size").asInt());
        assertEquals(1e-12, config.get("layer_norm_eps").asDouble());

        JsonNode tok = json.readTree(dir.resolve("tokenizer.json").toFile());
        assertTrue(tok.get("truncation").isNull() && tok.get("padding").isNull());
        List<String> vocab = Files.readAllLines(dir.resolve("vocab.txt"));
        assertEquals(30522, vocab.size());
        assertEquals("[PAD]", vocab.get(0));
        assertEquals("[CLS]", vocab.get(101));
        assertEquals("[SEP]", vocab.get(102));
        assertEquals(tok.get("model").get("vocab").get("hello").asInt(), vocab.indexOf("hello"));
        assertTrue(json.readTree(dir.resolve("tokenizer_config.json").toFile()).get("do_lower_case").asBoolean());

        LoadedWeights w = WeightFiles.load(dir);
        assertEquals(imported.keySet(), w.tensors().keySet());
        assertArrayEquals(imported.get("encoder.layer.3.output.dense.weight").toFloatArray(),
                w.tensors().get("encoder.layer.3.output.dense.weight").toFloatArray());

        long stamp = Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis();
        assertEquals(dir, BuiltinModels.allMiniLmL6V2(tmp), "second call reuses the folder");
        assertEquals(stamp, Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis());
        try (var entries = Files.list(tmp)) {
            assertEquals(1, entries.count(), "no temporary folders left behind");
        }
    }

    @Test
    void hubCacheResolvesRefsMainElseNewestSnapshot() throws IOException {
        Path repo = tmp.resolve("models--org--name");
        Path old = Files.createDirectories(repo.resolve("snapshots/aaa111"));
        Path main = Files.createDirectories(repo.resolve("snapshots/bbb222"));
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(2_000_000_000_000L));
        assertEquals(old, HubCache.resolve("org/name", tmp).orElseThrow(), "newest snapshot without refs/main");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), "bbb222\n");
        assertEquals(main, HubCache.resolve("org/name", tmp).orElseThrow());
        assertTrue(HubCache.resolve("org/other", tmp).isEmpty());
        assertTrue(HubCache.resolve("../etc", tmp).isEmpty());
        assertTrue(HubCache.resolve("/abs/path", tmp).isEmpty());
        assertSame(true, HubCache.resolve("name-only", tmp).isEmpty());
    }
}
