package dev.jtune.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.torch.Engine;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code jtune bench}: training and inference throughput of jtune against the PyTorch reference. Every training
 * figure comes from the library's own loop ({@link LoopRunner}: a {@code Trainer} on real tokenized sentences, timed
 * by a callback), and {@code e2e} runs {@code jtune train} itself ({@link EndToEnd}). Prints a table and optionally
 * writes JSON; asserts nothing.
 *
 * <pre>
 * --quick            a ~2-minute subset
 * --only LIST        comma list of minilm, sst2 (only minilm's SST-2 rows), bert-base, sweep, predict, gemm, rss, parity, floor,
 *                    families, e2e
 *                    (default: gemm, parity, minilm, bert-base, predict, sweep, e2e)
 * --json FILE        also write the results as JSON
 * --steps N          measured steps per workload (default 5; median reported), --warmup N (default 2, quick 1)
 * --rss-steps N      steps of the RSS run (MiniLM 32x128 training; default 2000), --rss-bf16 to run it in bf16
 * --attention A      eager | sdpa | auto: force one attention path (default: the measured best per dtype)
 * --optim O          adamw_torch_fused | adamw_torch: the AdamW kernel of the training workloads and of e2e's jtune train
 *                    (default: TrainingArguments' default, adamw_torch_fused)
 * --custom L,H,A,I,V,B,S  probe one shape (layers, hidden, heads, intermediate, vocab, batch, seq)
 * --reference        first time the PyTorch reference (../shared/tools/hfref.py with Debian's python3-torch) on the same
 *                    workloads, in this session, and compute the ratios against it (else: the PyTorch 1.13 reference figures in jtune-bench/RESULTS.md figures);
 *                    with e2e, hfref.py train runs right after jtune train on the same SST-2 file and recipe. The OpenBLAS
 *                    core follows the CPU (SkylakeX with avx512f, Haswell with avx2, else OpenBLAS's own choice)
 *                    --reference-python P picks the interpreter (default $JTUNE_REF_PYTHON or /usr/bin/python3)
 * </pre>
 */
public final class Bench {
    /** PyTorch 1.13 reference, fp32, 2 threads (the PyTorch 1.13 reference figures in jtune-bench/RESULTS.md): seconds per step. */
    static final double REF_MINILM_DROP_ON = 4.00, REF_MINILM_DROP_OFF = 2.66, REF_BERT_BASE = 6.30;

    private final Options o;
    private final List<StepResult> results = new ArrayList<>();
    private final List<Gemm.Rate> gemms = new ArrayList<>();
    private final List<Map<String, Object>> rssSamples = new ArrayList<>();
    private double tokenizeSeconds = Double.NaN;
    private List<Families.Result> families = List.of();
    private List<OrtPredict.Row> ort = List.of();
    private EndToEnd.Result e2e;
    private BenchData data;
    private Boolean bf16Available;

    private Bench(Options o) { this.o = o; }

    /** Parsed command line. */
    record Options(boolean quick, Set<String> only, Path json, int steps, int warmup, int rssSteps, boolean rssBf16, String attention,
                   int[] custom, String referencePython) {
        static Options parse(String[] args) {
            boolean quick = false, rssBf16 = false;
            Set<String> only = null;
            Path json = null;
            int steps = 5, warmup = -1, rssSteps = 2000;
            String attention = null;
            int[] custom = null;
            String referencePython = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> quick = true;
                    case "--rss-bf16" -> rssBf16 = true;
                    case "--reference" -> referencePython = referencePython != null ? referencePython
                            : System.getenv().getOrDefault("JTUNE_REF_PYTHON", "/usr/bin/python3");
                    case "--reference-python" -> referencePython = value(args, ++i, a);
                    case "--only" -> only = Set.of(value(args, ++i, a).toLowerCase(Locale.ROOT).split(","));
                    case "--json" -> json = Path.of(value(args, ++i, a));
                    case "--steps" -> steps = Integer.parseInt(value(args, ++i, a));
                    case "--warmup" -> warmup = Integer.parseInt(value(args, ++i, a));
                    case "--rss-steps" -> rssSteps = Integer.parseInt(value(args, ++i, a));
                    case "--attention" -> attention = value(args, ++i, a).toUpperCase(Locale.ROOT);
                    case "--optim" -> LoopRunner.optim = dev.jtune.optim.OptimizerNames.fromHf(value(args, ++i, a));
                    case "--custom" -> custom = java.util.Arrays.stream(value(args, ++i, a).split(",")).mapToInt(Integer::parseInt).toArray();
                    case "-h", "--help" -> {
                        System.out.println("usage: bench.sh [--quick] [--only minilm,bert-base,sweep,predict,gemm,rss,families,e2e] [--json FILE] "
                                + "[--steps N] [--warmup N] [--rss-steps N] [--rss-bf16] [--attention eager|sdpa|auto] [--optim adamw_torch_fused|adamw_torch] [--custom L,H,heads,I,vocab,batch,seq] [--reference] [--reference-python PY]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
                }
            }
            if (only == null) only = custom != null ? Set.of() : Set.of("gemm", "parity", "minilm", "bert-base", "predict", "sweep", "e2e");
            if (warmup < 0) warmup = quick ? 1 : 2;
            if (custom != null && custom.length != 7) throw new IllegalArgumentException("--custom takes L,H,heads,I,vocab,batch,seq");
            return new Options(quick, only, json, steps, warmup, rssSteps, rssBf16, attention, custom, referencePython);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
            return args[i];
        }
    }

    /** The library's INFO lines (the loss decision of each Trainer) would interleave with the table: warnings only. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("dev.jtune");

    public static void main(String[] args) throws IOException {
        QUIET.setLevel(java.util.logging.Level.WARNING);
        Options o = Options.parse(args);
        Engine.init();
        new Bench(o).run();
    }

    private void run() throws IOException {
        System.out.printf(Locale.ROOT, "jtune bench: %s, %d cores%s, intra-op threads %d, inter-op threads %d, fp32 BLAS %s, malloc %s, %s%n",
                Engine.cpuModel(), Runtime.getRuntime().availableProcessors(),
                Engine.isaCap() == Engine.IsaCap.AVX2 ? " (capped to AVX2 by JTUNE_CPU_ISA)" : "", torch.get_num_threads(),
                torch.get_num_interop_threads(), Engine.blas(), Engine.allocator(), o.quick ? "quick" : "full");
        Path shared = Path.of(System.getProperty("jtune.shared", "../shared"));
        Path here = Path.of(System.getProperty("jtune.bench.home", "."));
        if (o.referencePython != null) {
            Reference.measure(o.referencePython, shared.resolve("tools"), here.resolve("src/main/python/ref_predict.py"),
                    o.steps, o.warmup, o.quick, o.only);
        }
        if (o.only.contains("e2e")) e2e = EndToEnd.run(here.resolve("..").normalize(), shared, o.referencePython);
        if (o.only.contains("gemm")) gemm();
        if (o.only.contains("minilm")) minilm();
        else if (o.only.contains("sst2")) sst2();
        if (o.only.contains("bert-base")) bertBase();
        if (o.only.contains("predict")) predict();
        if (o.only.contains("sweep")) sweep();
        if (o.only.contains("rss")) rss();
        if (o.only.contains("floor")) floor();
        if (o.only.contains("families")) families = Families.run(data(), o.warmup, o.quick ? 2 : 3, o.quick);
        if (o.only.contains("parity")) {
            System.out.println("parity (MiniLM 4x128, eval, with padding):");
            Parity.print();
        }
        if (o.custom != null) custom();
        Report.print(results, gemms, tokenizeSeconds);
        OrtPredict.print(ort);
        if (e2e != null) e2e.print();
        if (data != null) data.close();
        if (o.json != null) {
            Map<String, Object> root = Report.json(results, gemms, tokenizeSeconds, rssSamples);
            root.put("options", Map.of("quick", o.quick, "only", o.only, "steps", o.steps, "warmup", o.warmup));
            root.put("blas", Engine.blas());
            root.put("cpu", Engine.cpuModel());
            root.put("cpu_isa_cap", Engine.isaCap().name().toLowerCase(Locale.ROOT));
            root.put("cpu_simd_flags", Engine.cpuFlags().stream().filter(f -> f.startsWith("avx") || f.startsWith("amx") || f.equals("fma")).sorted().toList());
            root.put("allocator", Engine.allocator().toString());
            if (!Reference.RUNS.isEmpty()) root.put("reference_runs", Reference.RUNS);
            if (!families.isEmpty()) root.put("families", families);
            if (!ort.isEmpty()) root.put("predict_vs_onnxruntime", ort.stream().map(OrtPredict.Row::json).toList());
            if (e2e != null) root.put("e2e_sst2", e2e.json());
            Path parent = o.json.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.json.toFile(), root);
            System.out.println("wrote " + o.json);
        }
    }

    /** The attention path: forced by --attention, else AUTO (SDPA in fp32 and for inference, eager for bf16 training). */
    AttentionImplementation attention(boolean bf16) {
        if (o.attention != null) return AttentionImplementation.valueOf(o.attention);
        return AttentionImplementation.AUTO;
    }

    private StepResult measure(Workload w, boolean withFloor) {
        System.out.printf(Locale.ROOT, "  %-44s", w.label());
        System.out.flush();
        StepResult r = run(w);
        if (withFloor) {
            Workload f = w.withShape(w.shape().floor(), 2, 8, 3, 15);
            r = r.withFloor(run(f).step());
        }
        System.out.printf(Locale.ROOT, " %7.3f s/step  %8.1f samples/s  %6.1f GFLOP/s%s%n", r.step(), r.samplesPerSecond(),
                r.gflopsPerSecond(), Double.isNaN(r.floor()) ? "" : String.format(Locale.ROOT, "  floor %.1f ms", r.floor() * 1e3));
        results.add(r);
        return r;
    }

    private Workload train(String group, Shape s, int b, int l, boolean dropout, boolean bf16, AttentionImplementation a) {
        return new Workload(group, s, b, l, dropout, bf16, a, false, o.warmup, o.steps);
    }

    /** Training through the library's loop on real text; predict through the eval-mode forward. */
    private StepResult run(Workload w) {
        return w.predict() ? PredictRunner.run(w) : LoopRunner.run(w, data());
    }

    private BenchData data() {
        if (data == null) data = new BenchData(Path.of(System.getProperty("jtune.shared", "../shared")));
        return data;
    }

    /** Whether the CPU has native bf16; decided once, and the first call says why bf16 is skipped where it does not. */
    private boolean bf16Available() {
        if (bf16Available == null) {
            bf16Available = Engine.bf16Support() != Engine.Bf16Support.NONE;
            if (!bf16Available) {
                System.out.println("bf16 workloads skipped: " + (Engine.isaCap() == Engine.IsaCap.AVX2
                        ? "JTUNE_CPU_ISA=avx2 hides amx_bf16 and avx512_bf16"
                        : "this CPU has neither amx_bf16 nor avx512_bf16 in /proc/cpuinfo")
                        + " (bf16 would be emulated, far slower than fp32; jtune train refuses --bf16 here)");
            }
        }
        return bf16Available;
    }

    /** fp32, and bf16 where the CPU has it natively (not in quick runs). */
    private boolean[] dtypes(boolean quick) {
        return bf16Available() && !quick ? new boolean[] {false, true} : new boolean[] {false};
    }

    private void gemm() {
        System.out.println("gemm:");
        long[][] shapes = o.quick ? new long[][] {{4096, 768, 3840}} : new long[][] {{4096, 768, 3840}, {4096, 384, 1536}, {4096, 1536, 384}};
        for (long[] s : shapes) gemms.add(Gemm.measure(torch.ScalarType.Float, s[0], s[1], s[2], 5));
        if (bf16Available()) gemms.add(Gemm.measure(torch.ScalarType.BFloat16, 4096, 768, 3840, 5));
        for (Gemm.Rate g : gemms) {
            System.out.printf(Locale.ROOT, "  %s %dx%dx%d: %.1f GFLOP/s%n", g.dtype(), g.m(), g.k(), g.n(), g.gflops());
        }
    }

    private void minilm() {
        System.out.println("minilm (32x128):");
        tokenizeSeconds = Tokenize.secondsPerBatch(32, 128, 5);
        Shape s = Shape.MINILM;
        boolean[] dtypes = dtypes(false);
        sst2();
        if (o.quick) {
            for (boolean bf16 : dtypes) measure(train("minilm", s, 32, 128, true, bf16, attention(bf16)), true);
            return;
        }
        for (boolean dropout : new boolean[] {true, false}) {
            for (boolean bf16 : dtypes) {
                if (o.attention != null) {
                    measure(train("minilm", s, 32, 128, dropout, bf16, attention(bf16)), true);
                } else {
                    measure(train("minilm", s, 32, 128, dropout, bf16, AttentionImplementation.EAGER), true);
                    measure(train("minilm", s, 32, 128, dropout, bf16, AttentionImplementation.SDPA), true);
                }
            }
        }
    }

    /** The short-sentence step: SST-2 phrases, batch 32, dynamic padding (max_length 128), as jtune train runs it. */
    private void sst2() {
        for (boolean bf16 : dtypes(false)) {
            measure(new Workload("minilm", Shape.MINILM, 32, 128, true, bf16, attention(bf16), false, o.warmup, Math.max(o.steps, 10), true), false);
        }
    }

    private void bertBase() {
        System.out.println("bert-base (8x128):");
        Shape s = Shape.BERT_BASE;
        for (boolean bf16 : dtypes(false)) measure(train("bert-base", s, 8, 128, true, bf16, attention(bf16)), true);
        if (!o.quick && o.attention == null) measure(train("bert-base", s, 8, 128, true, false, AttentionImplementation.EAGER), false);
    }

    private void predict() {
        System.out.println("predict, jtune predict's code (dev.jtune.inference.Predictor) against ONNX Runtime, fp32:");
        try {
            Path shared = Path.of(System.getProperty("jtune.shared", "../shared"));
            ort = OrtPredict.run(shared.resolve("data/sst2-train-4k.tsv"), o.warmup, o.steps, o.quick);
        } catch (IOException | ai.onnxruntime.OrtException e) {
            System.out.println("  ONNX Runtime comparison failed: " + e);
        }
        System.out.println("predict (64x128, eval mode, no grad):");
        Shape s = Shape.MINILM;
        List<AttentionImplementation> paths = o.quick || o.attention != null ? List.of()
                : List.of(AttentionImplementation.EAGER, AttentionImplementation.SDPA);
        for (boolean bf16 : dtypes(false)) {
            List<AttentionImplementation> ps = paths.isEmpty() ? List.of(attention(bf16)) : paths;
            for (AttentionImplementation a : ps) measure(new Workload("predict", s, 64, 128, false, bf16, a, true, o.warmup, o.steps), true);
        }
    }

    private void sweep() {
        System.out.println("sweep (MiniLM, dropout on):");
        Shape s = Shape.MINILM;
        int[] seqs = o.quick ? new int[] {32, 128, 512} : new int[] {32, 64, 128, 256, 512};
        int[] batches = o.quick ? new int[] {} : new int[] {16, 32, 64};
        for (boolean bf16 : dtypes(o.quick)) {
            for (int l : seqs) measure(train("sweep", s, 8, l, true, bf16, attention(bf16)), false);
            for (int b : batches) measure(train("sweep", s, b, 128, true, bf16, attention(bf16)), false);
        }
    }

    /** Only the op-dispatch floors (tiny shapes): a quick probe of per-op overhead and thread settings. */
    private void floor() {
        System.out.println("floor (same op graph as MiniLM, 12-wide, 2x8 tokens):");
        for (boolean bf16 : dtypes(false)) {
            measure(new Workload("floor", Shape.FLOOR_MINILM, 2, 8, true, bf16, attention(bf16), false, 3, 15), false);
        }
        measure(new Workload("floor", Shape.FLOOR_MINILM, 2, 8, false, false, attention(false), true, 3, 15), false);
    }

    /** --custom L,H,heads,I,vocab,batch,seq: training (dropout on) in fp32 and bf16 plus predict in fp32, for probing. */
    private void custom() {
        int[] c = o.custom;
        Shape s = new Shape("custom-" + c[0] + "x" + c[1], c[0], c[1], c[2], c[3], c[4]);
        System.out.println("custom " + s + ":");
        for (boolean bf16 : dtypes(false)) measure(train("custom", s, c[5], c[6], true, bf16, attention(bf16)), false);
        measure(new Workload("custom", s, c[5], c[6], false, false, attention(false), true, o.warmup, o.steps), false);
    }

    private void rss() {
        boolean bf16 = o.rssBf16 && dtypes(false).length == 2;
        Workload w = new Workload("rss", Shape.MINILM, 32, 128, true, bf16, attention(bf16), false, 0, o.rssSteps);
        System.out.printf(Locale.ROOT, "rss: %s, %d steps%n", w.label(), o.rssSteps);
        int every = Math.max(1, Math.min(100, o.rssSteps / 20));
        // the peak of each window of `every` steps (VmHWM, reset after each sample), not only RSS at its end: the
        // training loop gives free memory back every 200 steps, so RSS at one instant could look better than it is
        boolean windowPeaks = ProcMemory.resetPeak();
        LoopRunner.run(w, data(), every, (step, seconds) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("rss_mib", round(ProcMemory.rssMiB()));
            if (windowPeaks) {
                m.put("window_peak_rss_mib", round(ProcMemory.peakMiB()));
                ProcMemory.resetPeak();
            }
            m.put("javacpp_physical_mib", round(Pointer.physicalBytes() / 1048576.0));
            m.put("javacpp_tracked_mib", round(Pointer.totalBytes() / 1048576.0));
            Runtime rt = Runtime.getRuntime();
            m.put("java_heap_committed_mib", round(rt.totalMemory() / 1048576.0));
            m.put("java_heap_used_mib", round((rt.totalMemory() - rt.freeMemory()) / 1048576.0));
            m.put("jvm_non_heap_committed_mib", round(java.lang.management.ManagementFactory.getMemoryMXBean()
                    .getNonHeapMemoryUsage().getCommitted() / 1048576.0));
            double[] mi = ProcMemory.mallinfo();
            if (mi != null) {
                m.put("malloc_arena_mib", round(mi[0]));
                m.put("malloc_mmap_mib", round(mi[1]));
                m.put("malloc_in_use_mib", round(mi[2]));
                m.put("malloc_free_kept_mib", round(mi[3]));
            }
            m.put("step_seconds", round(seconds));
            rssSamples.add(m);
            System.out.printf(Locale.ROOT, "  step %5d  RSS %8.1f MiB  window peak %s MiB  JavaCPP-tracked %5.1f MiB  Java heap %6.1f / non-heap %6.1f MiB"
                            + "  malloc arena %s / mmap %s / in use %s MiB  last step %.3f s%n",
                    step, (double) m.get("rss_mib"), m.getOrDefault("window_peak_rss_mib", "-"), (double) m.get("javacpp_tracked_mib"), (double) m.get("java_heap_committed_mib"),
                    (double) m.get("jvm_non_heap_committed_mib"), m.getOrDefault("malloc_arena_mib", "-"), m.getOrDefault("malloc_mmap_mib", "-"),
                    m.getOrDefault("malloc_in_use_mib", "-"), seconds);
        });
        if (rssSamples.size() >= 2) {
            // at multiples of 200 steps RSS is read just after the training loop's malloc_trim, so only the window
            // peaks say whether memory grows
            if (windowPeaks) summarise("peak RSS of each window", "window_peak_rss_mib");
            else summarise("RSS at the end of each window", "rss_mib");
        }
    }

    /** First, last and range of one RSS series after warm-up (step 200, or a fifth of a shorter run). */
    private void summarise(String what, String key) {
        double from = Double.NaN, max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY, last = Double.NaN;
        for (Map<String, Object> m : rssSamples) {
            int step = (int) m.get("step");
            double r = (double) m.get(key);
            if (step >= Math.min(200, o.rssSteps / 5)) {
                if (Double.isNaN(from)) from = r;
                max = Math.max(max, r);
                min = Math.min(min, r);
            }
            last = r;
        }
        System.out.printf(Locale.ROOT, "  %s, after warm-up: first %.1f MiB, last %.1f MiB, growth %.1f MiB, range %.1f MiB (target: flat within 50 MB)%n",
                what, from, last, last - from, max - min);
    }

    static double round(double v) { return Math.round(v * 1000) / 1000.0; }
}
