package dev.jtune.modeling.io;

import dev.jtune.JTuneException;
import dev.jtune.io.DType;
import dev.jtune.io.RawTensor;
import dev.jtune.modeling.io.TorchCheckpoints.Pickle;
import dev.jtune.modeling.io.TorchCheckpoints.Tensor;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchPickleTest {
    @TempDir
    Path tmp;

    @Test
    void readsCamphrPytorchModelBin() {
        Path bin = Fixtures.model("camphr-tiny-bert-ner").resolve("pytorch_model.bin");
        Map<String, RawTensor> t = TorchPickle.read(bin);
        Set<String> expected = new TreeSet<>(List.of("bert.embeddings.position_ids",
                "bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
                "bert.embeddings.token_type_embeddings.weight", "bert.embeddings.LayerNorm.weight",
                "bert.embeddings.LayerNorm.bias", "classifier.weight", "classifier.bias"));
        for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
                "output.LayerNorm")) {
            expected.add("bert.encoder.layer.0." + m + ".weight");
            expected.add("bert.encoder.layer.0." + m + ".bias");
        }
        assertEquals(expected, new TreeSet<>(t.keySet()));
        assertEquals("bert.embeddings.position_ids", t.keySet().iterator().next(), "file order kept");

        RawTensor ids = t.get("bert.embeddings.position_ids");
        assertEquals(DType.I64, ids.dtype());
        assertArrayEquals(new long[] {1, 16}, ids.shape());
        for (int i = 0; i < 16; i++) assertEquals(i, ids.data().getLong(i * 8), "position_ids = arange(16)");

        RawTensor word = t.get("bert.embeddings.word_embeddings.weight");
        assertEquals(DType.F32, word.dtype());
        assertArrayEquals(new long[] {402, 16}, word.shape());
        float[] w = word.toFloatArray();
        for (int i = 0; i < 16; i++) assertEquals(0f, w[i], "[PAD] row is zero");
        // last two floats of archive/data/1, read independently with Python's struct module
        assertEquals(0.017570042982697487f, w[w.length - 2]);
        assertEquals(0.01277567446231842f, w[w.length - 1]);

        assertArrayEquals(new long[] {16, 64}, t.get("bert.encoder.layer.0.output.dense.weight").shape());
        assertArrayEquals(new long[] {64, 16}, t.get("bert.encoder.layer.0.intermediate.dense.weight").shape());
        assertArrayEquals(new long[] {9, 16}, t.get("classifier.weight").shape());
        assertArrayEquals(new long[] {16, 16}, t.get("bert.embeddings.position_embeddings.weight").shape());
        assertArrayEquals(new long[] {2, 16}, t.get("bert.embeddings.token_type_embeddings.weight").shape());
        float[] ln = t.get("bert.embeddings.LayerNorm.weight").toFloatArray();
        for (float v : ln) assertTrue(v > 0.5f && v < 1.5f, "LayerNorm weights near 1: " + v);
    }

    @Test
    void honoursOffsetsStridesAndSharedStorages() throws IOException {
        Map<String, RawTensor> t = TorchPickle.read(TorchCheckpoints.write(tmp, "m.bin", TorchCheckpoints.sample()));
        assertEquals(List.of("a.weight", "a.weight_t", "b.bias", "ids"), List.copyOf(t.keySet()));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.get("a.weight").toFloatArray());
        assertArrayEquals(new long[] {3, 2}, t.get("a.weight_t").shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.get("a.weight_t").toFloatArray(), "transposed view");
        assertArrayEquals(new float[] {12, 13, 14}, t.get("b.bias").toFloatArray(), "offset view");
        assertEquals(3, t.get("ids").data().getLong(24));
    }

    @Test
    void anyTopLevelFolderName() throws IOException {
        byte[] pkl = TorchCheckpoints.stateDictPickle(List.of(Tensor.contiguous("w", "HalfStorage", "0", 2)));
        byte[] zip = TorchCheckpoints.zip("my_model", pkl, Map.of("0", new byte[] {0x00, 0x3c, 0x00, 0x40}));
        RawTensor w = TorchPickle.read(TorchCheckpoints.write(tmp, "m.bin", zip)).get("w");
        assertEquals(DType.F16, w.dtype());
        assertArrayEquals(new float[] {1, 2}, w.toFloatArray());
    }

    @Test
    void refusesOsSystemBeforeAnythingRuns() throws IOException {
        Path marker = tmp.resolve("pwned");
        byte[] pkl = new Pickle().proto().global("os", "system").mark().str("touch " + marker).tuple().reduce()
                .op('.').bytes();
        Path bin = TorchCheckpoints.write(tmp, "evil.bin", TorchCheckpoints.zip("archive", pkl, Map.of()));
        JTuneException e = assertThrows(JTuneException.class, () -> TorchPickle.read(bin));
        assertTrue(e.getMessage().contains("refuses to load") && e.getMessage().contains("os.system")
                && e.getMessage().contains("weights_only=True"), e.getMessage());
        assertFalse(Files.exists(marker), "the command never ran");
    }

    @Test
    void refusesGlobalsNamedThroughStackGlobal() throws IOException {
        byte[] pkl = new Pickle().proto().str("builtins").str("eval").op(0x93).mark().str("1+1").tuple().reduce()
                .op('.').bytes();
        Path bin = TorchCheckpoints.write(tmp, "evil.bin", TorchCheckpoints.zip("archive", pkl, Map.of()));
        JTuneException e = assertThrows(JTuneException.class, () -> TorchPickle.read(bin));
        assertTrue(e.getMessage().contains("builtins.eval"), e.getMessage());
    }

    @Test
    void refusesAStorageTypeOutsideTorch() throws IOException {
        byte[] pkl = new Pickle().proto().global("subprocess", "FloatStorage").op('.').bytes();
        Path bin = TorchCheckpoints.write(tmp, "evil.bin", TorchCheckpoints.zip("archive", pkl, Map.of()));
        JTuneException e = assertThrows(JTuneException.class, () -> TorchPickle.read(bin));
        assertTrue(e.getMessage().contains("subprocess.FloatStorage"), e.getMessage());
    }

    @Test
    void refusesZipSlipEntries() throws IOException {
        byte[] pkl = TorchCheckpoints.stateDictPickle(List.of(Tensor.contiguous("w", "FloatStorage", "0", 1)));
        for (String evil : List.of("../../etc/cron.d/x", "/etc/passwd", "archive/../../x")) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put("archive/data.pkl", pkl);
            entries.put("archive/data/0", TorchCheckpoints.floats(1));
            entries.put(evil, new byte[] {1});
            Path bin = TorchCheckpoints.write(tmp, "slip.bin", TorchCheckpoints.zipEntries(entries));
            JTuneException e = assertThrows(JTuneException.class, () -> TorchPickle.read(bin));
            assertTrue(e.getMessage().contains("zip-slip"), e.getMessage());
        }
    }

    @Test
    void refusesLegacyFormatClearly() throws IOException {
        byte[] legacy = new Pickle().proto().op(0x8a).op(10).op('.').bytes();
        JTuneException e = assertThrows(JTuneException.class,
                () -> TorchPickle.read(TorchCheckpoints.write(tmp, "old.bin", legacy)));
        assertTrue(e.getMessage().contains("legacy"), e.getMessage());
    }

    @Test
    void refusesAStorageShorterThanItsClaim() throws IOException {
        byte[] pkl = TorchCheckpoints.stateDictPickle(List.of(
                new Tensor("w", "FloatStorage", "0", 1_000_000_000L, 0, new long[] {4}, new long[] {1})));
        byte[] zip = TorchCheckpoints.zip("archive", pkl, Map.of("0", TorchCheckpoints.floats(1, 2, 3, 4)));
        JTuneException e = assertThrows(JTuneException.class,
                () -> TorchPickle.read(TorchCheckpoints.write(tmp, "m.bin", zip)));
        assertTrue(e.getMessage().contains("should hold 4000000000 bytes"), e.getMessage());
    }

    @Test
    void refusesAViewOutsideItsStorage() throws IOException {
        byte[] pkl = TorchCheckpoints.stateDictPickle(List.of(
                new Tensor("w", "FloatStorage", "0", 4, 2, new long[] {4}, new long[] {1})));
        byte[] zip = TorchCheckpoints.zip("archive", pkl, Map.of("0", TorchCheckpoints.floats(1, 2, 3, 4)));
        JTuneException e = assertThrows(JTuneException.class,
                () -> TorchPickle.read(TorchCheckpoints.write(tmp, "m.bin", zip)));
        assertTrue(e.getMessage().contains("reaches element 5"), e.getMessage());
    }

    @Test
    void refusesAMissingStorageEntry() throws IOException {
        byte[] pkl = TorchCheckpoints.stateDictPickle(List.of(Tensor.contiguous("w", "FloatStorage", "7", 2)));
        byte[] zip = TorchCheckpoints.zip("archive", pkl, Map.of());
        JTuneException e = assertThrows(JTuneException.class,
                () -> TorchPickle.read(TorchCheckpoints.write(tmp, "m.bin", zip)));
        assertTrue(e.getMessage().contains("archive/data/7 is missing"), e.getMessage());
    }

    // ---- amplification budgets (issue 16): small files that would build millions of objects or copy gigabytes

    @Test
    void refusesAPickleThatMemoizesMillionsOfDicts() throws IOException {
        Pickle p = new Pickle().proto();
        for (int i = 0; i <= PickleMachine.MAX_MEMO; i++) p.op('}').op(0x94).op('0');
        byte[] pkl = p.op('}').op('.').bytes();
        Path bin = TorchCheckpoints.write(tmp, "memo.bin", TorchCheckpoints.zip("archive", pkl, Map.of()));
        JTuneException e = assertThrows(JTuneException.class, () -> TorchPickle.read(bin));
        assertTrue(e.getMessage().contains("more than " + PickleMachine.MAX_MEMO + " memo entries"), e.getMessage());
    }

    @Test
    void refusesAPickleThatBuildsMillionsOfValues() throws IOException {
        Pickle p = new Pickle().proto();
        for (int i = 0; i <= PickleMachine.MAX_PUSHES; i++) p.op('}').op('0');
        byte[] pkl = p.op('}').op('.').bytes();
        Path bin = TorchCheckpoints.write(tmp, "pushes.bin", TorchCheckpoints.zip("archive", pkl, Map.of()));
        JTuneException e = assertThrows(JTuneException.class, () -> TorchPickle.read(bin));
        assertTrue(e.getMessage().contains("values built"), e.getMessage());
    }

    @Test
    void refusesThousandsOfTransposedViewsOfOneStorage() throws IOException {
        int n = 1 << 20; // a 4 MiB storage; each transposed view would copy all of it
        List<Tensor> views = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) views.add(new Tensor("w" + i, "FloatStorage", "0", n, 0, new long[] {1024, 1024}, new long[] {1, 1024}));
        byte[] zip = TorchCheckpoints.zip("archive", TorchCheckpoints.stateDictPickle(views), Map.of("0", new byte[4 * n]));
        JTuneException e = assertThrows(JTuneException.class, () -> TorchPickle.read(TorchCheckpoints.write(tmp, "views.bin", zip)));
        assertTrue(e.getMessage().contains("strided views copy"), e.getMessage());
        // a few transposed views (what real checkpoints have) still load, with the right values
        byte[] ok = TorchCheckpoints.zip("archive", TorchCheckpoints.stateDictPickle(views.subList(0, 2)), Map.of("0", new byte[4 * n]));
        assertEquals(2, TorchPickle.read(TorchCheckpoints.write(tmp, "two.bin", ok)).size());
    }
}
