package dev.jtune.torch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.modeling.AttentionImplementation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine probe's per-machine cache: written on first use, reused on the second (no probe), measured again when
 * the machine key changes (a fake /proc/cpuinfo), a corrupt file ignored and rewritten; AUTO follows what was resolved.
 */
class EngineChoicesTest {
    @TempDir
    Path dir;

    private final AtomicInteger calls = new AtomicInteger();
    private EngineChoices.Probe saved;
    private Path cache;

    /** A probe that "measures" eager faster for training with dropout, SDPA otherwise, and counts its calls. */
    private EngineChoices.Attention fake(boolean bf16) {
        calls.incrementAndGet();
        return new EngineChoices.Attention(bf16 ? "bf16" : "fp32", true, false, true,
                Map.of("train_sdpa", 1.0, "train_eager", 2.0, "train_dropout_sdpa", 3.0, "train_dropout_eager", 2.5,
                        "inference_sdpa", 0.5, "inference_eager", 1.0));
    }

    @BeforeEach
    void setUp() throws IOException {
        saved = EngineChoices.probe;
        EngineChoices.probe = this::fake;
        cache = dir.resolve("sub/engine-choices.json");
        System.setProperty("jtune.engine.cache", cache.toString());
        cpu("Fake CPU A @ 2.0GHz", "fpu sse2 avx avx2 fma");
        EngineChoices.forget();
    }

    @AfterEach
    void tearDown() {
        EngineChoices.probe = saved;
        EngineChoices.forget();
        System.clearProperty("jtune.cpuinfo");
        System.clearProperty("jtune.engine.cache");
        System.clearProperty("jtune.probe");
    }

    private void cpu(String model, String flags) throws IOException {
        Path f = dir.resolve("cpuinfo-" + Math.abs((model + flags).hashCode()));
        Files.writeString(f, "processor\t: 0\nvendor_id\t: X\nmodel name\t: " + model + "\nflags\t\t: " + flags + "\n\n");
        System.setProperty("jtune.cpuinfo", f.toString());
    }

    private JsonNode cacheJson() throws IOException {
        return new ObjectMapper().readTree(cache.toFile());
    }

    /** The file's machine keys, oldest first. */
    private List<String> keys() throws IOException {
        List<String> k = new java.util.ArrayList<>();
        cacheJson().path("machines").fieldNames().forEachRemaining(k::add);
        return k;
    }

    /** The one entry whose key names this CPU model. */
    private JsonNode entry(String model) throws IOException {
        JsonNode found = null;
        for (String k : keys()) {
            if (k.contains("cpu=" + model + ";")) {
                assertNull(found, "one entry per key");
                found = cacheJson().path("machines").path(k);
            }
        }
        assertNotNull(found, "an entry for " + model + " in " + keys());
        return found;
    }

    @Test
    void writtenOnFirstUseAndReusedWithoutProbing() throws IOException {
        EngineChoices.Choices first = EngineChoices.forRun(false);
        assertEquals(EngineChoices.Source.PROBE, first.source());
        assertEquals(1, calls.get());
        assertTrue(Files.isRegularFile(cache), "the cache file is written (its folder created)");
        assertEquals(1, keys().size(), keys().toString());
        assertTrue(keys().get(0).contains(";threads="), keys().toString());
        JsonNode j = entry("Fake CPU A @ 2.0GHz");
        assertFalse(j.path("attention").path("fp32").path("sdpa_training_with_dropout").asBoolean(true));
        assertEquals(2.5, j.path("attention").path("fp32").path("millis").path("train_dropout_eager").asDouble());

        // the same process asks again: memory, no probe
        assertSame(first, EngineChoices.forRun(false));
        // a new process (forget): read from the file, no probe, the same decisions
        EngineChoices.forget();
        EngineChoices.Choices second = EngineChoices.forRun(false);
        assertEquals(EngineChoices.Source.CACHE, second.source());
        assertEquals(1, calls.get(), "the second use runs no probe");
        assertEquals(first.attention(), second.attention());
        assertTrue(second.describe().contains("from the cache"), second.describe());

        // the other dtype is measured once and added to the same file, the first entry kept
        EngineChoices.forget();
        assertEquals(EngineChoices.Source.PROBE, EngineChoices.forRun(true).source());
        assertEquals(2, calls.get());
        assertTrue(entry("Fake CPU A @ 2.0GHz").path("attention").path("fp32").isObject());
        assertTrue(entry("Fake CPU A @ 2.0GHz").path("attention").path("bf16").isObject());
    }

    @Test
    void anotherMachineKeyIsProbedAndKeptBesideTheFirst() throws IOException {
        EngineChoices.forRun(false);
        assertEquals(1, calls.get());
        cpu("Fake CPU B (AMD)", "fpu sse2 avx avx2 fma");
        EngineChoices.forget();
        assertEquals(EngineChoices.Source.PROBE, EngineChoices.forRun(false).source());
        assertEquals(2, calls.get(), "another CPU model: measured");
        entry("Fake CPU B (AMD)");

        // the same model name with other flags (e.g. under JTUNE_CPU_ISA=avx2) is another key too
        cpu("Fake CPU B (AMD)", "fpu sse2 avx avx2 fma avx512f");
        EngineChoices.forget();
        assertEquals(EngineChoices.Source.PROBE, EngineChoices.forRun(false).source());
        assertEquals(3, calls.get(), "other CPU flags: measured");
        assertEquals(3, keys().size(), keys().toString());

        // going back to an earlier key reads its entry: no probe
        cpu("Fake CPU A @ 2.0GHz", "fpu sse2 avx avx2 fma");
        EngineChoices.forget();
        assertEquals(EngineChoices.Source.CACHE, EngineChoices.forRun(false).source());
        assertEquals(3, calls.get(), "CPU A's entry was kept");
    }

    @Test
    void theOldestKeysGoBeyondTheLimit() throws IOException {
        for (int i = 0; i < EngineChoices.MAX_KEYS + 2; i++) {
            cpu("Fake CPU " + i, "fpu avx2");
            EngineChoices.forget();
            EngineChoices.forRun(false);
        }
        List<String> k = keys();
        assertEquals(EngineChoices.MAX_KEYS, k.size());
        assertTrue(k.get(0).contains("cpu=Fake CPU 2;"), "the two oldest went: " + k);
        assertTrue(k.get(k.size() - 1).contains("cpu=Fake CPU " + (EngineChoices.MAX_KEYS + 1) + ";"), k.toString());
    }

    @Test
    void aCorruptCacheIsIgnoredAndRewritten() throws IOException {
        Files.createDirectories(cache.getParent());
        for (String bad : new String[] {"{not json", "[1, 2]", "", "{\"format\": 1, \"key\": \"x\"}", "{\"format\": 2, \"machines\": 3}"}) {
            Files.writeString(cache, bad);
            EngineChoices.forget();
            EngineChoices.Choices c = EngineChoices.forRun(false);
            assertEquals(EngineChoices.Source.PROBE, c.source(), "content " + bad);
            assertTrue(entry("Fake CPU A @ 2.0GHz").path("attention").path("fp32").path("sdpa_training").asBoolean(false), "rewritten after " + bad);
        }
        // a right key with a damaged entry is measured again, too
        String text = Files.readString(cache).replace("\"sdpa_inference\" : true", "\"sdpa_inference\" : \"yes\"");
        Files.writeString(cache, text);
        int before = calls.get();
        EngineChoices.forget();
        assertEquals(EngineChoices.Source.PROBE, EngineChoices.forRun(false).source());
        assertEquals(before + 1, calls.get());
    }

    @Test
    void autoFollowsTheResolvedChoiceAndForcedPathsDoNot() {
        EngineChoices.forRun(false); // fake: eager for training with attention dropout, SDPA otherwise
        assertFalse(AttentionImplementation.AUTO.useSdpa(true, false, true));
        assertTrue(AttentionImplementation.AUTO.useSdpa(true, false, false));
        assertTrue(AttentionImplementation.AUTO.useSdpa(false, false, false));
        assertTrue(AttentionImplementation.SDPA.useSdpa(true, false, true));
        assertFalse(AttentionImplementation.EAGER.useSdpa(false, false, false));
        // bf16 not resolved in this process: the fixed rule (eager for bf16 training)
        assertFalse(AttentionImplementation.AUTO.useSdpa(true, true, false));
        assertTrue(AttentionImplementation.AUTO.useSdpa(false, true, false));
    }

    @Test
    void aNearTieKeepsTheRule() {
        assertTrue(EngineChoices.decide(true, 10.0, 9.5), "eager 5% faster: SDPA kept");
        assertFalse(EngineChoices.decide(true, 10.0, 8.5), "eager 15% faster: eager");
        assertFalse(EngineChoices.decide(false, 9.5, 10.0), "SDPA 5% faster: eager kept");
        assertTrue(EngineChoices.decide(false, 8.5, 10.0), "SDPA 15% faster: SDPA");
    }

    @Test
    void probeOffKeepsTheFixedRuleAndWritesNothing() {
        System.setProperty("jtune.probe", "false");
        EngineChoices.Choices c = EngineChoices.forRun(false);
        assertEquals(EngineChoices.Source.FIXED_RULE, c.source());
        assertEquals(0, calls.get());
        assertFalse(Files.exists(cache));
        assertTrue(c.attention().sdpaTraining());
        assertFalse(c.attention().sdpaTrainingWithDropout());
    }

    @Test
    void theRealProbeMeasuresBothPathsAndDecidesByItsTimes() {
        long t0 = System.nanoTime();
        EngineChoices.Attention a = EngineChoices.measureAttention(false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (String k : new String[] {"inference", "train", "train_dropout"}) {
            double s = a.millis().get(k + "_sdpa"), e = a.millis().get(k + "_eager");
            assertTrue(s > 0 && e > 0, k + ": " + a.millis());
            boolean sdpa = k.equals("inference") ? a.sdpaInference() : k.equals("train") ? a.sdpaTraining() : a.sdpaTrainingWithDropout();
            boolean rule = !k.equals("train_dropout"); // fp32: SDPA except with attention dropout
            // the rule's path unless the other is more than 10% faster
            assertEquals(rule ? !(e < 0.9 * s) : s < 0.9 * e, sdpa, k + ": " + a.millis());
        }
        System.out.printf("RESULT engine probe fp32: %s in %.2f s%n", a.millis(), seconds);
    }
}
