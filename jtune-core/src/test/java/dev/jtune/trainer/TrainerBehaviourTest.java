package dev.jtune.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.losses.LossContext;
import dev.jtune.losses.LossFunction;
import dev.jtune.losses.LossSpec;
import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.torch.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Trainer semantics: exact resume, the exact-mean option, loss precedence, early stopping and best-model reload. */
class TrainerBehaviourTest {
    static JsonNode single;
    static PreTrainedTokenizer tok;
    static Path modelDir;

    @BeforeAll
    static void load() {
        single = Json.read(Fixtures.cases().resolve("train-single.json"));
        modelDir = Fixtures.model("tiny-bert-single");
        tok = AutoTokenizer.fromPretrained(modelDir);
    }

    @AfterAll
    static void closeTok() { if (tok != null) tok.close(); }

    /** dropout ON (the default 0.1) so resume must also restore the random stream. */
    static BertForSequenceClassification model() {
        return BertForSequenceClassification.fromPretrained(modelDir);
    }

    static Trainer.Builder trainer(BertForSequenceClassification m, TrainingArguments a) {
        return Trainer.builder().model(m).tokenizer(tok).args(a).trainDataset(TrainFixtures.dataset(single, m));
    }

    @Test
    void prefetchingBatchesChangesNothing(@TempDir Path tmp) throws Exception {
        // random order, gradient accumulation with a ragged last window, dropout on: padded ahead (2) or on the
        // training thread (0), the run must be the same bit for bit
        TrainingArguments.Builder ab = TrainFixtures.args(single, tmp.resolve("ahead"))
                .trainSamplingStrategy(TrainSamplingStrategy.RANDOM).maxSteps(6).gradientAccumulationSteps(3).loggingSteps(1)
                .saveStrategy(SaveStrategy.STEPS).saveSteps(6);
        assertEquals(2, ab.build().dataloaderPrefetchFactor(), "prefetching is on by default");
        trainer(model(), ab.build()).build().train();
        trainer(model(), ab.outputDir(tmp.resolve("inline").toString()).dataloaderPrefetchFactor(0).build()).build().train();
        assertArrayEquals(Files.readAllBytes(tmp.resolve("ahead/checkpoint-6/model.safetensors")),
                Files.readAllBytes(tmp.resolve("inline/checkpoint-6/model.safetensors")));
        assertEquals(TrainerState.loadFromJson(tmp.resolve("ahead/checkpoint-6/trainer_state.json")).logHistory(),
                TrainerState.loadFromJson(tmp.resolve("inline/checkpoint-6/trainer_state.json")).logHistory());
        JTuneException e = assertThrows(JTuneException.class, () -> TrainingArguments.builder().dataloaderPrefetchFactor(-1).build());
        assertTrue(e.getMessage().contains("dataloader_prefetch_factor"), e.getMessage());
    }

    @Test
    void resumeFromACheckpointIsBitForBitIdentical(@TempDir Path tmp) throws Exception {
        TrainingArguments.Builder ab = TrainFixtures.args(single, tmp.resolve("full"))
                .trainSamplingStrategy(TrainSamplingStrategy.RANDOM).maxSteps(12).loggingSteps(5).saveStrategy(SaveStrategy.STEPS).saveSteps(4);
        BertForSequenceClassification full = model();
        trainer(full, ab.build()).build().train();
        List<Map<String, Object>> fullLog = TrainerState.loadFromJson(tmp.resolve("full/checkpoint-12/trainer_state.json")).logHistory();

        // an interrupted run: the same, stopped after the save at step 8 (as if killed), then resumed in a new Trainer
        Path part = tmp.resolve("part");
        BertForSequenceClassification first = model();
        trainer(first, ab.outputDir(part.toString()).build()).callback(new TrainerCallback() {
            @Override public void onSave(TrainingArguments a, TrainerState s, TrainerControl c) {
                if (s.globalStep() == 8) c.shouldTrainingStop(true);
            }
        }).build().train();
        assertTrue(Files.isDirectory(part.resolve("checkpoint-8")));
        BertForSequenceClassification resumed = model();
        trainer(resumed, ab.outputDir(part.toString()).build()).build().train(part.resolve("checkpoint-8"));

        byte[] a = Files.readAllBytes(tmp.resolve("full/checkpoint-12/model.safetensors"));
        byte[] b = Files.readAllBytes(part.resolve("checkpoint-12/model.safetensors"));
        assertArrayEquals(a, b, "final weights bit for bit");
        List<Map<String, Object>> resumedLog = TrainerState.loadFromJson(part.resolve("checkpoint-12/trainer_state.json")).logHistory();
        assertEquals(fullLog, resumedLog, "same log lines");
    }

    @Test
    void exactMeanMakesAccumulationEquivalentToALargerBatch(@TempDir Path tmp) {
        // labels with -100 make micro-batch item counts differ, where the mean of means is not the exact mean
        JsonNode c = single;
        TrainingArguments.Builder base = TrainFixtures.args(c, tmp).maxSteps(3).averageLossExactMean(true);
        BertForSequenceClassification m1 = BertForSequenceClassification.fromPretrained(modelDir,
                FromPretrainedOptions.builder().configOverrides(TrajectoryParityTest.overrides(c)).build());
        Dataset d1 = withIgnored(TrainFixtures.dataset(c, m1));
        TrainOutput ga = Trainer.builder().model(m1).tokenizer(tok).trainDataset(d1)
                .args(base.perDeviceTrainBatchSize(2).gradientAccumulationSteps(2).build()).build().train();
        BertForSequenceClassification m2 = BertForSequenceClassification.fromPretrained(modelDir,
                FromPretrainedOptions.builder().configOverrides(TrajectoryParityTest.overrides(c)).build());
        TrainOutput big = Trainer.builder().model(m2).tokenizer(tok).trainDataset(d1)
                .args(base.perDeviceTrainBatchSize(4).gradientAccumulationSteps(1).build()).build().train();
        for (int i = 0; i < 3; i++) {
            assertEquals(big.steps().get(i).gradNorm(), ga.steps().get(i).gradNorm(), big.steps().get(i).gradNorm() * 1e-5, "grad_norm " + i);
            assertEquals(big.steps().get(i).loss(), ga.steps().get(i).loss(), 1e-5, "loss " + i);
        }
        float[] w1 = Torch.toFloatArray(m1.namedParameters().get("classifier.weight"));
        float[] w2 = Torch.toFloatArray(m2.namedParameters().get("classifier.weight"));
        for (int i = 0; i < w1.length; i++) assertEquals(w2[i], w1[i], 1e-5, "weights");
        // and HF's default (mean of micro-batch means) is measurably different here
        BertForSequenceClassification m3 = BertForSequenceClassification.fromPretrained(modelDir,
                FromPretrainedOptions.builder().configOverrides(TrajectoryParityTest.overrides(c)).build());
        TrainOutput hf = Trainer.builder().model(m3).tokenizer(tok).trainDataset(d1)
                .args(base.averageLossExactMean(false).perDeviceTrainBatchSize(2).gradientAccumulationSteps(2).build()).build().train();
        assertNotEquals(big.steps().get(0).gradNorm(), hf.steps().get(0).gradNorm(), big.steps().get(0).gradNorm() * 1e-3);
    }

    static Dataset withIgnored(Dataset d) {
        List<dev.jtune.data.Example> ex = new ArrayList<>(d.examples());
        for (int i : new int[] {1, 5, 6}) {
            var e = ex.get(i);
            ex.set(i, dev.jtune.data.Example.ofClass(e.id(), e.text(), e.textPair(), -100, e.sourceLine()));
        }
        return new Dataset(d.file(), d.columns(), d.textColumn(), d.textPairColumn(), d.labelColumn(), d.labelKind(), d.labelMap(), ex, d.skipped());
    }

    @Test
    void precedenceSubclassOverLossFunctionOverSpecOverModel(@TempDir Path tmp) {
        TrainingArguments a = TrainFixtures.args(single, tmp).maxSteps(1).build();
        List<String> called = new ArrayList<>();
        LossFunction custom = new LossFunction() {
            @Override public Tensor compute(Tensor logits, Tensor labels, LossContext ctx) {
                called.add("fn:" + ctx.numItemsInWindow());
                return logits.pow(new Scalar(2)).mean();
            }
            @Override public String describe() { return "SquaredLogits"; }
        };
        // 1. the loss function beats the configured spec and the model loss; labels are withheld from the model
        BertForSequenceClassification m = model();
        Trainer t = trainer(m, a).lossFunction(custom).lossSpec(LossSpec.none().withFocalGamma(2)).build();
        assertTrue(t.lossDescription().contains("custom loss function SquaredLogits"), t.lossDescription());
        t.train();
        assertEquals(List.of("fn:4"), called);
        // 2. the spec beats the model's loss
        Trainer t2 = trainer(model(), a).lossSpec(LossSpec.none().withClassWeights(new float[] {1, 2, 3})).build();
        assertTrue(t2.lossDescription().contains("CrossEntropyLoss(mean, ignore_index=-100, class weights [1.0, 2.0, 3.0])"), t2.lossDescription());
        // 3. by default the model's own loss, explained
        Trainer t3 = trainer(model(), a).build();
        assertEquals("problem_type single_label_classification inferred from num_labels=3 and string labels (negative, neutral, positive) mapped to class ids → "
                + "CrossEntropyLoss(mean, ignore_index=-100) (the model's own loss)", t3.lossDescription());
        // 4. a subclass override beats everything
        called.clear();
        Trainer t4 = new Trainer(trainer(model(), a).lossFunction(custom)) {
            @Override
            public LossAndOutputs computeLoss(dev.jtune.modeling.TaskModel model, Batch inputs, boolean returnOutputs, long n) {
                called.add("override");
                var out = model.forward(inputs.inputIds(), inputs.attentionMask(), inputs.tokenTypeIds());
                return new LossAndOutputs(out.logits().mean(), out);
            }
        };
        t4.train();
        assertEquals(List.of("override"), called);
        // 5. label smoothing with regression is a configuration-time error
        BertForSequenceClassification reg = BertForSequenceClassification.fromPretrained(Fixtures.model("tiny-bert-regression"));
        JsonNode rc = Json.read(Fixtures.cases().resolve("train-regression.json"));
        Trainer t5 = Trainer.builder().model(reg).tokenizer(tok).trainDataset(TrainFixtures.dataset(rc, reg))
                .args(TrainFixtures.args(rc, tmp).labelSmoothingFactor(0.1).build()).build();
        assertThrows(JTuneException.class, t5::train);
    }

    @Test
    void earlyStoppingAndLoadBestModelAtEnd(@TempDir Path tmp) throws Exception {
        // lr 0.05 makes eval loss get worse after the first epochs; the best checkpoint is not the last
        TrainingArguments a = TrainFixtures.args(single, tmp).maxSteps(-1).numTrainEpochs(8).learningRate(0.05).warmupSteps(0)
                .evalStrategy(IntervalStrategy.EPOCH).saveStrategy(SaveStrategy.EPOCH).loadBestModelAtEnd(true).saveTotalLimit(1).build();
        BertForSequenceClassification m = model();
        Dataset train = TrainFixtures.dataset(single, m);
        EarlyStoppingCallback es = new EarlyStoppingCallback(2, 0.0);
        Trainer t = Trainer.builder().model(m).tokenizer(tok).args(a).trainDataset(train).evalDataset(train).callback(es).build();
        TrainOutput out = t.train();
        TrainerState s = t.state();
        List<Double> evalLosses = new ArrayList<>();
        for (Map<String, Object> e : s.logHistory()) if (e.containsKey("eval_loss")) evalLosses.add(((Number) e.get("eval_loss")).doubleValue());
        int best = 0;
        for (int i = 1; i < evalLosses.size(); i++) if (evalLosses.get(i) < evalLosses.get(best)) best = i;
        assertTrue(best < evalLosses.size() - 1, "the best epoch is not the last: " + evalLosses);
        assertEquals(evalLosses.size() - 1 - best, 2, "stopped after patience 2 epochs without improvement: " + evalLosses);
        assertTrue(out.globalStep() < 8 * 4, "stopped early");
        assertEquals(evalLosses.get(best), s.bestMetric(), 1e-12);
        Path bestDir = Path.of(s.bestModelCheckpoint());
        assertTrue(Files.isDirectory(bestDir), "save_total_limit never deletes the best checkpoint");
        // the model now holds the best checkpoint's weights
        var saved = SafeTensors.read(bestDir.resolve("model.safetensors")).tensors().get("classifier.weight").toFloatArray();
        assertArrayEquals(saved, Torch.toFloatArray(m.namedParameters().get("classifier.weight")));
        assertEquals(evalLosses.get(best), t.evaluate().get("eval_loss"), 1e-6);
    }
}
