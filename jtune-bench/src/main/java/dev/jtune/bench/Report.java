package dev.jtune.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The result table (stdout) and the JSON document. */
final class Report {
    private Report() {}

    /** The reference seconds per step for a workload, or NaN where the PyTorch 1.13 reference figures in jtune-bench/RESULTS.md has no figure. */
    static double referenceStep(Workload w) {
        double measured = Reference.measured(w);
        if (!Double.isNaN(measured)) return measured;
        if (w.dynamic()) return Double.NaN; // the reference's bench has fixed shapes only; see the e2e figure
        if (w.predict()) {
            // eval-mode forward: no reference figure; estimate = a third of the dropout-off training step (fwd ≈ 1/3)
            if (w.shape() == Shape.MINILM && w.seq() == 128) return Bench.REF_MINILM_DROP_OFF / 3 * w.batch() / 32.0;
            return Double.NaN;
        }
        if (w.shape() == Shape.MINILM && w.batch() == 32 && w.seq() == 128) {
            return w.dropout() ? Bench.REF_MINILM_DROP_ON : Bench.REF_MINILM_DROP_OFF;
        }
        if (w.shape() == Shape.BERT_BASE && w.batch() == 8 && w.seq() == 128 && w.dropout()) return Bench.REF_BERT_BASE;
        return Double.NaN;
    }

    static double bestFp32Gemm(List<Gemm.Rate> gemms) {
        double best = Double.NaN;
        for (Gemm.Rate g : gemms) if (g.dtype().equals("fp32") && !(g.gflops() <= best)) best = g.gflops();
        return best;
    }

    static void print(List<StepResult> results, List<Gemm.Rate> gemms, double tokenizeSeconds) {
        double gemm = bestFp32Gemm(gemms);
        System.out.println();
        System.out.printf(Locale.ROOT, "%-44s %8s %9s %9s %8s %6s %8s %7s %22s %7s %8s %8s%n", "workload", "step s", "samples/s",
                "tokens/s", "GFLOP/s", "%GEMM", "ref s", "x ref", "fwd/bwd/opt s", "ovh %", "RSS MiB", "peak MiB");
        for (StepResult r : results) {
            double ref = referenceStep(r.w());
            System.out.printf(Locale.ROOT, "%-44s %8.3f %9.1f %9.0f %8.1f %6s %8s %7s %22s %7s %8.0f %8.0f%n", r.w().label(), r.step(),
                    r.samplesPerSecond(), r.tokensPerSecond(), r.gflopsPerSecond(),
                    Double.isNaN(gemm) || r.w().bf16() ? "-" : String.format(Locale.ROOT, "%.0f", 100 * r.gflopsPerSecond() / gemm),
                    Double.isNaN(ref) ? "-" : String.format(Locale.ROOT, "%.2f", ref),
                    Double.isNaN(ref) ? "-" : String.format(Locale.ROOT, "%.2f", ref / r.step()),
                    String.format(Locale.ROOT, "%.2f/%.2f/%.2f", r.forward(), r.backward(), r.optimizer()),
                    Double.isNaN(r.floor()) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * r.overheadShare()), r.rssMiB(), r.peakMiB());
        }
        if (!Double.isNaN(gemm)) System.out.printf(Locale.ROOT, "machine fp32 GEMM rate (best measured): %.1f GFLOP/s%n", gemm);
        if (!Double.isNaN(tokenizeSeconds)) {
            System.out.printf(Locale.ROOT, "tokenize + pad 32 texts x 128 tokens: %.1f ms per batch (done once per dataset by the "
                    + "Trainer, not per step)%n", tokenizeSeconds * 1e3);
        }
        System.out.println("ovh % = (collate + PointerScope release + op-dispatch floor) / step; the floor is the same op graph on a "
                + "12-wide model, an upper bound on Java-side cost (it includes libtorch's own dispatcher and autograd).");
        if (Reference.MEASURED.isEmpty()) {
            System.out.println("ref s: PyTorch 1.13 fp32 (the PyTorch 1.13 reference figures in jtune-bench/RESULTS.md); predict ref = dropout-off training step / 3 (estimate). "
                    + "--reference times the reference in this session instead (the notes' figures are slow for this machine).");
        } else {
            System.out.println("ref s: the PyTorch reference timed in this session (--reference): " + Reference.MEASURED.keySet()
                    + "; other rows: the PyTorch 1.13 reference figures in jtune-bench/RESULTS.md.");
        }
    }

    static Map<String, Object> json(List<StepResult> results, List<Gemm.Rate> gemms, double tokenizeSeconds, List<Map<String, Object>> rss) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("intra_op_threads", org.bytedeco.pytorch.global.torch.get_num_threads());
        List<Map<String, Object>> g = new ArrayList<>();
        for (Gemm.Rate r : gemms) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dtype", r.dtype());
            m.put("m", r.m());
            m.put("k", r.k());
            m.put("n", r.n());
            m.put("gflops", Bench.round(r.gflops()));
            g.add(m);
        }
        root.put("gemm", g);
        root.put("tokenize_pad_seconds_per_batch_32x128", Bench.round(tokenizeSeconds));
        double gemm = bestFp32Gemm(gemms);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StepResult r : results) {
            Workload w = r.w();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("group", w.group());
            m.put("label", w.label());
            m.put("shape", w.shape().name());
            m.put("batch", w.batch());
            m.put("seq", w.seq());
            m.put("mode", w.predict() ? "predict" : "train");
            m.put("dropout", w.dropout());
            m.put("dtype", w.bf16() ? "bf16-autocast" : "fp32");
            m.put("attention", w.attention().name().toLowerCase(Locale.ROOT));
            m.put("steps_measured", r.stepSeconds().length);
            m.put("step_seconds_median", Bench.round(r.step()));
            m.put("step_seconds", r.stepSeconds());
            m.put("steps_per_second", Bench.round(1 / r.step()));
            m.put("samples_per_second", Bench.round(r.samplesPerSecond()));
            m.put("tokens_per_second", Bench.round(r.tokensPerSecond()));
            m.put("rows", w.dynamic() ? "sst2 sentences, dynamic padding (max_length " + w.seq() + ")" : "exactly " + w.seq() + " tokens");
            m.put("padded_tokens_per_step", Bench.round(r.tokensPerStep()));
            m.put("gflop_per_step", Bench.round(w.flopsPerStep(r.tokensPerStep() / w.batch()) / 1e9));
            m.put("gflops", Bench.round(r.gflopsPerSecond()));
            if (!w.bf16() && !Double.isNaN(gemm)) m.put("fraction_of_fp32_gemm", Bench.round(r.gflopsPerSecond() / gemm));
            m.put("collate_seconds", Bench.round(r.collate()));
            m.put("forward_seconds", Bench.round(r.forward()));
            m.put("backward_seconds", Bench.round(r.backward()));
            m.put("optimizer_seconds", Bench.round(r.optimizer()));
            m.put("release_seconds", Bench.round(r.release()));
            Map<String, Double> phases = new LinkedHashMap<>();
            r.phases().forEach((k, v) -> phases.put(k, Bench.round(v)));
            m.put(w.predict() ? "phase_seconds_median" : "loop_phase_seconds_mean", phases);
            if (!Double.isNaN(r.floor())) {
                m.put("dispatch_floor_seconds", Bench.round(r.floor()));
                m.put("overhead_share", Bench.round(r.overheadShare()));
            }
            double ref = referenceStep(w);
            if (!Double.isNaN(ref)) {
                m.put("reference_step_seconds", ref);
                m.put("speedup_vs_reference", Bench.round(ref / r.step()));
            }
            m.put("last_loss", Bench.round(r.lastLoss()));
            m.put("rss_mib_after", Bench.round(r.rssMiB()));
            m.put("peak_rss_mib", Bench.round(r.peakMiB()));
            rows.add(m);
        }
        root.put("workloads", rows);
        if (!rss.isEmpty()) root.put("rss_run", rss);
        return root;
    }
}
