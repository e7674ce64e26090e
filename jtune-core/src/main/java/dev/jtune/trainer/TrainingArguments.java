package dev.jtune.trainer;

import dev.jtune.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;
import dev.jtune.optim.OptimizerNames;
import dev.jtune.optim.SchedulerType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * Immutable training configuration mirroring HF {@code TrainingArguments}: HF field names camelCased, HF defaults.
 *
 * <p>Build with {@link #builder()} (or {@link #toBuilder()}); {@link Builder#build()} runs {@link #validate()}.
 * Nullable fields ({@code evalSteps}, {@code metricForBestModel}, ...) keep the user's raw value; the
 * {@code resolved*} methods apply HF's defaulting rules. Two jtune extras: {@code maxLength} (tokenizer truncation)
 * and {@code averageLossExactMean} (exact per-example mean under gradient accumulation).
 * The field table ({@link #fields()}) drives JSON ({@link #toJson()}, {@link #fromJson(String)}) and CLI flags.
 *
 * <p>Each field is written in three places only: its record component (name and type), its row in the field table
 * (HF name, default, description: the one place a default lives) and its builder setter. The builder starts from
 * the table's defaults and builds the record through its canonical constructor; equality is the record's.
 *
 * @param maxGradNorm              clipping threshold on the global gradient L2 norm; {@code 0} disables clipping
 * @param warmupSteps              {@code >= 1}: warmup steps ({@code int(x)}); {@code 0 < x < 1}: ratio of the total
 *                                 steps; 0: see warmupRatio
 * @param warmupRatio              legacy ratio (HF 4.x), used only when {@code warmupSteps == 0}; may be null
 * @param dataSeed                 seed of the training sampler; null means {@link #seed()}
 * @param evalSteps                raw value; null means {@link #loggingSteps()} (see {@link #resolvedEvalSteps()})
 * @param metricForBestModel       raw value; see {@link #resolvedMetricForBestModel()}
 * @param greaterIsBetter          raw value; see {@link #resolvedGreaterIsBetter()}
 * @param dataloaderPrefetchFactor micro-batches padded ahead on a background thread (0: on the training thread)
 * @param maxLength                jtune extra: tokenizer truncation length (special tokens included)
 * @param averageLossExactMean     jtune extra: exact per-example mean over the whole accumulation window instead of
 *                                 HF's mean of means
 * @param ddpTimeout               seconds a distributed collective or the rendezvous waits for the other ranks (HF
 *                                 {@code ddp_timeout}, default 1800); see {@code dev.jtune.distributed}
 * @param optim                    the AdamW kernel (HF {@code optim}): {@code adamw_torch_fused} (default, as HF v5)
 *                                 or {@code adamw_torch}; see {@link dev.jtune.optim.AdamWOptimizer}
 */
public record TrainingArguments(
        String outputDir,
        double learningRate,
        double numTrainEpochs,
        int maxSteps,
        int perDeviceTrainBatchSize,
        int perDeviceEvalBatchSize,
        int gradientAccumulationSteps,
        double weightDecay,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        double maxGradNorm,
        SchedulerType lrSchedulerType,
        double warmupSteps,
        Double warmupRatio,
        int seed,
        Integer dataSeed,
        IntervalStrategy evalStrategy,
        Integer evalSteps,
        double evalDelay,
        SaveStrategy saveStrategy,
        int saveSteps,
        Integer saveTotalLimit,
        IntervalStrategy loggingStrategy,
        int loggingSteps,
        boolean loggingFirstStep,
        boolean loggingNanInfFilter,
        boolean loadBestModelAtEnd,
        String metricForBestModel,
        Boolean greaterIsBetter,
        double labelSmoothingFactor,
        TrainSamplingStrategy trainSamplingStrategy,
        boolean dataloaderDropLast,
        int dataloaderPrefetchFactor,
        boolean bf16,
        boolean fp16,
        int maxLength,
        boolean averageLossExactMean,
        int ddpTimeout,
        OptimizerNames optim) {

    /** One field: HF name, Java name, CLI flag, Java type, default and description (for the CLI and docs). */
    public record FieldInfo(String hfName, String javaName, String cliFlag, Class<?> type, boolean nullable,
                            Object defaultValue, String description) {}

    /** Result of {@link #fromJson}: the arguments and the HF keys that were present but not used by jtune. */
    public record FromJsonResult(TrainingArguments args, List<String> ignoredKeys) {}

    public static Builder builder() { return new Builder(); }

    /** HF defaults, validated. */
    public static TrainingArguments defaults() { return builder().build(); }

    public Builder toBuilder() {
        Builder b = new Builder();
        for (RecordComponent c : COMPONENTS) b.values.put(c.getName(), read(c.getAccessor(), this));
        return b;
    }

    // ---------------------------------------------------------------- derived values (the accessors are the record's)

    public int resolvedDataSeed() { return dataSeed != null ? dataSeed : seed; }
    /** Legacy HF 4.x flag, true iff {@code trainSamplingStrategy == GROUP_BY_LENGTH}. */
    public boolean groupByLength() { return trainSamplingStrategy == TrainSamplingStrategy.GROUP_BY_LENGTH; }

    // ---------------------------------------------------------------- HF defaulting rules

    /**
     * Optimizer steps a run over {@code trainExamples} rows takes (what the loop runs): {@code max_steps} when set,
     * else {@code ceil(num_train_epochs × max(1, ceil(batches_per_epoch / gradient_accumulation_steps)))}, with
     * {@code batches_per_epoch} = rows / batch size, rounded down under {@code dataloader_drop_last}, else up.
     */
    public int plannedSteps(int trainExamples) {
        int batches = dataloaderDropLast ? trainExamples / perDeviceTrainBatchSize
                : (trainExamples + perDeviceTrainBatchSize - 1) / perDeviceTrainBatchSize;
        int perEpoch = Math.max((batches + gradientAccumulationSteps - 1) / gradientAccumulationSteps, 1);
        return maxSteps > 0 ? maxSteps : (int) Math.ceil(numTrainEpochs * perEpoch);
    }

    /** How many logs a run gets when {@code logging_steps} is not given ({@link #withRunLogging}). */
    public static final int LOGS_PER_RUN = 20;

    /**
     * jtune's logging default for a run whose user gave no {@code logging_steps} (HF's 500 leaves a short run
     * silent): about {@link #LOGS_PER_RUN} logs per run, {@code logging_steps = max(1, ceil(steps / 20))}, and
     * {@code logging_first_step} unless given. {@code eval_steps}, when unset, keeps HF's value (the default
     * {@code logging_steps}, 500), so that evaluation and saving schedules do not change with it.
     *
     * @param given the HF keys the user set (flags or the arguments JSON)
     */
    public TrainingArguments withRunLogging(int trainExamples, java.util.Set<String> given) {
        if (given.contains("logging_steps") || loggingStrategy != IntervalStrategy.STEPS) return this;
        Builder b = toBuilder();
        int steps = plannedSteps(trainExamples);
        b.loggingSteps(Math.max(1, (steps + LOGS_PER_RUN - 1) / LOGS_PER_RUN));
        if (!given.contains("logging_first_step")) b.loggingFirstStep(true);
        if (evalSteps == null && evalStrategy == IntervalStrategy.STEPS) b.evalSteps(loggingSteps);
        return b.build();
    }


    /** {@code eval_steps}, or {@code logging_steps} when unset (HF {@code __post_init__}). */
    public int resolvedEvalSteps() { return evalSteps != null && evalSteps > 0 ? evalSteps : loggingSteps; }

    /**
     * Warmup steps for a run of {@code totalSteps} optimizer steps (HF {@code get_warmup_steps}):
     * {@code int(w)} if {@code w >= 1}, else {@code ceil(T * w)}; when {@code warmupSteps == 0} the legacy
     * {@code warmupRatio} is used the same way.
     */
    public int resolvedWarmupSteps(int totalSteps) {
        double w = warmupSteps > 0 ? warmupSteps : (warmupRatio != null ? warmupRatio : 0.0);
        if (w >= 1) return (int) w;
        return (int) Math.ceil(totalSteps * w);
    }

    /**
     * The metric key the best model is chosen by, with the {@code eval_} prefix, or null when none:
     * {@code metric_for_best_model}, defaulting to {@code "loss"} when {@code load_best_model_at_end}.
     */
    public String resolvedMetricForBestModel() {
        String m = metricForBestModel;
        if (m == null && loadBestModelAtEnd) m = "loss";
        if (m == null) return null;
        return m.startsWith("eval_") ? m : "eval_" + m;
    }

    /** {@code greater_is_better}, defaulting to {@code !metric.endsWith("loss")} (true when there is no metric). */
    public boolean resolvedGreaterIsBetter() {
        if (greaterIsBetter != null) return greaterIsBetter;
        String m = resolvedMetricForBestModel();
        return m == null || !m.endsWith("loss");
    }

    // ---------------------------------------------------------------- validation

    /** Checks the HF {@code _validate_args} rules (HF error texts); throws {@link JTuneException}. */
    public TrainingArguments validate() {
        if (ddpTimeout < 1) {
            throw new JTuneException("ddp_timeout (--ddp-timeout) is " + ddpTimeout,
                    "it is the number of seconds a distributed collective waits for the other ranks and must be at least 1",
                    "use the default 1800 (HF), or a few minutes on one machine");
        }
        if (dataloaderPrefetchFactor < 0) {
            throw new JTuneException("dataloader_prefetch_factor (--dataloader-prefetch-factor) is " + dataloaderPrefetchFactor,
                    "it is the number of batches padded ahead on a background thread and cannot be negative",
                    "use 0 to pad on the training thread, or a small positive number such as 2");
        }
        if (fp16 && bf16) {
            throw fail("At most one of fp16 and bf16 can be True, but not both",
                    "mixed precision is either fp16 or bf16", "drop --fp16 (jtune runs fp16 nowhere); keep --bf16 if wanted",
                    "fp16", true, "bf16", true);
        }
        if (fp16) {
            throw fail("FP16 Mixed precision training with AMP or APEX (`--fp16`) and FP16 half precision evaluation "
                            + "(`--fp16_full_eval`) can only be used on CUDA or MLU devices or NPU devices or certain XPU "
                            + "devices (with IPEX).",
                    "jtune does not implement fp16 mixed precision (no fp16 on CPU)",
                    "remove --fp16 (use --bf16 for reduced precision, or neither for float32)", "fp16", true);
        }
        if (perDeviceTrainBatchSize <= 0) {
            throw fail("per_device_train_batch_size must be a positive integer, but found " + perDeviceTrainBatchSize,
                    "a batch holds at least one example", "pass --per-device-train-batch-size 8 (or any value >= 1)",
                    "per_device_train_batch_size", perDeviceTrainBatchSize);
        }
        if (perDeviceEvalBatchSize <= 0) {
            throw fail("per_device_eval_batch_size must be a positive integer, but found " + perDeviceEvalBatchSize,
                    "a batch holds at least one example", "pass --per-device-eval-batch-size 8 (or any value >= 1)",
                    "per_device_eval_batch_size", perDeviceEvalBatchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw fail("learning_rate must be a positive finite number, but found " + learningRate,
                    "learning_rate > 0", "pass e.g. --learning-rate 5e-5 (the HF default) or 2e-5 for BERT fine-tuning",
                    "learning_rate", learningRate);
        }
        if (gradientAccumulationSteps < 1) {
            throw fail("gradient_accumulation_steps must be >= 1, but found " + gradientAccumulationSteps,
                    "each optimizer step accumulates at least one micro-batch",
                    "pass --gradient-accumulation-steps 1 (no accumulation) or more",
                    "gradient_accumulation_steps", gradientAccumulationSteps);
        }
        if (warmupSteps < 0 || Double.isNaN(warmupSteps)) {
            throw fail("warmup_steps must be >= 0 (an integer number of steps, or a ratio in [0, 1)), but found "
                            + warmupSteps,
                    "warmup_steps >= 1 means steps, 0 <= warmup_steps < 1 means a ratio of the total steps",
                    "pass --warmup-steps 0 (no warmup), e.g. --warmup-steps 100 or --warmup-steps 0.1",
                    "warmup_steps", warmupSteps);
        }
        if (warmupRatio != null && (warmupRatio < 0 || warmupRatio > 1 || Double.isNaN(warmupRatio))) {
            throw fail("warmup_ratio must lie in range [0,1]", "0 <= warmup_ratio <= 1",
                    "pass a ratio such as --warmup-ratio 0.1, or use --warmup-steps", "warmup_ratio", warmupRatio);
        }
        if (!(labelSmoothingFactor >= 0 && labelSmoothingFactor < 1)) {
            throw fail("label_smoothing_factor must lie in [0, 1), but found " + labelSmoothingFactor,
                    "0 <= label_smoothing_factor < 1 (0 disables label smoothing)",
                    "pass --label-smoothing-factor 0.1 (a common value) or 0", "label_smoothing_factor",
                    labelSmoothingFactor);
        }
        if (maxSteps <= 0 && !(numTrainEpochs > 0)) {
            throw fail("num_train_epochs must be > 0 when max_steps is not set (max_steps <= 0), but found "
                            + "num_train_epochs=" + numTrainEpochs + " and max_steps=" + maxSteps,
                    "training needs either max_steps > 0 or num_train_epochs > 0",
                    "pass --num-train-epochs 3 or --max-steps 1000", "num_train_epochs", numTrainEpochs,
                    "max_steps", maxSteps);
        }
        if (saveTotalLimit != null && saveTotalLimit < 1) {
            throw fail("save_total_limit must be >= 1 (or unset for no limit), but found " + saveTotalLimit,
                    "save_total_limit keeps the N most recent checkpoints (and the best one)",
                    "omit --save-total-limit to keep every checkpoint, or pass --save-total-limit 2",
                    "save_total_limit", saveTotalLimit);
        }
        if (maxLength < 2) {
            throw fail("max_length must be >= 2 (it counts [CLS] and [SEP]), but found " + maxLength,
                    "max_length >= 2", "pass --max-length 128 (the jtune default)", "max_length", maxLength);
        }
        if (evalStrategy == IntervalStrategy.STEPS && resolvedEvalSteps() <= 0) {
            throw fail("evaluation strategy steps requires either non-zero --eval_steps or --logging_steps",
                    "eval_steps (or logging_steps when eval_steps is unset) must be > 0",
                    "pass --eval-steps 500", "eval_strategy", evalStrategy, "eval_steps", evalSteps,
                    "logging_steps", loggingSteps);
        }
        if (loggingStrategy == IntervalStrategy.STEPS && loggingSteps == 0) {
            throw fail("logging strategy steps requires non-zero --logging_steps",
                    "logging_steps > 0 when logging_strategy is steps",
                    "pass --logging-steps 500 or --logging-strategy epoch", "logging_strategy", loggingStrategy,
                    "logging_steps", loggingSteps);
        }
        if (loggingSteps < 0) {
            throw fail("logging_steps must be >= 0, but found " + loggingSteps, "logging_steps >= 0",
                    "pass --logging-steps 500", "logging_steps", loggingSteps);
        }
        if (saveStrategy == SaveStrategy.BEST && resolvedMetricForBestModel() == null) {
            throw fail("`args.metric_for_best_model` must be provided when using 'best' save_strategy.",
                    "save_strategy best saves when metric_for_best_model improves",
                    "pass --metric-for-best-model accuracy (or loss), or another --save-strategy",
                    "save_strategy", saveStrategy, "metric_for_best_model", metricForBestModel);
        }
        if (loadBestModelAtEnd && saveStrategy != SaveStrategy.BEST) {
            if (!evalStrategy.hfName().equals(saveStrategy.hfName())) {
                throw fail("--load_best_model_at_end requires the save and eval strategy to match (unless when "
                                + "`--save_strategy=\"best\"`), but found\n- Evaluation strategy: " + evalStrategy
                                + "\n- Save strategy: " + saveStrategy,
                        "with load_best_model_at_end, every evaluation must have a checkpoint to load",
                        "pass the same value to --eval-strategy and --save-strategy, or --save-strategy best",
                        "load_best_model_at_end", true, "eval_strategy", evalStrategy, "save_strategy", saveStrategy);
            }
            if (evalStrategy == IntervalStrategy.STEPS && saveSteps % resolvedEvalSteps() != 0) {
                throw fail("--load_best_model_at_end requires the saving steps to be a round multiple of the evaluation "
                                + "steps, but found " + saveSteps + ", which is not a round multiple of "
                                + resolvedEvalSteps() + ".",
                        "save_steps % eval_steps == 0",
                        "pass --save-steps " + (resolvedEvalSteps() * Math.max(1, saveSteps / resolvedEvalSteps()))
                                + " or change --eval-steps",
                        "load_best_model_at_end", true, "save_steps", saveSteps, "eval_steps", resolvedEvalSteps());
            }
        }
        return this;
    }

    private static JTuneException fail(String hfText, String rule, String fix, Object... namesAndValues) {
        StringBuilder what = new StringBuilder(hfText).append(" [");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) what.append("; ");
            String hf = (String) namesAndValues[i];
            what.append(hf).append('=').append(namesAndValues[i + 1]).append(" (").append(flag(hf)).append(')');
        }
        return new JTuneException(what.append(']').toString(), rule, fix);
    }

    /** {@code learning_rate} → {@code --learning-rate}. */
    public static String flag(String hfName) { return "--" + hfName.replace('_', '-'); }

    // ---------------------------------------------------------------- field table

    private record Spec(String hf, String java, Class<?> type, boolean nullable, Object def, String desc,
                        Function<TrainingArguments, Object> get, BiConsumer<Builder, Object> set,
                        Function<String, Object> enumParser) {}

    private static final RecordComponent[] COMPONENTS = TrainingArguments.class.getRecordComponents();
    private static final List<Spec> SPECS = new ArrayList<>();

    /**
     * A field: its HF name, the record component it sets (type and accessor come from the record), its HF default
     * (null: the field is nullable and unset by default) and its description (CLI help). Each field's default is
     * written here and nowhere else.
     */
    private static void spec(String hf, String java, Object def, String desc) {
        spec(hf, java, def, desc, null);
    }

    private static void spec(String hf, String java, Object def, String desc, Function<String, Object> enumParser) {
        RecordComponent c = null;
        for (RecordComponent rc : COMPONENTS) if (rc.getName().equals(java)) c = rc;
        if (c == null) throw new IllegalStateException("no record component " + java);
        Method accessor = c.getAccessor();
        SPECS.add(new Spec(hf, java, boxed(c.getType()), def == null, def, desc, a -> read(accessor, a),
                (b, v) -> b.values.put(java, v), enumParser));
    }

    /** An HF key that is no field of its own but sets one (the legacy {@code group_by_length}). */
    private static void derived(String hf, Object def, String desc, Function<TrainingArguments, Object> get,
                                BiConsumer<Builder, Object> set) {
        StringBuilder java = new StringBuilder();
        for (String part : hf.split("_")) java.append(java.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        SPECS.add(new Spec(hf, java.toString(), def.getClass(), false, def, desc, get, set, null));
    }

    private static Object read(Method accessor, TrainingArguments a) {
        try {
            return accessor.invoke(a);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> boxed(Class<?> t) {
        if (t == int.class) return Integer.class;
        if (t == double.class) return Double.class;
        if (t == boolean.class) return Boolean.class;
        return t;
    }

    static {
        spec("output_dir", "outputDir", "trainer_output", "Folder for checkpoints (checkpoint-N) and logs.");
        spec("learning_rate", "learningRate", 5e-5, "Peak learning rate of AdamW.");
        spec("num_train_epochs", "numTrainEpochs", 3.0, "Epochs to train (fractional allowed); ignored when max_steps > 0.");
        spec("max_steps", "maxSteps", -1, "Total optimizer steps; > 0 overrides num_train_epochs.");
        spec("per_device_train_batch_size", "perDeviceTrainBatchSize", 8, "Examples per training micro-batch.");
        spec("per_device_eval_batch_size", "perDeviceEvalBatchSize", 8, "Examples per evaluation batch.");
        spec("gradient_accumulation_steps", "gradientAccumulationSteps", 1, "Micro-batches accumulated per optimizer step.");
        spec("weight_decay", "weightDecay", 0.0, "Decoupled AdamW weight decay (not applied to biases and LayerNorm weights).");
        spec("adam_beta1", "adamBeta1", 0.9, "AdamW beta1.");
        spec("adam_beta2", "adamBeta2", 0.999, "AdamW beta2.");
        spec("adam_epsilon", "adamEpsilon", 1e-8, "AdamW epsilon.");
        spec("max_grad_norm", "maxGradNorm", 1.0, "Clip the global gradient L2 norm to this value; 0 disables clipping.");
        spec("lr_scheduler_type", "lrSchedulerType", SchedulerType.LINEAR, "Learning-rate schedule: linear, cosine, cosine_with_restarts, polynomial, constant, " + "constant_with_warmup, inverse_sqrt.", SchedulerType::fromHf);
        spec("warmup_steps", "warmupSteps", 0.0, "Warmup: >= 1 is a number of steps, 0 < x < 1 a ratio of the total steps.");
        spec("warmup_ratio", "warmupRatio", null, "Legacy warmup ratio in [0, 1], used when warmup_steps is 0.");
        spec("seed", "seed", 42, "Seed for initialisation, dropout and data order.");
        spec("data_seed", "dataSeed", null, "Seed of the training sampler only (defaults to seed).");
        spec("eval_strategy", "evalStrategy", IntervalStrategy.NO, "When to evaluate: no, steps or epoch.", s -> IntervalStrategy.fromHf(s, "eval_strategy"));
        spec("eval_steps", "evalSteps", null, "Evaluate every N steps (eval_strategy steps); defaults to logging_steps.");
        spec("eval_delay", "evalDelay", 0.0, "Steps (or epochs, with eval_strategy epoch) to wait before the first evaluation.");
        spec("save_strategy", "saveStrategy", SaveStrategy.STEPS, "When to save checkpoints: no, steps, epoch or best.", SaveStrategy::fromHf);
        spec("save_steps", "saveSteps", 500, "Save every N steps (save_strategy steps).");
        spec("save_total_limit", "saveTotalLimit", null, "Keep at most N checkpoints (the best one is never deleted).");
        spec("logging_strategy", "loggingStrategy", IntervalStrategy.STEPS, "When to log: no, steps or epoch.", s -> IntervalStrategy.fromHf(s, "logging_strategy"));
        spec("logging_steps", "loggingSteps", 500, "Log every N steps (logging_strategy steps).");
        spec("logging_first_step", "loggingFirstStep", false, "Also log after the first step.");
        spec("logging_nan_inf_filter", "loggingNanInfFilter", true, "Replace NaN/Inf step losses by the running average in the logged loss.");
        spec("load_best_model_at_end", "loadBestModelAtEnd", false, "Load the best checkpoint (by metric_for_best_model) after training.");
        spec("metric_for_best_model", "metricForBestModel", null, "Metric choosing the best model (eval_ prefix optional); defaults to loss with load_best_model_at_end.");
        spec("greater_is_better", "greaterIsBetter", null, "Whether a larger metric is better; defaults to !metric.endsWith(\"loss\").");
        spec("label_smoothing_factor", "labelSmoothingFactor", 0.0, "Label smoothing epsilon in [0, 1) for single-label classification; 0 disables it.");
        spec("train_sampling_strategy", "trainSamplingStrategy", TrainSamplingStrategy.RANDOM, "Training order: random, sequential or group_by_length.", TrainSamplingStrategy::fromHf);
        derived("group_by_length", false, "Legacy HF 4.x flag: true means train_sampling_strategy group_by_length.",
                TrainingArguments::groupByLength, (b, v) -> b.groupByLength((Boolean) v));
        spec("dataloader_drop_last", "dataloaderDropLast", false, "Drop the last incomplete batch (training and evaluation).");
        spec("dataloader_prefetch_factor", "dataloaderPrefetchFactor", 2, "Batches padded ahead on a background thread while the current step runs; 0 pads on the training thread " + "(HF: batches loaded ahead per DataLoader worker, default none with its default of 0 workers).");
        spec("bf16", "bf16", false, "Train with bfloat16 autocast.");
        spec("fp16", "fp16", false, "fp16 mixed precision: not supported by jtune (rejected).");
        spec("max_length", "maxLength", 128, "jtune: tokenizer truncation length, special tokens included.");
        spec("average_loss_exact_mean", "averageLossExactMean", false, "jtune: exact per-example mean under gradient accumulation (HF: mean of micro-batch means).");
        spec("ddp_timeout", "ddpTimeout", 1800, "Distributed training: seconds a collective (all-reduce, barrier) or the rendezvous waits for the other ranks before the job stops.");
        spec("optim", "optim", OptimizerNames.ADAMW_TORCH_FUSED, "Optimizer: adamw_torch_fused (AdamW in one fused kernel per parameter group, HF v5's default) "
                + "or adamw_torch (libtorch's per-tensor AdamW); the same update to float rounding.", OptimizerNames::fromHf);
    }

    private static final Map<String, Spec> BY_HF = new LinkedHashMap<>();
    private static final Map<String, Spec> BY_JAVA = new LinkedHashMap<>();

    static {
        for (Spec s : SPECS) {
            BY_HF.put(s.hf, s);
            BY_JAVA.put(s.java, s);
        }
    }

    /** Every field, in declaration order (one CLI flag each). */
    public static List<FieldInfo> fields() {
        List<FieldInfo> out = new ArrayList<>();
        for (Spec s : SPECS) {
            out.add(new FieldInfo(s.hf, s.java, flag(s.hf), s.type, s.nullable, s.def, s.desc));
        }
        return Collections.unmodifiableList(out);
    }

    /** The value of a field by HF or Java name (enums as enum constants). */
    public Object get(String name) {
        Spec s = spec(name);
        return s.get.apply(this);
    }

    private static Spec spec(String name) {
        Spec s = BY_HF.get(name);
        if (s == null) s = BY_JAVA.get(name);
        if (s == null && name.startsWith("--")) s = BY_HF.get(name.substring(2).replace('-', '_'));
        if (s == null) {
            throw new JTuneException("unknown training argument \"" + name + "\"",
                    "TrainingArguments has the fields " + BY_HF.keySet(), "check the spelling (HF snake_case or --kebab-case)");
        }
        return s;
    }

    // ---------------------------------------------------------------- JSON

    private static final ObjectMapper MAPPER = dev.jtune.io.Json.builder().build();

    /** JSON with HF snake_case keys (enums as HF strings), in field order, formatted as HF's {@code to_json_string}. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Spec s : SPECS) m.put(s.hf, s.get.apply(this));
        return PyJson.dumps(m, false) + "\n";
    }

    /** Writes {@link #toJson()} atomically (temp file + rename). */
    public void writeJson(Path file) { AtomicFiles.writeString(file, toJson()); }

    /** Reads a file written by {@link #writeJson} or by HF's {@code TrainingArguments.to_json_string()}. */
    public static FromJsonResult fromJson(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JTuneException("cannot read training arguments file " + file + ": " + e.getMessage(),
                    "the file must exist and be readable", "check the path", e);
        }
        return fromJson(text, file.toString());
    }

    /** Parses JSON from {@link #toJson()} or HF's {@code to_json_string()}; see {@link #fromJson(String, String)}. */
    public static FromJsonResult fromJson(String json) { return fromJson(json, "<json>"); }

    /**
     * Parses HF-style JSON. Known keys set fields ({@code evaluation_strategy} is the old name of
     * {@code eval_strategy}); unknown or unimplemented keys are reported in {@link FromJsonResult#ignoredKeys()};
     * keys whose non-default value would change training semantics that jtune does not implement
     * ({@code deepspeed}, {@code fsdp}, {@code lr_scheduler_kwargs}, ...) throw.
     */
    public static FromJsonResult fromJson(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new JTuneException("training arguments " + source + " are not valid JSON: " + dev.jtune.io.Json.describe(e),
                    "the file must be one JSON object", "fix the JSON syntax", e);
        }
        if (root == null || !root.isObject()) {
            throw new JTuneException("training arguments " + source + " are not a JSON object",
                    "the file must be one JSON object with HF TrainingArguments keys", "write {\"learning_rate\": 2e-5, ...}");
        }
        Builder b = builder();
        List<String> ignored = new ArrayList<>();
        // the old name first, so that an explicit eval_strategy wins
        JsonNode old = root.get("evaluation_strategy");
        if (old != null && !old.isNull()) {
            b.evalStrategy((IntervalStrategy) parseJson(BY_HF.get("eval_strategy"), old, source, "evaluation_strategy"));
        }
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("evaluation_strategy")) continue;
            Spec s = BY_HF.get(key);
            if (s != null) {
                if (v.isNull() && NULL_KEEPS_DEFAULT.contains(key)) continue;
                if (key.equals("max_grad_norm") && v.isNull()) { b.maxGradNorm(0.0); continue; }
                s.set.accept(b, parseJson(s, v, source, key));
                continue;
            }
            checkUnsupported(key, v, source);
            ignored.add(key);
        }
        return new FromJsonResult(b.build(), List.copyOf(ignored));
    }

    /** Keys HF may write as null that mean "the default" here (dataloader_prefetch_factor: jtune's 2 batches ahead). */
    private static final Set<String> NULL_KEEPS_DEFAULT = Set.of("eval_strategy", "warmup_steps", "dataloader_prefetch_factor");

    private static void checkUnsupported(String key, JsonNode v, String source) {
        String reason = null;
        switch (key) {
            case "deepspeed":
                if (!v.isNull() && !(v.isTextual() && v.asText().isEmpty())) reason = "jtune does not implement DeepSpeed";
                break;
            case "fsdp":
                if (!(v.isNull() || v.asText().isEmpty() && !v.isArray() || v.isArray() && v.isEmpty()
                        || v.isBoolean() && !v.asBoolean())) reason = "jtune does not implement FSDP";
                break;
            case "lr_scheduler_kwargs":
            case "optim_args":
                if (!(v.isNull() || v.isObject() && v.isEmpty() || v.isTextual() && v.asText().isEmpty()))
                    reason = "jtune uses HF's default schedule/optimizer parameters only";
                break;
            case "neftune_noise_alpha":
                if (!v.isNull()) reason = "jtune does not implement NEFTune noise";
                break;
            case "past_index":
                if (!v.isNull() && v.asInt() != -1) reason = "jtune models have no past state";
                break;
            case "per_gpu_train_batch_size":
            case "per_gpu_eval_batch_size":
                if (!v.isNull()) reason = "use per_device_*_batch_size instead";
                break;
            case "label_names":
                if (!v.isNull() && !(v.isArray() && (v.isEmpty() || v.size() == 1 && "labels".equals(v.get(0).asText()))))
                    reason = "jtune models take their labels as \"labels\" only";
                break;
            case "fp16_full_eval":
            case "bf16_full_eval":
                if (v.asBoolean(false)) reason = "jtune evaluates in the training precision";
                break;
            default:
                break;
        }
        if (reason != null) {
            throw new JTuneException("training arguments " + source + ": \"" + key + "\" is " + v
                            + ", a setting that changes training and that jtune does not implement",
                    reason, "remove \"" + key + "\" from the file (or set it to its HF default) and retry");
        }
    }

    private static Object parseJson(Spec s, JsonNode v, String source, String key) {
        if (v == null || v.isNull()) {
            if (s.nullable) return null;
            throw badValue(s, key, String.valueOf(v), source, "it may not be null");
        }
        Class<?> t = s.type;
        if (t == String.class) {
            if (!v.isTextual()) throw badValue(s, key, v.toString(), source, "it must be a string");
            return v.asText();
        }
        if (t == Integer.class) {
            if (v.isIntegralNumber() && v.canConvertToInt()) return v.asInt();
            if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < Integer.MAX_VALUE) {
                return (int) v.asDouble();
            }
            String extra = v.isNumber() && v.asDouble() > 0 && v.asDouble() < 1
                    ? " (HF's fractional ratio form of " + key + " is not implemented by jtune)" : "";
            throw badValue(s, key, v.toString(), source, "it must be an integer" + extra);
        }
        if (t == Double.class) {
            if (!v.isNumber()) throw badValue(s, key, v.toString(), source, "it must be a number");
            return v.asDouble();
        }
        if (t == Boolean.class) {
            if (!v.isBoolean()) throw badValue(s, key, v.toString(), source, "it must be true or false");
            return v.asBoolean();
        }
        if (!v.isTextual()) throw badValue(s, key, v.toString(), source, "it must be a string");
        return s.enumParser.apply(v.asText());
    }

    private static JTuneException badValue(Spec s, String key, String value, String source, String rule) {
        return new JTuneException("training arguments " + source + ": \"" + key + "\" (" + flag(s.hf) + ") is " + value,
                rule, "write e.g. \"" + s.hf + "\": " + (s.def instanceof String || s.def instanceof Enum<?>
                ? "\"" + s.def + "\"" : String.valueOf(s.def)));
    }

    // ---------------------------------------------------------------- text (equals and hashCode are the record's: every field)

    @Override
    public String toString() { return "TrainingArguments" + toJson(); }

    // ---------------------------------------------------------------- builder

    /** Mutable builder with HF defaults; {@link #build()} validates. */
    public static final class Builder {
        /** Field values by Java name, the HF defaults first. */
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder() {
            for (Spec s : SPECS) for (RecordComponent c : COMPONENTS) if (c.getName().equals(s.java)) values.put(s.java, s.def);
        }

        private Builder put(String java, Object v) {
            values.put(java, v);
            return this;
        }


        public Builder outputDir(String v) { return put("outputDir", Objects.requireNonNull(v, "outputDir")); }
        public Builder learningRate(double v) { return put("learningRate", v); }
        public Builder numTrainEpochs(double v) { return put("numTrainEpochs", v); }
        public Builder maxSteps(int v) { return put("maxSteps", v); }
        public Builder perDeviceTrainBatchSize(int v) { return put("perDeviceTrainBatchSize", v); }
        public Builder perDeviceEvalBatchSize(int v) { return put("perDeviceEvalBatchSize", v); }
        public Builder gradientAccumulationSteps(int v) { return put("gradientAccumulationSteps", v); }
        public Builder weightDecay(double v) { return put("weightDecay", v); }
        public Builder adamBeta1(double v) { return put("adamBeta1", v); }
        public Builder adamBeta2(double v) { return put("adamBeta2", v); }
        public Builder adamEpsilon(double v) { return put("adamEpsilon", v); }
        public Builder maxGradNorm(double v) { return put("maxGradNorm", v); }
        public Builder lrSchedulerType(SchedulerType v) { return put("lrSchedulerType", Objects.requireNonNull(v)); }
        public Builder warmupSteps(double v) { return put("warmupSteps", v); }
        public Builder warmupRatio(Double v) { return put("warmupRatio", v); }
        public Builder seed(int v) { return put("seed", v); }
        public Builder dataSeed(Integer v) { return put("dataSeed", v); }
        public Builder evalStrategy(IntervalStrategy v) { return put("evalStrategy", Objects.requireNonNull(v)); }
        public Builder evalSteps(Integer v) { return put("evalSteps", v); }
        public Builder evalDelay(double v) { return put("evalDelay", v); }
        public Builder saveStrategy(SaveStrategy v) { return put("saveStrategy", Objects.requireNonNull(v)); }
        public Builder saveSteps(int v) { return put("saveSteps", v); }
        public Builder saveTotalLimit(Integer v) { return put("saveTotalLimit", v); }
        public Builder loggingStrategy(IntervalStrategy v) { return put("loggingStrategy", Objects.requireNonNull(v)); }
        public Builder loggingSteps(int v) { return put("loggingSteps", v); }
        public Builder loggingFirstStep(boolean v) { return put("loggingFirstStep", v); }
        public Builder loggingNanInfFilter(boolean v) { return put("loggingNanInfFilter", v); }
        public Builder loadBestModelAtEnd(boolean v) { return put("loadBestModelAtEnd", v); }
        public Builder metricForBestModel(String v) { return put("metricForBestModel", v); }
        public Builder greaterIsBetter(Boolean v) { return put("greaterIsBetter", v); }
        public Builder labelSmoothingFactor(double v) { return put("labelSmoothingFactor", v); }
        public Builder trainSamplingStrategy(TrainSamplingStrategy v) { return put("trainSamplingStrategy", Objects.requireNonNull(v)); }
        /** Legacy HF 4.x flag: true selects {@link TrainSamplingStrategy#GROUP_BY_LENGTH}; false changes nothing. */
        public Builder groupByLength(boolean v) {
            return v ? put("trainSamplingStrategy", TrainSamplingStrategy.GROUP_BY_LENGTH) : this;
        }
        public Builder dataloaderDropLast(boolean v) { return put("dataloaderDropLast", v); }
        public Builder dataloaderPrefetchFactor(int v) { return put("dataloaderPrefetchFactor", v); }
        public Builder bf16(boolean v) { return put("bf16", v); }
        public Builder fp16(boolean v) { return put("fp16", v); }
        public Builder maxLength(int v) { return put("maxLength", v); }
        public Builder averageLossExactMean(boolean v) { return put("averageLossExactMean", v); }
        public Builder optim(OptimizerNames v) { return put("optim", Objects.requireNonNull(v)); }
        public Builder ddpTimeout(int v) { return put("ddpTimeout", v); }

        /**
         * Sets a field from text, by HF name, Java name or CLI flag ({@code "learning_rate"}, {@code "learningRate"},
         * {@code "--learning-rate"}); {@code "null"}/{@code "none"} clears a nullable field. For generated CLI flags.
         */
        public Builder set(String name, String text) {
            Spec s = spec(name);
            s.set.accept(this, parseText(s, text));
            return this;
        }

        private static Object parseText(Spec s, String text) {
            String t = text == null ? "" : text.trim();
            if (s.nullable && (t.equalsIgnoreCase("null") || t.equalsIgnoreCase("none") || t.isEmpty())) return null;
            try {
                if (s.type == String.class) return t;
                if (s.type == Integer.class) return Integer.parseInt(t);
                if (s.type == Double.class) return Double.parseDouble(t);
                if (s.type == Boolean.class) {
                    String l = t.toLowerCase(Locale.ROOT);
                    if (l.equals("true")) return true;
                    if (l.equals("false")) return false;
                    throw new NumberFormatException(t);
                }
                return s.enumParser.apply(t);
            } catch (NumberFormatException e) {
                throw new JTuneException(s.hf + " (" + flag(s.hf) + ") is \"" + text + "\"",
                        "it must be " + (s.type == Integer.class ? "an integer" : s.type == Double.class ? "a number"
                                : "true or false"),
                        "pass e.g. " + flag(s.hf) + " " + s.def);
            }
        }

        /** Validates ({@link TrainingArguments#validate()}) and returns the immutable arguments. */
        public TrainingArguments build() {
            Object[] args = new Object[COMPONENTS.length];
            Class<?>[] types = new Class<?>[COMPONENTS.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = values.get(COMPONENTS[i].getName());
                types[i] = COMPONENTS[i].getType();
            }
            try {
                return TrainingArguments.class.getDeclaredConstructor(types).newInstance(args).validate();
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
