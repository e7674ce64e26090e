package dev.jtune.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.io.AtomicFiles;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.modeling.io.WeightFiles;
import dev.jtune.modeling.PreTrainedModel;
import dev.jtune.tokenization.PreTrainedTokenizer;
import org.bytedeco.pytorch.AdamW;
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

    static Path save(Path outputDir, SequenceClassificationModel model, PreTrainedTokenizer tokenizer, AdamW optimizer,
                     TrainerState state, TrainingArguments args, LoopState loop, Map<String, Object> scheduler) {
        Path target = outputDir.resolve(CheckpointRotation.PREFIX_CHECKPOINT_DIR + "-" + state.globalStep());
        Path tmp = null;
        try {
            tmp = AtomicFiles.tempFolderFor(target);
            model.savePretrained(tmp);
            if (tokenizer != null) tokenizer.savePretrained(tmp);
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
            throw new JTuneException("cannot save checkpoint " + target + ": " + e.getMessage(),
                    "checkpoints are written to a temporary folder and renamed; the previous checkpoints are kept",
                    "check that --output-dir is writable and the disk has space", e);
        } finally {
            if (tmp != null) AtomicFiles.deleteTree(tmp);
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

    /** Restores weights and optimizer state into existing objects; returns the trainer state and loop counters. */
    static Map.Entry<TrainerState, LoopState> load(Path dir, PreTrainedModel model, AdamW optimizer) {
        checkComplete(dir);
        var st = SafeTensors.read(dir.resolve(WeightFiles.SAFETENSORS));
        var report = model.loadStateDict(st.tensors(), dir.toString(), new PreTrainedModel.LoadOptions(false, 0.02, 0));
        if (!report.missingSuspicious().isEmpty() || !report.newlyInitialized().isEmpty()) {
            throw new JTuneException("checkpoint " + dir + " does not hold every weight of the model: missing "
                    + report.missingSuspicious() + report.newlyInitialized(), "resume needs the model the checkpoint was saved from",
                    "resume with the same --model and --num-labels as the original run");
        }
        InputArchive ia = new InputArchive();
        ia.load_from(dir.resolve(OPTIMIZER).toString());
        optimizer.load(ia);
        TrainerState state = TrainerState.loadFromJson(dir.resolve(TrainerState.TRAINER_STATE_NAME));
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
