package dev.jtune.torch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.io.AtomicFiles;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Engine choices by measurement on the machine at hand, not by what was faster on one CPU family: a short probe
 * (about 0.2-1 s) times eager attention (matmul-softmax-matmul, with jtune's dropout) against libtorch's fused
 * {@code scaled_dot_product_attention}, forward + backward, at the run's dtype on a representative shape (4 × 12 heads
 * × 128 tokens × 32, MiniLM's heads), with and without attention dropout, and the forward alone (inference). What it
 * finds decides {@code AttentionImplementation.AUTO}: the fixed rule's path, unless the other one was more than 10%
 * faster (a near tie under a busy machine's noise keeps the rule).
 *
 * <p>The result is cached per machine in {@code engine-choices.json} in jtune's cache folder ({@code ~/.cache/jtune}, or
 * {@code $JTUNE_HOME}; {@link dev.jtune.io.JTuneHome}; {@code -Djtune.engine.cache=FILE} for tests), keyed by the CPU model, a hash of its
 * flags, the intra-op thread count, the jtune and libtorch versions: a second run on the same machine reads it and
 * runs no probe; another key (another thread count under load, {@code JTUNE_CPU_ISA=avx2}, a shared home folder) is
 * probed and added beside the others, up to {@link #MAX_KEYS} (the oldest go first); the file is rewritten atomically
 * ({@link AtomicFiles}); an unreadable or corrupt file is ignored and rewritten. {@code -Djtune.probe=false} / {@code JTUNE_PROBE=0} turns the probe off
 * (AUTO then keeps its fixed rule: SDPA for inference and fp32 training without attention dropout, eager otherwise).
 * {@code -Djtune.cpuinfo=FILE} (tests) replaces {@code /proc/cpuinfo} in the key.
 *
 * <p>Only what is resolved by {@link #forRun} is used: library calls that never train (predict, tests of single
 * forwards) keep the fixed rule and never probe.
 */
public final class EngineChoices {
    /** Where a run's choices came from. */
    public enum Source { CACHE, PROBE, FIXED_RULE }

    /** The attention paths for one dtype: true = fused SDPA, false = eager; the probe's median times in ms. */
    public record Attention(String dtype, boolean sdpaTraining, boolean sdpaTrainingWithDropout, boolean sdpaInference,
                            Map<String, Double> millis) {
        /** The choice for one case. */
        public boolean sdpa(boolean backward, boolean attentionDropout) {
            return !backward ? sdpaInference : attentionDropout ? sdpaTrainingWithDropout : sdpaTraining;
        }
    }

    /** A run's resolved choices. */
    public record Choices(Attention attention, Source source, Path file, String key) {
        /** One phrase for the engine line of {@code jtune train}. */
        public String describe() {
            Attention a = attention;
            String paths = "attention AUTO = " + name(a.sdpaTraining) + " for training, " + name(a.sdpaTrainingWithDropout)
                    + " with attention dropout, " + name(a.sdpaInference) + " for inference";
            return switch (source) {
                case FIXED_RULE -> paths + " (fixed rule: the probe is off)";
                case PROBE -> paths + " (" + a.dtype + ", measured now: " + times(a) + "; cached in " + file + ")";
                case CACHE -> paths + " (" + a.dtype + ", from the cache " + file + ": " + times(a) + ")";
            };
        }

        private static String name(boolean sdpa) { return sdpa ? "sdpa" : "eager"; }

        private static String times(Attention a) {
            Map<String, Double> m = a.millis;
            return String.format(Locale.ROOT, "train %.1f/%.1f ms, with dropout %.1f/%.1f ms, inference %.1f/%.1f ms sdpa/eager",
                    m.getOrDefault("train_sdpa", Double.NaN), m.getOrDefault("train_eager", Double.NaN),
                    m.getOrDefault("train_dropout_sdpa", Double.NaN), m.getOrDefault("train_dropout_eager", Double.NaN),
                    m.getOrDefault("inference_sdpa", Double.NaN), m.getOrDefault("inference_eager", Double.NaN));
        }
    }

    /** The measurement (the real one: {@link #measureAttention}; tests count calls through {@link #probesRun()}). */
    interface Probe {
        Attention measure(boolean bf16);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Choices> RESOLVED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicInteger PROBES = new java.util.concurrent.atomic.AtomicInteger();
    /** 2: one entry per key under {@code machines} (1 held a single key and was rewritten by every other one). */
    private static final int FORMAT = 2;
    /** Keys kept in the file; the oldest entry goes when a new one would exceed it. */
    static final int MAX_KEYS = 16;
    /** The measurement {@link #forRun} uses (tests put a counting one here). */
    static volatile Probe probe = EngineChoices::measureAttention;

    private EngineChoices() {}

    /**
     * The choices of a run at its dtype: from this process's memory, else the cache when its key matches this
     * machine, else measured now (and cached). Called once before training ({@code Trainer}, {@code jtune train}).
     */
    public static Choices forRun(boolean bf16) {
        String dtype = bf16 ? "bf16" : "fp32";
        if (!probeEnabled()) return RESOLVED.computeIfAbsent(dtype, d -> new Choices(fixedRule(dtype), Source.FIXED_RULE, null, null));
        Engine.init();
        return RESOLVED.computeIfAbsent(dtype, d -> resolve(cacheFile(), key(), bf16, probe));
    }

    /** The attention choices resolved in this process for a dtype, or null when {@link #forRun} did not run. */
    public static Attention resolved(boolean bf16) {
        Choices c = RESOLVED.get(bf16 ? "bf16" : "fp32");
        return c == null ? null : c.attention;
    }

    /** How many probes this process has run (tests: the second use of a cache runs none). */
    public static int probesRun() { return PROBES.get(); }

    /** Forgets this process's resolved choices (tests: the next {@link #forRun} reads the cache again). */
    static void forget() { RESOLVED.clear(); }

    /** The rule AUTO used before the probe, kept for when it is off: SDPA for inference and fp32 training without attention dropout. */
    static Attention fixedRule(String dtype) {
        boolean fp32 = dtype.equals("fp32");
        return new Attention(dtype, fp32, false, true, Map.of());
    }

    static boolean probeEnabled() {
        String v = System.getProperty("jtune.probe");
        if (v == null) v = System.getenv("JTUNE_PROBE");
        return v == null || !(v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("off"));
    }

    /** {@code -Djtune.engine.cache}, else {@code engine-choices.json} in jtune's cache folder ({@link dev.jtune.io.JTuneHome}). */
    public static Path cacheFile() {
        String forced = System.getProperty("jtune.engine.cache");
        if (forced != null && !forced.isBlank()) return Path.of(forced);
        return dev.jtune.io.JTuneHome.root().resolve("engine-choices.json");
    }

    /** The cache key of this machine and build: CPU model, flags (hashed), intra-op threads, jtune and libtorch versions. */
    static String key() {
        String model = Engine.cpuModel();
        TreeSet<String> flags = new TreeSet<>(Engine.cpuFlags());
        return "cpu=" + model + ";flags=" + sha256(String.join(" ", flags)).substring(0, 16) + ";threads=" + torch.get_num_threads()
                + ";jtune=" + version("/META-INF/maven/dev.jtune/jtune-core/pom.properties")
                + ";libtorch=" + version("/META-INF/maven/org.bytedeco/pytorch/pom.properties");
    }

    /** The cached choices when the file holds this key and dtype, else a probe whose result is written back. */
    static Choices resolve(Path file, String key, boolean bf16, Probe probe) {
        String dtype = bf16 ? "bf16" : "fp32";
        ObjectNode root = read(file);
        ObjectNode machines = root.with("machines");
        JsonNode cached = machines.path(key).path("attention").path(dtype);
        if (cached.isObject()) {
            try {
                return new Choices(fromJson(dtype, cached), Source.CACHE, file, key);
            } catch (RuntimeException e) {
                // a damaged entry: measure again below
            }
        }
        PROBES.incrementAndGet();
        Attention a = probe.measure(bf16);
        ObjectNode entry = machines.path(key) instanceof ObjectNode o ? o : JSON.createObjectNode();
        machines.remove(key); // re-added last: the most recently measured key is the last to go
        entry.with("attention").set(dtype, toJson(a));
        machines.set(key, entry);
        while (machines.size() > MAX_KEYS) machines.remove(machines.fieldNames().next());
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException | RuntimeException e) {
            System.getLogger(EngineChoices.class.getName()).log(System.Logger.Level.WARNING,
                    "could not cache the engine probe in " + file + " (" + e.getMessage() + "): the next run measures again");
        }
        return new Choices(a, Source.PROBE, file, key);
    }

    /** The file's content when it is valid JSON of this format; else a fresh root (the file is rewritten after a probe). */
    private static ObjectNode read(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                JsonNode n = JSON.readTree(file.toFile());
                if (n instanceof ObjectNode o && o.path("format").asInt() == FORMAT && o.path("machines").isObject()) return o;
            }
        } catch (IOException | RuntimeException e) {
            // corrupt or unreadable: ignored, rewritten after the probe
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("written_by", "jtune engine probe (dev.jtune.torch.EngineChoices): measurements by machine key; delete this file to measure again");
        root.putObject("machines");
        return root;
    }

    private static ObjectNode toJson(Attention a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sdpa_training", a.sdpaTraining);
        n.put("sdpa_training_with_dropout", a.sdpaTrainingWithDropout);
        n.put("sdpa_inference", a.sdpaInference);
        ObjectNode ms = n.putObject("millis");
        a.millis.forEach(ms::put);
        return n;
    }

    private static Attention fromJson(String dtype, JsonNode n) {
        for (String f : List.of("sdpa_training", "sdpa_training_with_dropout", "sdpa_inference")) {
            if (!n.path(f).isBoolean()) throw new IllegalStateException("missing " + f);
        }
        Map<String, Double> ms = new LinkedHashMap<>();
        n.path("millis").fields().forEachRemaining(e -> ms.put(e.getKey(), e.getValue().asDouble()));
        return new Attention(dtype, n.get("sdpa_training").asBoolean(), n.get("sdpa_training_with_dropout").asBoolean(),
                n.get("sdpa_inference").asBoolean(), ms);
    }

    /** Batch, heads, tokens, head size of the probe: MiniLM's 12 heads of 32 at 128 tokens, a small batch. */
    static final long[] SHAPE = {4, 12, 128, 32};
    static final double PROBE_DROPOUT = 0.1;
    /** How much faster the other path must be to override the fixed rule. */
    static final double MARGIN = 0.10;

    /**
     * Times both attention paths (the fastest of 3 interleaved rounds after a warm-up) for inference (forward), training (forward +
     * backward) and training with attention dropout 0.1, in fp32 or bf16, with a padding mask as BERT passes it.
     */
    static Attention measureAttention(boolean bf16) {
        Engine.init();
        torch.ScalarType dt = bf16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float;
        Map<String, Double> ms = new LinkedHashMap<>();
        Engine.manualSeed(1234);
        List<String> cases = List.of("inference", "train", "train_dropout"), paths = List.of("sdpa", "eager");
        double[][] best = new double[cases.size()][paths.size()];
        for (double[] b : best) Arrays.fill(b, Double.POSITIVE_INFINITY);
        // one warm-up round, then three rounds interleaved (A, B, A, B, ...); the fastest of each: load spikes only slow down
        for (int r = -1; r < 3; r++) {
            for (int c = 0; c < cases.size(); c++) {
                for (int p = 0; p < paths.size(); p++) {
                    try (PointerScope s = new PointerScope()) {
                        long t0 = System.nanoTime();
                        attentionStep(p == 0, c > 0, c == 2 ? PROBE_DROPOUT : 0, dt);
                        if (r >= 0) best[c][p] = Math.min(best[c][p], (System.nanoTime() - t0) / 1e6);
                    }
                }
            }
        }
        for (int c = 0; c < cases.size(); c++) {
            for (int p = 0; p < paths.size(); p++) ms.put(cases.get(c) + "_" + paths.get(p), Math.round(best[c][p] * 100) / 100.0);
        }
        Attention rule = fixedRule(bf16 ? "bf16" : "fp32");
        return new Attention(rule.dtype(), decide(rule.sdpaTraining(), ms.get("train_sdpa"), ms.get("train_eager")),
                decide(rule.sdpaTrainingWithDropout(), ms.get("train_dropout_sdpa"), ms.get("train_dropout_eager")),
                decide(rule.sdpaInference(), ms.get("inference_sdpa"), ms.get("inference_eager")), ms);
    }

    /** The fixed rule's path, unless the other one was faster by more than {@link #MARGIN} (a near tie is noise). */
    static boolean decide(boolean ruleSdpa, double sdpaMillis, double eagerMillis) {
        return ruleSdpa ? !(eagerMillis < sdpaMillis * (1 - MARGIN)) : sdpaMillis < eagerMillis * (1 - MARGIN);
    }

    /** One attention forward (and backward) on random inputs, as the encoders compute it. */
    private static void attentionStep(boolean sdpa, boolean backward, double dropout, torch.ScalarType dt) {
        long b = SHAPE[0], h = SHAPE[1], l = SHAPE[2], d = SHAPE[3];
        TensorOptions o = new TensorOptions(dt);
        Tensor q = torch.randn(new long[] {b, h, l, d}, o), k = torch.randn(new long[] {b, h, l, d}, o),
                v = torch.randn(new long[] {b, h, l, d}, o);
        if (backward) {
            q.requires_grad_(true);
            k.requires_grad_(true);
            v.requires_grad_(true);
        }
        // the last eighth of every row is padding, as the extended mask BERT builds: (B, 1, 1, L) additive
        float[] m = new float[(int) (b * l)];
        for (int i = 0; i < m.length; i++) m[i] = (i % l) >= l - l / 8 ? -3.4028234663852886e38f : 0f;
        Tensor mask = Torch.floats(m, b, 1, 1, l);
        double scale = 1.0 / Math.sqrt(d);
        Tensor out;
        if (sdpa) {
            out = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(mask), dropout, false, new DoubleOptional(scale), false);
        } else {
            Tensor probs = q.mul(Nn.scalar(scale)).matmul(k.transpose(-1, -2)).add(mask.to(dt)).softmax(-1);
            out = dropout > 0 ? probs.mul(Dropout.keepMask(probs, dropout)).matmul(v).mul(Nn.scalar(Dropout.scale(dropout)))
                    : probs.matmul(v);
        }
        if (backward) out.sum().backward();
        else out.sum().item_double();
    }

    private static String version(String pomProperties) {
        try (InputStream in = EngineChoices.class.getResourceAsStream(pomProperties)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) return v;
            }
        } catch (IOException ignored) {
            // informational
        }
        return "dev";
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
