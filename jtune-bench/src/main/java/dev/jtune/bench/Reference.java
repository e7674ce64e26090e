package dev.jtune.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PyTorch reference timed in the same session ({@code --reference}): {@code ../shared/tools/hfref.py bench} for
 * the training workloads and {@code src/main/python/ref_predict.py} (eval mode, no grad) for inference, run as
 * hfref's README says (Debian's python3-torch 1.13, 2 threads, {@code OMP_WAIT_POLICY=PASSIVE}), with the OpenBLAS
 * core this CPU supports ({@link #openblasCoreType}). Without it the bench falls back to the PyTorch 1.13 figures recorded in jtune-bench/RESULTS.md, which this machine now beats by far:
 * on 2026-11-28 the same reference ran MiniLM 32×128 in 2.15 s (dropout on) and 1.67 s (off), not 4.00 and 2.66.
 */
final class Reference {
    /** Seconds per step by workload key ({@link #key}); empty until {@link #measure} ran. */
    static final Map<String, Double> MEASURED = new LinkedHashMap<>();
    /** The raw JSON each reference run printed, for the report. */
    static final List<JsonNode> RUNS = new ArrayList<>();

    private Reference() {}

    static String key(Workload w) {
        String shape = w.shape().name().toLowerCase(Locale.ROOT);
        if (w.predict()) return "predict-" + shape + "-" + w.batch() + "x" + w.seq();
        return "train-" + shape + "-" + w.batch() + "x" + w.seq() + (w.dropout() ? "-dropout" : "-nodropout");
    }

    /** The reference seconds per step measured in this session, or NaN. */
    static double measured(Workload w) {
        Double v = MEASURED.get(key(w));
        return v == null ? Double.NaN : v;
    }

    /** Runs the reference workloads jtune compares against; prints one line each. */
    static void measure(String python, Path toolsDir, Path predictScript, int steps, int warmup, boolean quick, java.util.Set<String> only) {
        boolean minilm = only.contains("minilm"), bert = only.contains("bert-base"), predict = only.contains("predict");
        if (!minilm && !bert && !predict) return; // e2e runs its own reference
        Path hfref = toolsDir.resolve("hfref.py");
        if (!Files.isRegularFile(hfref)) {
            System.out.println("reference: " + hfref + " not found (../shared/tools); using the engine notes' figures");
            return;
        }
        System.out.println("reference (PyTorch, " + python + ", same session):");
        String s = String.valueOf(steps), wu = String.valueOf(warmup);
        String core = openblasCoreType(dev.jtune.torch.Engine.cpuFlags());
        System.out.println("  OpenBLAS core: " + (core == null ? "left to OpenBLAS (no AVX2)" : core));
        List<String> common = new ArrayList<>(List.of("--steps", s, "--warmup", wu, "--threads", "2"));
        if (core != null) common.addAll(List.of("--openblas-coretype", core));
        coreType = core;
        if (minilm) run(python, hfref, "train-minilm-32x128-dropout", concat(List.of("bench", "--config", "minilm", "--batch", "32", "--seq", "128"), common), "BENCH_JSON ");
        if (minilm && !quick) run(python, hfref, "train-minilm-32x128-nodropout", concat(List.of("bench", "--config", "minilm", "--batch", "32", "--seq", "128", "--no-dropout"), common), "BENCH_JSON ");
        if (bert && !quick) run(python, hfref, "train-bert-base-8x128-dropout", concat(List.of("bench", "--config", "bert-base", "--batch", "8", "--seq", "128"), common), "BENCH_JSON ");
        if (predict && Files.isRegularFile(predictScript)) {
            run(python, predictScript, "predict-minilm-64x128", List.of(toolsDir.toString(), "--config", "minilm", "--batch", "64", "--seq", "128",
                    "--steps", s, "--warmup", wu, "--threads", "2"), "REF_PREDICT_JSON ");
        }
    }

    private static String coreType;

    /**
     * The OpenBLAS core for the reference: {@code SkylakeX} only where the CPU has AVX-512 ({@code avx512f}),
     * {@code Haswell} where it has AVX2, else null (OpenBLAS decides). Forcing SkylakeX on an AVX2-only CPU (AMD
     * Zen 3) kills the reference with an illegal instruction.
     */
    static String openblasCoreType(java.util.Set<String> cpuFlags) {
        if (cpuFlags.contains("avx512f")) return "SkylakeX";
        if (cpuFlags.contains("avx2")) return "Haswell";
        return null;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }

    /**
     * The reference runs as hfref's README says, on the allocator it would have without jtune: the jemalloc that
     * {@code launcher-env.sh} preloads for jtune (and the MALLOC_CONF it set) are taken out of its environment.
     * Measured once with them left in: its eval-mode forward took 1.06 s instead of 1.57 s.
     */
    static void withoutLauncherAllocator(Map<String, String> env) {
        String lib = env.remove("JTUNE_PRELOADED");
        if (lib == null) return;
        List<String> kept = new ArrayList<>();
        for (String p : env.getOrDefault("LD_PRELOAD", "").split(":")) if (!p.isEmpty() && !p.equals(lib)) kept.add(p);
        if (kept.isEmpty()) env.remove("LD_PRELOAD");
        else env.put("LD_PRELOAD", String.join(":", kept));
        if (env.remove("JTUNE_SET_MALLOC_CONF") != null) env.remove("MALLOC_CONF");
    }

    private static void run(String python, Path script, String key, List<String> args, String marker) {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(args);
        System.out.printf(Locale.ROOT, "  %-44s", key);
        System.out.flush();
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            withoutLauncherAllocator(pb.environment());
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            if (coreType != null) pb.environment().put("OPENBLAS_CORETYPE", coreType);
            else pb.environment().remove("OPENBLAS_CORETYPE");
            Process p = pb.start();
            JsonNode result = null;
            StringBuilder tail = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(marker)) result = new ObjectMapper().readTree(line.substring(marker.length()));
                    else tail.append(line).append('\n');
                }
            }
            int rc = p.waitFor();
            if (rc != 0 || result == null) {
                String last = tail.toString().strip();
                last = last.substring(Math.max(0, last.lastIndexOf('\n') + 1));
                System.out.println(" failed (exit " + rc + "): " + last);
                return;
            }
            double med = result.path("median_step_s").asDouble(Double.NaN);
            MEASURED.put(key, med);
            ((com.fasterxml.jackson.databind.node.ObjectNode) result).put("key", key);
            RUNS.add(result);
            System.out.printf(Locale.ROOT, " %7.3f s/step (torch %s, %s threads)%n", med, result.path("torch").asText("?"),
                    result.path("threads").asText("?"));
        } catch (IOException e) {
            System.out.println(" not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
