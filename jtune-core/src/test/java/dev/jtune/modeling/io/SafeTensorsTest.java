package dev.jtune.modeling.io;

import dev.jtune.JTuneException;
import dev.jtune.io.DType;
import dev.jtune.io.RawTensor;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path tmp;

    static RawTensor tensor(DType dtype, long[] shape, byte[] bytes) {
        return new RawTensor(dtype, shape, ByteBuffer.wrap(bytes));
    }

    static Map<String, RawTensor> sample() {
        Map<String, RawTensor> t = new LinkedHashMap<>();
        t.put("z.weight", RawTensor.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}));
        t.put("a.half", tensor(DType.F16, new long[] {2}, new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0})); // 1, -2
        t.put("m.bf16", tensor(DType.BF16, new long[] {1}, new byte[] {(byte) 0x80, 0x3f}));            // 1.0
        t.put("ids", tensor(DType.I64, new long[] {3}, TorchCheckpoints.longsLe(7, -1, 1L << 40)));
        t.put("empty", tensor(DType.F32, new long[] {0, 4}, new byte[0]));
        return t;
    }

    @Test
    void roundTripKeepsValuesMetadataSortedKeysAndAlignment() throws IOException {
        Path f = tmp.resolve("model.safetensors");
        SafeTensors.write(f, sample(), Map.of("note", "hello"));
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8, "header length is a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\",\"note\":\"hello\"}"), header);
        assertTrue(header.indexOf("\"a.half\"") < header.indexOf("\"empty\"")
                && header.indexOf("\"empty\"") < header.indexOf("\"ids\"")
                && header.indexOf("\"m.bf16\"") < header.indexOf("\"z.weight\""), header);
        assertEquals(8 + n + 6 * 4 + 4 + 2 + 24, bytes.length);

        SafeTensors.SafeTensorsFile back = SafeTensors.read(f);
        assertEquals(List.of("a.half", "empty", "ids", "m.bf16", "z.weight"), new ArrayList<>(back.tensors().keySet()));
        assertEquals(Map.of("format", "pt", "note", "hello"), back.metadata());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, back.tensors().get("z.weight").toFloatArray());
        assertArrayEquals(new long[] {2, 3}, back.tensors().get("z.weight").shape());
        assertArrayEquals(new float[] {1, -2}, back.tensors().get("a.half").toFloatArray());
        assertArrayEquals(new float[] {1}, back.tensors().get("m.bf16").toFloatArray());
        assertEquals(1L << 40, back.tensors().get("ids").data().getLong(16));
        assertEquals(-1L, back.tensors().get("ids").data().getLong(8));
        assertArrayEquals(new long[] {0, 4}, back.tensors().get("empty").shape());

        Path again = tmp.resolve("again.safetensors");
        SafeTensors.write(again, back.tensors(), back.metadata());
        assertArrayEquals(bytes, Files.readAllBytes(again), "write(read(f)) is byte-identical");
        try (var files = Files.list(tmp)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void readsTinyBertFixture() {
        SafeTensors.SafeTensorsFile f = SafeTensors.read(Fixtures.model("tiny-bert").resolve("model.safetensors"));
        assertEquals(39, f.tensors().size());
        assertEquals(Map.of("format", "pt"), f.metadata());
        RawTensor word = f.tensors().get("bert.embeddings.word_embeddings.weight");
        assertArrayEquals(new long[] {30522, 32}, word.shape());
        assertEquals(DType.F32, word.dtype());
        float[] w = word.toFloatArray();
        for (int i = 0; i < 32; i++) assertEquals(0f, w[i], "[PAD] row is zero");
        assertTrue(w[32] != 0f);
        assertArrayEquals(new long[] {37, 32}, f.tensors().get("bert.encoder.layer.1.intermediate.dense.weight").shape());
        assertArrayEquals(new long[] {32, 32}, f.tensors().get("bert.pooler.dense.weight").shape());
    }

    @Test
    void readsColdfireFixtureWithoutMetadata() {
        SafeTensors.SafeTensorsFile f = SafeTensors.read(Fixtures.model("coldfire-tiny-bert").resolve("model.safetensors"));
        assertEquals(37, f.tensors().size()); // 5 embedding tensors + 2 layers x 16
        assertTrue(f.metadata().isEmpty());
        assertTrue(f.tensors().keySet().stream().noneMatch(k -> k.startsWith("bert.") || k.startsWith("pooler.")));
        assertArrayEquals(new long[] {256, 32}, f.tensors().get("embeddings.word_embeddings.weight").shape());
        assertArrayEquals(new long[] {32, 64}, f.tensors().get("encoder.layer.1.output.dense.weight").shape());
    }

    @Test
    void shardedIndexLoadsAllShardsAndChecksTheMap() throws IOException {
        Map<String, RawTensor> all = sample();
        Path index = SafeTensorsIndex.writeSafetensors(tmp, all, 30);
        List<Path> shards = SafeTensorsIndex.read(index).shardFiles();
        assertTrue(shards.size() >= 2, "split into several shards: " + shards);
        LoadedWeights w = WeightFiles.load(tmp);
        assertEquals(LoadedWeights.SAFETENSORS_SHARDED, w.format());
        assertEquals(all.keySet(), w.tensors().keySet());
        assertArrayEquals(all.get("z.weight").toFloatArray(), w.tensors().get("z.weight").toFloatArray());

        // a key mapped to a shard that does not hold it
        String json = Files.readString(index).replace("\"z.weight\" : \"" + shards.get(shards.size() - 1).getFileName(),
                "\"z.weight\" : \"" + shards.get(0).getFileName());
        Files.writeString(index, json);
        JTuneException e = assertThrows(JTuneException.class, () -> WeightFiles.load(tmp));
        assertTrue(e.getMessage().contains("z.weight"), e.getMessage());
    }

    @Test
    void shardNamesMustStayInsideTheFolder() throws IOException {
        for (String bad : List.of("../evil.safetensors", "/etc/passwd", "sub/x.safetensors", "..")) {
            Path index = tmp.resolve(SafeTensorsIndex.SAFETENSORS_INDEX);
            Files.writeString(index, "{\"metadata\":{},\"weight_map\":{\"w\":\"" + bad + "\"}}");
            JTuneException e = assertThrows(JTuneException.class, () -> SafeTensorsIndex.read(index));
            assertTrue(e.getMessage().contains("plain file names"), e.getMessage());
        }
    }

    @Test
    void weightFilesPrefersSafetensorsAndExplainsAnEmptyFolder() throws IOException {
        JTuneException none = assertThrows(JTuneException.class, () -> WeightFiles.load(tmp));
        assertTrue(none.getMessage().contains("model.safetensors") && none.getMessage().contains("pytorch_model.bin"),
                none.getMessage());
        Files.writeString(tmp.resolve("config.json"), "{}");
        none = assertThrows(JTuneException.class, () -> WeightFiles.load(tmp));
        assertTrue(none.getMessage().contains("config.json"), "lists the files found: " + none.getMessage());

        Files.write(tmp.resolve("pytorch_model.bin"), TorchCheckpoints.sample());
        assertEquals(LoadedWeights.PYTORCH, WeightFiles.load(tmp).format());
        SafeTensors.write(tmp.resolve("model.safetensors"), sample(), null);
        LoadedWeights w = WeightFiles.load(tmp);
        assertEquals(LoadedWeights.SAFETENSORS, w.format());
        assertEquals(List.of(tmp.resolve("model.safetensors")), w.files());
    }
}
