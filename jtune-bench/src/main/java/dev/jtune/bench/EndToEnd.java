package dev.jtune.bench;

import dev.jtune.modeling.AutoModel;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --only e2e}: the product end to end on real data. {@code ./jtune train --model minilm} on the shared SST-2 4k
 * sample (1 epoch, batch 32, max_length 128, dynamic padding, fp32, dropout on, HF's defaults otherwise: learning rate
 * 5e-5, linear schedule, no warm-up, clipping at 1.0, seed 42) as a new process, exactly as a user runs it; with
 * {@code --reference}, right after it, the PyTorch reference's {@code hfref.py train} on the same file and recipe
 * (saving its model too, as {@code jtune train} does). Wall time and samples/s include everything: process start,
 * reading and tokenizing the data, loading the model, training and saving.
 */
final class EndToEnd {
    private EndToEnd() {}

    static final int EPOCHS = 1, BATCH = 32, MAX_LENGTH = 128;

    /** One process: its command, wall seconds, the training time it reported itself, exit code. */
    record Run(String who, List<String> command, double wallSeconds, double trainSeconds, int exitCode, String lastLine, String engineLine) {
        double samplesPerSecond(int rows) { return exitCode == 0 ? rows * EPOCHS / wallSeconds : Double.NaN; }

        Map<String, Object> json(int rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", String.join(" ", command));
            m.put("exit_code", exitCode);
            m.put("wall_seconds", num(wallSeconds));
            m.put("samples_per_second_wall", num(samplesPerSecond(rows)));
            m.put("train_seconds_reported", num(trainSeconds));
            if (exitCode != 0) m.put("last_line", lastLine);
            if (engineLine != null) m.put("engine", engineLine);
            return m;
        }
    }

    /** Rounded, or null (JSON has no NaN) where not measured. */
    static Double num(double v) { return Double.isFinite(v) ? Bench.round(v) : null; }

    /** The figures of one e2e run; {@code reference} is null without {@code --reference}. */
    record Result(Path data, int rows, Run jtune, Run reference, String openblasCore) {
        void print() {
            System.out.printf(Locale.ROOT, "e2e SST-2 (%s, %d rows, %d epoch, batch %d, max_length %d, dynamic padding, fp32, dropout on):%n",
                    data.getFileName(), rows, EPOCHS, BATCH, MAX_LENGTH);
            for (Run r : reference == null ? List.of(jtune) : List.of(jtune, reference)) {
                if (r.exitCode() != 0) {
                    System.out.printf(Locale.ROOT, "  %-10s failed (exit %d): %s%n", r.who(), r.exitCode(), r.lastLine());
                } else {
                    System.out.printf(Locale.ROOT, "  %-10s wall %7.1f s  %6.1f samples/s  (training itself %.1f s)%n", r.who(), r.wallSeconds(),
                            r.samplesPerSecond(rows), r.trainSeconds());
                }
            }
            if (reference != null && jtune.exitCode() == 0 && reference.exitCode() == 0) {
                System.out.printf(Locale.ROOT, "  jtune / reference: %.2fx wall (%.2fx training itself)%n", reference.wallSeconds() / jtune.wallSeconds(),
                        reference.trainSeconds() / jtune.trainSeconds());
            }
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("data", data.toString());
            m.put("rows", rows);
            m.put("recipe", Map.of("epochs", EPOCHS, "batch", BATCH, "max_length", MAX_LENGTH, "padding", "dynamic", "dtype", "fp32",
                    "dropout", true, "learning_rate", 5e-5, "seed", 42));
            m.put("jtune", jtune.json(rows));
            if (reference != null) {
                m.put("reference", reference.json(rows));
                m.put("reference_openblas_coretype", openblasCore == null ? "unset" : openblasCore);
                if (jtune.exitCode() == 0 && reference.exitCode() == 0) {
                    m.put("speedup_wall", Bench.round(reference.wallSeconds() / jtune.wallSeconds()));
                    m.put("speedup_training", Bench.round(reference.trainSeconds() / jtune.trainSeconds()));
                }
            }
            return m;
        }
    }

    private static final Pattern JTUNE_RUNTIME = Pattern.compile("train_runtime ([0-9.]+)");
    private static final Pattern REF_RUNTIME = Pattern.compile("^(\\d+) steps in ([0-9.]+)s");

    /** Runs jtune (and the reference when {@code python} is set); null when the SST-2 sample is missing. */
    static Result run(Path repo, Path shared, String python) {
        Path data = shared.resolve("data/sst2-train-4k.tsv").toAbsolutePath().normalize();
        shared = shared.toAbsolutePath().normalize();
        if (!Files.isRegularFile(data)) {
            System.out.println("e2e: " + data + " not found (../shared/data); skipped");
            return null;
        }
        int rows;
        try (var lines = Files.lines(data, StandardCharsets.UTF_8)) {
            rows = (int) lines.count() - 1;
        } catch (IOException e) {
            System.out.println("e2e: cannot read " + data + ": " + e.getMessage());
            return null;
        }
        System.out.printf(Locale.ROOT, "e2e: jtune train on %s%s ...%n", data, python != null ? ", then the PyTorch reference's train" : "");
        Path tmp;
        try {
            tmp = Files.createTempDirectory("jtune-bench-e2e");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            List<String> jt = new ArrayList<>(List.of(repo.resolve("jtune").toString(), "train", "--model", "minilm", "--train", data.toString(),
                    "--output-dir", tmp.resolve("jtune").toString(), "--num-train-epochs", String.valueOf(EPOCHS),
                    "--per-device-train-batch-size", String.valueOf(BATCH), "--max-length", String.valueOf(MAX_LENGTH), "--no-progress"));
            if (LoopRunner.optim != null) jt.addAll(List.of("--optim", LoopRunner.optim.hfName()));
            Run jtune = time("jtune", jt, Map.of(), JTUNE_RUNTIME, 1);
            Run ref = null;
            String core = null;
            if (python != null) {
                Path hfref = shared.resolve("tools/hfref.py");
                Path model = AutoModel.resolve("minilm");
                core = Reference.openblasCoreType(dev.jtune.torch.Engine.cpuFlags());
                List<String> cmd = new ArrayList<>(List.of(python, hfref.toString(), "train", "--model", model.toString(),
                        "--train", data.toString(), "--text-col", "sentence", "--label-col", "label", "--max-len", String.valueOf(MAX_LENGTH),
                        "--epochs", String.valueOf(EPOCHS), "--batch", String.valueOf(BATCH), "--lr", "5e-5", "--seed", "42",
                        "--threads", String.valueOf(Runtime.getRuntime().availableProcessors()), "--save", tmp.resolve("reference").toString()));
                Map<String, String> env = new LinkedHashMap<>();
                env.put("OMP_WAIT_POLICY", "PASSIVE");
                if (core != null) {
                    cmd.add("--openblas-coretype");
                    cmd.add(core);
                    env.put("OPENBLAS_CORETYPE", core);
                }
                ref = time("reference", cmd, env, REF_RUNTIME, 2);
            }
            Result r = new Result(data, rows, jtune, ref, core);
            r.print();
            return r;
        } finally {
            LoopRunner.deleteQuietly(tmp);
        }
    }

    /** Starts the command, echoes nothing, returns its wall time and the training seconds matched in its output. */
    private static Run time(String who, List<String> cmd, Map<String, String> env, Pattern runtime, int group) {
        System.out.printf(Locale.ROOT, "  %s: %s%n", who, String.join(" ", cmd));
        String last = "", engine = null;
        double train = Double.NaN;
        long t0 = System.nanoTime();
        int rc;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            Reference.withoutLauncherAllocator(pb.environment()); // ./jtune picks its allocator itself; the reference runs without it
            pb.environment().putAll(env);
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = runtime.matcher(line);
                    if (m.find()) train = Double.parseDouble(m.group(group));
                    if (!line.isBlank()) last = line.strip();
                    if (line.startsWith("Engine:") || line.startsWith("warning: other programs")) engine = engine == null ? line.strip() : engine + " | " + line.strip();
                }
            }
            rc = p.waitFor();
        } catch (IOException e) {
            return new Run(who, cmd, Double.NaN, Double.NaN, 127, e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(who, cmd, Double.NaN, Double.NaN, 130, "interrupted", null);
        }
        return new Run(who, cmd, Stats.seconds(System.nanoTime() - t0), train, rc, last, engine);
    }
}
