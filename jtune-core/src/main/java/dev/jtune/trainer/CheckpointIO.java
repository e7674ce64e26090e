package dev.jtune.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;
import dev.jtune.modeling.TaskModel;
import dev.jtune.io.AtomicFiles;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.modeling.io.WeightFiles;
import dev.jtune.modeling.PreTrainedModel;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.optim.AdamWOptimizer;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checkpoint folders {@code checkpoint-N/}: model (HF format), tokenizer, optimizer state (libtorch archive),
 * scheduler and RNG scheme, {@code trainer_state.json}, {@code training_args.json} and jtune's loop counters.
 * Written into a temporary folder, fsynced, then renamed, so a crash never leaves a half-written checkpoint that
 * resume would trust.
 */
public final class CheckpointIO {
    static final String OPTIMIZER = "optimizer.pt";
    static final String SCHEDULER = "scheduler.json";
    static final String RNG = "rng_state.json";
    static final String LOOP = "jtune_loop_state.json";
    static final String ARGS = "training_args.json";
    private static final ObjectMapper JSON = dev.jtune.io.Json.builder().build();

    private CheckpointIO() {}

    /** The loop counters that make a resumed run log exactly what an uninterrupted run logs. */
    public record LoopState(double trLossSinceLog, int lastLoggedStep, double totalLoss, int nanSteps) {}

    static Path save(Path outputDir, TaskModel model, PreTrainedTokenizer tokenizer, AdamWOptimizer optimizer,
                     TrainerState state, TrainingArguments args, LoopState loop, Map<String, Object> scheduler,
                     String dataFingerprint, int worldSize) {
        Path target = outputDir.resolve(CheckpointRotation.PREFIX_CHECKPOINT_DIR + "-" + state.globalStep());
        Path tmp = null;
        try {
            long weights = 0;
            for (var t : model.namedParameters().values()) weights += t.numel() * t.element_size();
            // weights + AdamW's two moments + a little JSON: checked before writing, so that a full disk never
            // reaches libtorch's archive writer (which cannot report it and terminates the process)
            long need = 3 * weights + (4L << 20);
            requireSpace(outputDir, need, target);
            tmp = AtomicFiles.tempFolderFor(target);
            model.savePretrained(tmp);
            if (tokenizer != null) tokenizer.savePretrained(tmp);
            requireSpace(tmp, 2 * weights + (1L << 20), target);
            OutputArchive a = new OutputArchive();
            optimizer.save(a);
            a.save_to(tmp.resolve(OPTIMIZER).toString());
            writeJson(tmp.resolve(SCHEDULER), scheduler);
            writeJson(tmp.resolve(RNG), Map.of("seed", args.seed(), "data_seed", args.resolvedDataSeed(),
                    "scheme", "libtorch manual_seed(seed * 1000003 + global_step) before every optimizer step; data order from data_seed and epoch"));
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("tr_loss_since_log", loop.trLossSinceLog());
            l.put("last_logged_step", loop.lastLoggedStep());
            l.put("total_loss", loop.totalLoss());
            l.put("nan_steps", loop.nanSteps());
            l.put(DATA_KEY, dataFingerprint);
            l.put(WORLD_SIZE_KEY, worldSize);
            writeJson(tmp.resolve(LOOP), l);
            args.writeJson(tmp.resolve(ARGS));
            state.saveToJson(tmp.resolve(TrainerState.TRAINER_STATE_NAME));
            fsyncAll(tmp);
            if (Files.isDirectory(target)) AtomicFiles.deleteTree(target); // a rerun over an old checkpoint of the same step
            if (!AtomicFiles.commitFolder(tmp, target)) {
                throw new IOException("another writer created " + target);
            }
            tmp = null;
            return target;
        } catch (IOException | RuntimeException e) {
            if (e instanceof JTuneException je) throw je;
            if (String.valueOf(e.getMessage()).contains("No space left") || String.valueOf(e).contains("No space left")) {
                throw diskFull(outputDir, target, 3L * sizeOf(model), e);
            }
            throw new JTuneException("cannot save checkpoint " + target + ": " + e.getMessage(),
                    "checkpoints are written to a temporary folder and renamed; the previous checkpoints are kept",
                    "check that --output-dir is writable and the disk has space", e);
        } finally {
            if (tmp != null) AtomicFiles.deleteTree(tmp);
        }
    }

    /** Free bytes on the disk holding a path (replaceable in tests, which cannot fill a real disk). */
    static java.util.function.ToLongFunction<Path> usableSpace = p -> {
        try {
            return Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // unknown: let the write itself report a problem
        }
    };

    private static long sizeOf(TaskModel model) {
        long w = 0;
        for (var t : model.namedParameters().values()) w += t.numel() * t.element_size();
        return w;
    }

    private static void requireSpace(Path dir, long need, Path target) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return;
        long free = usableSpace.applyAsLong(existing);
        if (free < need) throw diskFull(existing, target, need, null);
    }

    private static JTuneException diskFull(Path dir, Path target, long need, Throwable cause) {
        String disk;
        try {
            var store = Files.getFileStore(dir.toAbsolutePath());
            disk = store.name() + " (" + store.type() + ")";
        } catch (IOException | RuntimeException e) {
            disk = "the disk";
        }
        long free = usableSpace.applyAsLong(dir);
        Path previous = CheckpointRotation.lastCheckpoint(target.getParent());
        return new JTuneException("checkpoint " + target.getFileName() + " was not saved: " + disk + " holding " + dir + " has "
                + mib(free) + " free, and a checkpoint needs about " + mib(need),
                "a checkpoint is written completely into a temporary folder before it replaces anything; "
                        + (previous != null ? "the previous checkpoint " + previous + " is kept and valid" : "no earlier checkpoint exists")
                        + ", and the temporary folder was removed",
                "free " + mib(Math.max(need - free, 0)) + " or more on that disk, point --output-dir to a larger disk, or keep fewer checkpoints (--save-total-limit 1)"
                        + (previous != null ? "; then continue with --resume-from-checkpoint " + previous : ""), cause);
    }

    private static String mib(long bytes) {
        return bytes >= 10L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    /** The checkpoint to suggest instead of a damaged one: the latest complete one before it, if any. */
    private static String instead(Path damaged) {
        Path parent = damaged.toAbsolutePath().getParent();
        if (parent == null) return "an earlier checkpoint";
        String best = null;
        for (Path p : CheckpointRotation.sorted(parent, null)) {
            if (p.toAbsolutePath().normalize().equals(damaged.toAbsolutePath().normalize())) continue;
            if (step(p) < step(damaged)) best = p.toString();
        }
        return best != null ? best : "an earlier checkpoint (none is left in " + parent + "; train again without --resume-from-checkpoint)";
    }

    private static long step(Path checkpoint) {
        String n = checkpoint.getFileName().toString();
        try {
            return Long.parseLong(n.substring(n.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void fsyncAll(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) { ch.force(true); }
            }
        }
    }

    static void writeJson(Path file, Map<String, ?> m) throws IOException {
        AtomicFiles.write(file, (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Checks that a folder is a complete jtune checkpoint; the message names what is missing. */
    static void checkComplete(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new JTuneException("checkpoint folder not found: " + dir + " (CLI --resume-from-checkpoint)",
                    "resume needs a checkpoint-N folder written by jtune", "pass an existing checkpoint folder, or omit the value to use the latest in --output-dir");
        }
        for (String f : List.of("config.json", WeightFiles.SAFETENSORS, OPTIMIZER, TrainerState.TRAINER_STATE_NAME, LOOP)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new JTuneException("checkpoint " + dir + " is incomplete: " + f + " is missing",
                        "a resumable checkpoint holds the model, optimizer.pt, trainer_state.json and " + LOOP,
                        "resume from an earlier complete checkpoint");
            }
        }
    }

    /** The loop-state key of the number of ranks that trained the checkpoint (1: one process; absent means 1). */
    static final String WORLD_SIZE_KEY = "world_size";

    /**
     * Refuses a checkpoint trained by another number of ranks: the data shards, the steps per epoch and the position
     * in the epoch all depend on it (exit 2, naming the saved world size).
     */
    static void checkWorldSize(Path dir, int worldSize) {
        int saved;
        try {
            saved = JSON.readTree(dir.resolve(LOOP).toFile()).path(WORLD_SIZE_KEY).asInt(1);
        } catch (IOException e) {
            return; // unreadable: load() names the file
        }
        if (saved != worldSize) {
            throw new JTuneException("checkpoint " + dir + " was trained by " + saved + (saved == 1 ? " process" : " ranks") + " (world size " + saved
                    + ", " + LOOP + "), and this run has world size " + worldSize + " (CLI --resume-from-checkpoint)",
                    "a data-parallel run resumes with the world size it was saved with: each rank's data shard and the position in the epoch depend on it",
                    saved == 1 ? "resume as one process (without --nproc-per-node / WORLD_SIZE)"
                            : "resume with " + saved + " ranks (jtune train --nproc-per-node " + saved + ", or WORLD_SIZE=" + saved + ")");
        }
    }

    /** The loop-state key of the training data's fingerprint ({@link #fingerprint}). */
    static final String DATA_KEY = "train_data_sha256";

    /**
     * The arguments that change what a run computes: resuming with a different value would continue another run
     * than the one checkpointed (HF warns when batch size or steps differ; jtune refuses).
     */
    static final List<String> RUN_DEFINING_ARGS = List.of("learning_rate", "per_device_train_batch_size",
            "gradient_accumulation_steps", "seed", "data_seed", "lr_scheduler_type",
            "warmup_steps", "warmup_ratio", "weight_decay", "adam_beta1", "adam_beta2", "adam_epsilon", "max_grad_norm",
            "max_length", "label_smoothing_factor", "bf16", "fp16", "train_sampling_strategy", "dataloader_drop_last",
            "average_loss_exact_mean");

    /** Arguments that may change on resume to train longer (HF allows it); a change is logged as a warning. */
    static final List<String> EXTENDABLE_ARGS = List.of("num_train_epochs", "max_steps");
    private static final System.Logger LOG = System.getLogger(CheckpointIO.class.getName());

    /** SHA-256 over the training examples (texts, labels, order): what the checkpoint was trained on. */
    static String fingerprint(dev.jtune.data.Dataset data) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (dev.jtune.data.Example e : data.examples()) {
                md.update((e.text() + "\u0000" + e.textPair() + "\u0000" + e.classId() + "\u0000" + e.value() + "\u0000"
                        + java.util.Arrays.toString(e.multiHot()) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Refuses to resume a checkpoint with arguments or data that change the run: each differing argument of
     * {@link #RUN_DEFINING_ARGS} is named with both values, and different training data is named by its file.
     */
    static void checkSameRun(Path dir, TrainingArguments args, dev.jtune.data.Dataset data) {
        List<String> diffs = new java.util.ArrayList<>();
        try {
            JsonNode saved = JSON.readTree(dir.resolve(ARGS).toFile());
            JsonNode now = JSON.readTree(args.toJson());
            for (String k : RUN_DEFINING_ARGS) {
                JsonNode a = saved.get(k), b = now.get(k);
                if (a == null || b == null) continue;
                boolean same = a.isNumber() && b.isNumber() ? a.asDouble() == b.asDouble() : a.equals(b);
                if (!same) diffs.add(k + " " + a + " in the checkpoint, " + b + " now");
            }
            for (String k : EXTENDABLE_ARGS) {
                JsonNode a = saved.get(k), b = now.get(k);
                if (a != null && b != null && a.asDouble() != b.asDouble()) {
                    LOG.log(System.Logger.Level.WARNING, "resuming " + dir.getFileName() + " with " + k + " " + b + " (the checkpoint's run had "
                            + a + "): the learning-rate schedule now spans the new length, so the result differs from an uninterrupted run of either length");
                }
            }
            if (Files.isRegularFile(dir.resolve(LOOP))) {
                JsonNode l = JSON.readTree(dir.resolve(LOOP).toFile());
                String fp = l.path(DATA_KEY).asText("");
                if (!fp.isEmpty() && data != null && !fp.equals(fingerprint(data))) {
                    diffs.add("the training data (" + data.file() + ", " + data.size() + " rows) is not the data the checkpoint was trained on");
                }
            }
        } catch (IOException e) {
            throw new JTuneException("checkpoint " + dir + ": " + ARGS + " or " + LOOP + " cannot be read (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")",
                    "resume compares the checkpoint's arguments and data with this run's", "resume from " + instead(dir), e);
        }
        if (!diffs.isEmpty()) {
            throw new JTuneException("checkpoint " + dir + " belongs to another run: " + String.join("; ", diffs) + " (CLI --resume-from-checkpoint)",
                    "a resumed run continues the checkpointed run exactly, so its data and the arguments that change training must match",
                    "resume with the original arguments and data, or start a new run in a new --output-dir (or with --overwrite-output-dir)");
        }
    }

    /** Restores weights and optimizer state into existing objects; returns the trainer state and loop counters. */
    static Map.Entry<TrainerState, LoopState> load(Path dir, PreTrainedModel model, AdamWOptimizer optimizer,
                                                   TrainingArguments args, dev.jtune.data.Dataset data, int worldSize) {
        checkComplete(dir);
        checkWorldSize(dir, worldSize);
        checkSameRun(dir, args, data);
        var st = SafeTensors.read(dir.resolve(WeightFiles.SAFETENSORS));
        var report = model.loadStateDict(st.tensors(), dir.toString(), new PreTrainedModel.LoadOptions(false, 0.02, 0));
        if (!report.missingSuspicious().isEmpty() || !report.newlyInitialized().isEmpty()) {
            throw new JTuneException("checkpoint " + dir + " does not hold every weight of the model: missing "
                    + report.missingSuspicious() + report.newlyInitialized(), "resume needs the model the checkpoint was saved from",
                    "resume with the same --model and --num-labels as the original run");
        }
        try {
            InputArchive ia = new InputArchive();
            ia.load_from(dir.resolve(OPTIMIZER).toString());
            optimizer.load(ia, "checkpoint " + dir + ": " + OPTIMIZER);
        } catch (JTuneException e) {
            throw e;
        } catch (RuntimeException e) {
            String first = String.valueOf(e.getMessage()).strip().lines().findFirst().orElse("");
            throw new JTuneException("checkpoint " + dir + ": " + OPTIMIZER + " cannot be read (" + first + ")",
                    OPTIMIZER + " holds the AdamW state the checkpoint was saved with; a truncated or damaged file cannot be resumed from",
                    "resume from " + instead(dir) + " (--resume-from-checkpoint DIR)", e);
        }
        TrainerState state;
        try {
            state = TrainerState.loadFromJson(dir.resolve(TrainerState.TRAINER_STATE_NAME));
        } catch (JTuneException e) {
            throw new JTuneException("checkpoint " + dir + ": " + e.what(), e.rule(),
                    "resume from " + instead(dir) + " (--resume-from-checkpoint DIR)", e);
        }
        try {
            JsonNode l = JSON.readTree(dir.resolve(LOOP).toFile());
            LoopState loop = new LoopState(l.path("tr_loss_since_log").asDouble(), l.path("last_logged_step").asInt(),
                    l.path("total_loss").asDouble(), l.path("nan_steps").asInt());
            return Map.entry(state, loop);
        } catch (IOException e) {
            throw new JTuneException("cannot read " + dir.resolve(LOOP) + ": " + e.getMessage(), "the checkpoint must be readable",
                    "resume from an earlier checkpoint", e);
        }
    }
}
