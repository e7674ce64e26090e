package dev.jtune.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.JTuneException;
import dev.jtune.losses.LossFunction;
import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.PreTrainedTokenizer;
import org.bytedeco.pytorch.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;

/** A NaN loss stops training with a clear message (or is skipped on request); an unwritable output keeps old checkpoints. */
class TrainerFaultsTest {
    @TempDir
    Path tmp;

    /** A loss that turns NaN at the third call. */
    static LossFunction nanAtThirdCall() {
        int[] calls = {0};
        return (logits, labels, ctx) -> {
            var l = logits.pow(new Scalar(2)).mean();
            return ++calls[0] == 3 ? l.mul(new Scalar(Double.NaN)) : l;
        };
    }

    @Test
    void nanLossStopsWithTheStepOrIsSkipped() {
        JsonNode c = Json.read(Fixtures.cases().resolve("train-single.json"));
        Path dir = Fixtures.model("tiny-bert-single");
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(dir);
            Trainer t = Trainer.builder().model(m).tokenizer(tok).args(TrainFixtures.args(c, tmp).maxSteps(5).build())
                    .trainDataset(TrainFixtures.dataset(c, m)).lossFunction(nanAtThirdCall()).build();
            JTuneException e = assertThrows(JTuneException.class, t::train);
            assertTrue(e.getMessage().contains("at step 3"), e.getMessage());
            assertTrue(e.getMessage().contains("--learning-rate"), e.getMessage());

            BertForSequenceClassification m2 = BertForSequenceClassification.fromPretrained(dir);
            TrainOutput out = Trainer.builder().model(m2).tokenizer(tok).args(TrainFixtures.args(c, tmp).maxSteps(5).build())
                    .trainDataset(TrainFixtures.dataset(c, m2)).lossFunction(nanAtThirdCall()).skipNonFiniteSteps(true).build().train();
            assertEquals(5, out.globalStep());
            assertTrue(Double.isNaN(out.steps().get(2).loss()));
            for (float w : dev.jtune.torch.Torch.toFloatArray(m2.namedParameters().get("classifier.weight"))) assertTrue(Float.isFinite(w));
        }
    }

    @Test
    void aFailedCheckpointWriteIsAClearErrorAndKeepsTheLastCheckpoint() throws Exception {
        JsonNode c = Json.read(Fixtures.cases().resolve("train-single.json"));
        Path dir = Fixtures.model("tiny-bert-single");
        Path out = tmp.resolve("out");
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(dir);
            Trainer t = Trainer.builder().model(m).tokenizer(tok)
                    .args(TrainFixtures.args(c, out).maxSteps(8).saveStrategy(SaveStrategy.STEPS).saveSteps(4).build())
                    .trainDataset(TrainFixtures.dataset(c, m)).callback(new TrainerCallback() {
                        @Override public void onSave(TrainingArguments a, TrainerState s, TrainerControl ctl) {
                            // the file system refuses the next checkpoint (as a full disk or read-only folder would;
                            // root ignores permissions, so block the final rename with a file of the same name)
                            if (s.globalStep() == 4) {
                                try { Files.writeString(out.resolve("checkpoint-8"), "in the way"); } catch (java.io.IOException e) { throw new RuntimeException(e); }
                            }
                        }
                    }).build();
            JTuneException e = assertThrows(JTuneException.class, t::train);
            assertTrue(e.getMessage().contains("cannot save checkpoint") && e.getMessage().contains("checkpoint-8"), e.getMessage());
            assertTrue(e.getMessage().contains("previous checkpoints are kept"), e.getMessage());
            assertTrue(Files.isRegularFile(out.resolve("checkpoint-4/model.safetensors")), "the previous checkpoint is kept");
            try (var s = Files.list(out)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary folder left");
            }
        }
    }

    @Test
    void aFullDiskStopsBeforeWritingNamesTheDiskAndTheSpaceAndKeepsTheLastCheckpoint() throws Exception {
        JsonNode c = Json.read(Fixtures.cases().resolve("train-single.json"));
        Path dir = Fixtures.model("tiny-bert-single");
        Path out = tmp.resolve("out");
        var real = CheckpointIO.usableSpace;
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(dir);
            long weights = 0;
            for (var t : m.namedParameters().values()) weights += t.numel() * 4;
            long need = 3 * weights + (4L << 20);
            Trainer t = Trainer.builder().model(m).tokenizer(tok)
                    .args(TrainFixtures.args(c, out).maxSteps(8).saveStrategy(SaveStrategy.STEPS).saveSteps(4).build())
                    .trainDataset(TrainFixtures.dataset(c, m)).callback(new TrainerCallback() {
                        @Override public void onSave(TrainingArguments a, TrainerState s, TrainerControl ctl) {
                            if (s.globalStep() == 4) CheckpointIO.usableSpace = p -> 1L << 20; // the disk fills up: 1 MiB left
                        }
                    }).build();
            JTuneException e = assertThrows(JTuneException.class, t::train);
            String msg = e.getMessage();
            assertTrue(msg.contains("checkpoint-8 was not saved"), msg);
            assertTrue(msg.contains("has 1.0 MiB free"), msg);
            assertTrue(msg.contains(String.format(java.util.Locale.ROOT, "needs about %.1f MiB", need / (double) (1L << 20))), msg);
            assertTrue(msg.contains("the previous checkpoint " + out.resolve("checkpoint-4") + " is kept"), msg);
            assertTrue(msg.contains("--resume-from-checkpoint " + out.resolve("checkpoint-4")), msg);
            assertTrue(Files.isRegularFile(out.resolve("checkpoint-4/optimizer.pt")), "the previous checkpoint is kept");
            assertFalse(Files.exists(out.resolve("checkpoint-8")));
            try (var s = Files.list(out)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary folder left");
            }
            assertFalse(Files.exists(out.resolve(OutputDir.LOCK_FILE)), "the lock is released");
        } finally {
            CheckpointIO.usableSpace = real;
        }
    }

    @Test
    void leftoverTemporaryFoldersAreRemovedAtTheNextStart() throws Exception {
        JsonNode c = Json.read(Fixtures.cases().resolve("train-single.json"));
        Path dir = Fixtures.model("tiny-bert-single");
        Path out = tmp.resolve("out");
        Path leftover = Files.createDirectories(out.resolve("checkpoint-3.tmp-abc123"));
        Files.writeString(leftover.resolve("optimizer.pt"), "half written");
        Path leftoverFile = Files.writeString(out.resolve("config.json.tmp-xyz"), "{");
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(dir);
            Trainer.builder().model(m).tokenizer(tok).args(TrainFixtures.args(c, out).maxSteps(1).build())
                    .trainDataset(TrainFixtures.dataset(c, m)).build().train();
        }
        assertFalse(Files.exists(leftover));
        assertFalse(Files.exists(leftoverFile));
    }
}
