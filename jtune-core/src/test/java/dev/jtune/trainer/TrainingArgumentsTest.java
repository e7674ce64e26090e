package dev.jtune.trainer;

import dev.jtune.JTuneException;
import dev.jtune.optim.OptimizerNames;
import dev.jtune.optim.SchedulerType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

class TrainingArgumentsTest {

    static String resource(String name) throws Exception {
        try (InputStream in = TrainingArgumentsTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void hfDefaults() {
        TrainingArguments a = TrainingArguments.defaults();
        assertEquals("trainer_output", a.outputDir());
        assertEquals(5e-5, a.learningRate());
        assertEquals(3.0, a.numTrainEpochs());
        assertEquals(-1, a.maxSteps());
        assertEquals(8, a.perDeviceTrainBatchSize());
        assertEquals(8, a.perDeviceEvalBatchSize());
        assertEquals(1, a.gradientAccumulationSteps());
        assertEquals(0.0, a.weightDecay());
        assertEquals(0.9, a.adamBeta1());
        assertEquals(0.999, a.adamBeta2());
        assertEquals(1e-8, a.adamEpsilon());
        assertEquals(1.0, a.maxGradNorm());
        assertEquals(SchedulerType.LINEAR, a.lrSchedulerType());
        assertEquals(42, a.seed());
        assertEquals(42, a.resolvedDataSeed());
        assertEquals(IntervalStrategy.NO, a.evalStrategy());
        assertEquals(SaveStrategy.STEPS, a.saveStrategy());
        assertEquals(IntervalStrategy.STEPS, a.loggingStrategy());
        assertEquals(500, a.saveSteps());
        assertEquals(500, a.loggingSteps());
        assertEquals(500, a.resolvedEvalSteps());
        assertNull(a.saveTotalLimit());
        assertTrue(a.loggingNanInfFilter());
        assertEquals(128, a.maxLength());
        assertFalse(a.averageLossExactMean());
        assertNull(a.resolvedMetricForBestModel());
        assertEquals(TrainSamplingStrategy.RANDOM, a.trainSamplingStrategy());
    }

    @Test
    void resolvedValues() {
        TrainingArguments a = TrainingArguments.builder().loadBestModelAtEnd(true).evalStrategy(IntervalStrategy.STEPS)
                .loggingSteps(50).saveSteps(100).build();
        assertEquals(50, a.resolvedEvalSteps()); // eval_steps unset -> logging_steps
        assertEquals("eval_loss", a.resolvedMetricForBestModel()); // load_best -> "loss" + prefix
        assertFalse(a.resolvedGreaterIsBetter()); // ends with "loss"
        TrainingArguments b = a.toBuilder().metricForBestModel("accuracy").build();
        assertEquals("eval_accuracy", b.resolvedMetricForBestModel());
        assertTrue(b.resolvedGreaterIsBetter());
        assertEquals("eval_f1", b.toBuilder().metricForBestModel("eval_f1").build().resolvedMetricForBestModel());
        assertFalse(b.toBuilder().greaterIsBetter(false).build().resolvedGreaterIsBetter());
        assertEquals(7, b.toBuilder().dataSeed(7).build().resolvedDataSeed());
    }

    @Test
    void warmupResolution() {
        // >= 1: int(x) steps; ratio: ceil(T * x); legacy warmup_ratio used only when warmup_steps == 0
        assertEquals(2, TrainingArguments.builder().warmupSteps(2).build().resolvedWarmupSteps(20));
        assertEquals(2, TrainingArguments.builder().warmupSteps(2.7).build().resolvedWarmupSteps(20));
        assertEquals(3, TrainingArguments.builder().warmupSteps(0.1).build().resolvedWarmupSteps(21)); // ceil(2.1)
        assertEquals(3, TrainingArguments.builder().warmupRatio(0.1).build().resolvedWarmupSteps(21));
        assertEquals(5, TrainingArguments.builder().warmupSteps(5).warmupRatio(0.5).build().resolvedWarmupSteps(21));
        assertEquals(0, TrainingArguments.defaults().resolvedWarmupSteps(100));
    }

    private static void assertRejects(UnaryOperator<TrainingArguments.Builder> f, String hfText, String... flags) {
        JTuneException e = assertThrows(JTuneException.class, () -> f.apply(TrainingArguments.builder()).build());
        assertTrue(e.what().contains(hfText), () -> "expected <" + hfText + "> in: " + e.what());
        for (String flag : flags) assertTrue(e.what().contains(flag), () -> "expected " + flag + " in: " + e.what());
        assertNotNull(e.rule());
        assertNotNull(e.fix());
    }

    @Test
    void everyValidationMessage() {
        assertRejects(b -> b.loadBestModelAtEnd(true).evalStrategy(IntervalStrategy.EPOCH).saveStrategy(SaveStrategy.STEPS),
                "--load_best_model_at_end requires the save and eval strategy to match (unless when "
                        + "`--save_strategy=\"best\"`), but found\n- Evaluation strategy: epoch\n- Save strategy: steps",
                "--load-best-model-at-end", "--eval-strategy", "--save-strategy");
        assertRejects(b -> b.loadBestModelAtEnd(true).evalStrategy(IntervalStrategy.STEPS).evalSteps(300).saveSteps(500),
                "--load_best_model_at_end requires the saving steps to be a round multiple of the evaluation steps, "
                        + "but found 500, which is not a round multiple of 300.", "--save-steps", "--eval-steps");
        assertRejects(b -> b.loggingSteps(0), "logging strategy steps requires non-zero --logging_steps", "--logging-steps");
        assertRejects(b -> b.fp16(true).bf16(true), "At most one of fp16 and bf16 can be True, but not both", "--fp16", "--bf16");
        assertRejects(b -> b.fp16(true), "FP16 Mixed precision training with AMP or APEX (`--fp16`)", "--fp16");
        assertRejects(b -> b.perDeviceTrainBatchSize(0), "per_device_train_batch_size must be a positive integer",
                "--per-device-train-batch-size");
        assertRejects(b -> b.perDeviceEvalBatchSize(-1), "per_device_eval_batch_size must be a positive integer",
                "--per-device-eval-batch-size");
        assertRejects(b -> b.learningRate(0), "learning_rate must be a positive finite number", "--learning-rate");
        assertRejects(b -> b.learningRate(-1e-5), "learning_rate must be a positive", "--learning-rate");
        assertRejects(b -> b.gradientAccumulationSteps(0), "gradient_accumulation_steps must be >= 1",
                "--gradient-accumulation-steps");
        assertRejects(b -> b.warmupSteps(-1), "warmup_steps must be >= 0", "--warmup-steps");
        assertRejects(b -> b.warmupRatio(1.5), "warmup_ratio must lie in range [0,1]", "--warmup-ratio");
        assertRejects(b -> b.labelSmoothingFactor(1.0), "label_smoothing_factor must lie in [0, 1)",
                "--label-smoothing-factor");
        assertRejects(b -> b.labelSmoothingFactor(-0.1), "label_smoothing_factor must lie in [0, 1)",
                "--label-smoothing-factor");
        assertRejects(b -> b.numTrainEpochs(0).maxSteps(-1), "num_train_epochs must be > 0 when max_steps is not set",
                "--num-train-epochs", "--max-steps");
        assertRejects(b -> b.saveTotalLimit(0), "save_total_limit must be >= 1", "--save-total-limit");
        assertRejects(b -> b.evalStrategy(IntervalStrategy.STEPS).loggingSteps(0).loggingStrategy(IntervalStrategy.NO),
                "evaluation strategy steps requires either non-zero --eval_steps or --logging_steps", "--eval-steps");
        assertRejects(b -> b.saveStrategy(SaveStrategy.BEST),
                "`args.metric_for_best_model` must be provided when using 'best' save_strategy.",
                "--metric-for-best-model");
        assertRejects(b -> b.maxLength(1), "max_length must be >= 2", "--max-length");
    }

    @Test
    void validCombinationsPass() {
        // epochs 0 is fine with max_steps; save=best needs no strategy match; multiple of eval steps
        assertDoesNotThrow(() -> TrainingArguments.builder().numTrainEpochs(0).maxSteps(10).build());
        assertDoesNotThrow(() -> TrainingArguments.builder().loadBestModelAtEnd(true).evalStrategy(IntervalStrategy.EPOCH)
                .saveStrategy(SaveStrategy.BEST).build());
        assertDoesNotThrow(() -> TrainingArguments.builder().loadBestModelAtEnd(true).evalStrategy(IntervalStrategy.STEPS)
                .evalSteps(250).saveSteps(500).build());
    }

    @Test
    void jsonRoundTrip(@TempDir Path dir) {
        TrainingArguments a = TrainingArguments.builder().outputDir("out/x").learningRate(2e-5).maxSteps(100)
                .lrSchedulerType(SchedulerType.COSINE_WITH_RESTARTS).warmupSteps(0.06).dataSeed(3)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(10).saveSteps(20).saveTotalLimit(2)
                .loadBestModelAtEnd(true).metricForBestModel("f1_macro").greaterIsBetter(true).bf16(true)
                .trainSamplingStrategy(TrainSamplingStrategy.SEQUENTIAL).averageLossExactMean(true).maxLength(64).build();
        TrainingArguments.FromJsonResult r = TrainingArguments.fromJson(a.toJson());
        assertEquals(a, r.args());
        assertEquals(List.of(), r.ignoredKeys());
        assertTrue(a.toJson().contains("\n  \"lr_scheduler_type\": \"cosine_with_restarts\",\n"), a.toJson());
        Path file = dir.resolve("sub/training_args.json");
        a.writeJson(file);
        assertEquals(a, TrainingArguments.fromJson(file).args());
        TrainingArguments g = a.toBuilder().trainSamplingStrategy(TrainSamplingStrategy.GROUP_BY_LENGTH).build();
        assertEquals(g, TrainingArguments.fromJson(g.toJson()).args());
    }

    @Test
    void prefetchFactorFromHfJson() {
        // HF writes null (its default with 0 DataLoader workers): jtune keeps its own default of 2 batches ahead
        assertEquals(2, TrainingArguments.fromJson("{\"dataloader_prefetch_factor\": null}").args().dataloaderPrefetchFactor());
        assertEquals(0, TrainingArguments.fromJson("{\"dataloader_prefetch_factor\": 0}").args().dataloaderPrefetchFactor());
        assertThrows(JTuneException.class, () -> TrainingArguments.fromJson("{\"dataloader_prefetch_factor\": -1}"));
    }

    @Test
    void importsHfJsonAndReportsIgnoredKeys() throws Exception {
        TrainingArguments.FromJsonResult r = TrainingArguments.fromJson(resource("hf_training_args_4x.json"));
        TrainingArguments a = r.args();
        assertEquals("runs/sst2", a.outputDir());
        assertEquals(IntervalStrategy.EPOCH, a.evalStrategy()); // old name evaluation_strategy
        assertEquals(SaveStrategy.EPOCH, a.saveStrategy());
        assertEquals(32, a.perDeviceTrainBatchSize());
        assertEquals(2, a.gradientAccumulationSteps());
        assertEquals(2e-5, a.learningRate());
        assertEquals(SchedulerType.COSINE, a.lrSchedulerType());
        assertEquals(OptimizerNames.ADAMW_TORCH, a.optim()); // "optim": "adamw_torch"
        assertEquals(0.1, a.warmupRatio());
        assertEquals(10, a.resolvedWarmupSteps(100));
        assertEquals(13, a.seed());
        assertEquals(2, a.saveTotalLimit());
        assertEquals(TrainSamplingStrategy.GROUP_BY_LENGTH, a.trainSamplingStrategy()); // group_by_length: true
        assertEquals("eval_accuracy", a.resolvedMetricForBestModel());
        assertEquals(50, a.resolvedEvalSteps());
        for (String k : List.of("overwrite_output_dir", "do_train", "push_to_hub", "report_to", "logging_dir",
                "fsdp", "deepspeed", "lr_scheduler_kwargs", "hub_token", "save_safetensors", "remove_unused_columns")) {
            assertTrue(r.ignoredKeys().contains(k), k);
        }
        for (String k : List.of("learning_rate", "evaluation_strategy", "group_by_length", "fp16", "warmup_ratio")) {
            assertFalse(r.ignoredKeys().contains(k), k);
        }
    }

    @Test
    void rejectsUnimplementedSemantics() {
        String[] bad = {
            "{\"optim\": \"adafactor\"}", "{\"deepspeed\": \"ds.json\"}", "{\"fsdp\": \"full_shard\"}",
            "{\"fsdp\": [\"full_shard\"]}", "{\"lr_scheduler_kwargs\": {\"num_cycles\": 2}}",
            "{\"neftune_noise_alpha\": 5.0}", "{\"lr_scheduler_type\": \"reduce_lr_on_plateau\"}",
            "{\"eval_steps\": 0.1}", "{\"label_names\": [\"start\", \"end\"]}", "{\"fp16\": true}",
            "{\"learning_rate\": \"fast\"}", "{\"seed\": null}", "not json", "[1]"
        };
        for (String json : bad) {
            assertThrows(JTuneException.class, () -> TrainingArguments.fromJson(json), json);
        }
        TrainingArguments.FromJsonResult fused = TrainingArguments.fromJson("{\"optim\": \"adamw_torch_fused\"}");
        assertEquals(List.of(), fused.ignoredKeys());
        assertEquals(OptimizerNames.ADAMW_TORCH_FUSED, fused.args().optim());
        assertEquals(OptimizerNames.ADAMW_TORCH, TrainingArguments.fromJson("{\"optim\": \"adamw_torch\"}").args().optim());
        assertEquals(OptimizerNames.ADAMW_TORCH, TrainingArguments.fromJson("{\"optim\": \"adamw_hf\"}").args().optim(), "HF 4.x's own AdamW: the same update");
        JTuneException sgd = assertThrows(JTuneException.class, () -> TrainingArguments.fromJson("{\"optim\": \"sgd\"}"));
        assertTrue(sgd.getMessage().contains("optim (--optim) is \"sgd\"") && sgd.getMessage().contains("adamw_torch_fused"), sgd.getMessage());
        // eval_strategy wins over the old name
        assertEquals(IntervalStrategy.STEPS, TrainingArguments.fromJson(
                "{\"eval_strategy\": \"steps\", \"evaluation_strategy\": \"epoch\"}").args().evalStrategy());
    }

    @Test
    void everyFieldHasAUniqueFlagAndItsDefault() {
        List<TrainingArguments.FieldInfo> fields = TrainingArguments.fields();
        Set<String> flags = new HashSet<>();
        TrainingArguments d = TrainingArguments.defaults();
        for (TrainingArguments.FieldInfo f : fields) {
            assertTrue(flags.add(f.cliFlag()), "duplicate flag " + f.cliFlag());
            assertEquals("--" + f.hfName().replace('_', '-'), f.cliFlag());
            assertEquals(f.defaultValue(), d.get(f.hfName()), f.hfName());
            assertEquals(f.defaultValue(), d.get(f.javaName()), f.javaName());
            assertFalse(f.description().isBlank(), f.hfName());
        }
        // every stored field of TrainingArguments is in the table (so it has a flag and a JSON key)
        Set<String> javaNames = new HashSet<>();
        for (TrainingArguments.FieldInfo f : fields) javaNames.add(f.javaName());
        for (java.lang.reflect.Field rf : TrainingArguments.class.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(rf.getModifiers())) continue;
            assertTrue(javaNames.contains(rf.getName()), "no FieldInfo for " + rf.getName());
        }
        // the CLI path: every flag can be set from text
        TrainingArguments a = TrainingArguments.builder().set("--learning-rate", "3e-5").set("eval_strategy", "epoch")
                .set("saveTotalLimit", "3").set("--data-seed", "none").set("--lr-scheduler-type", "polynomial")
                .set("--bf16", "true").build();
        assertEquals(3e-5, a.learningRate());
        assertEquals(IntervalStrategy.EPOCH, a.evalStrategy());
        assertEquals(3, a.saveTotalLimit());
        assertEquals(SchedulerType.POLYNOMIAL, a.lrSchedulerType());
        assertTrue(a.bf16());
        JTuneException e = assertThrows(JTuneException.class,
                () -> TrainingArguments.builder().set("--max-steps", "many"));
        assertTrue(e.what().contains("--max-steps"));
        assertThrows(JTuneException.class, () -> TrainingArguments.builder().set("--no-such-flag", "1"));
    }

    @Test
    void writeIsAtomicAndLeavesNoTempFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("args.json");
        TrainingArguments.defaults().writeJson(f);
        TrainingArguments.defaults().toBuilder().seed(1).build().writeJson(f);
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
        assertEquals(1, TrainingArguments.fromJson(f).args().seed());
    }
}
