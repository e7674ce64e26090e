package dev.jtune.trainer;

import dev.jtune.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;
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

/**
 * Immutable training configuration mirroring HF {@code TrainingArguments}: HF field names camelCased, HF defaults.
 *
 * <p>Build with {@link #builder()} (or {@link #toBuilder()}); {@link Builder#build()} runs {@link #validate()}.
 * Nullable fields ({@code evalSteps}, {@code metricForBestModel}, ...) keep the user's raw value; the
 * {@code resolved*} methods apply HF's defaulting rules. Two jtune extras: {@code maxLength} (tokenizer truncation)
 * and {@code averageLossExactMean} (exact per-example mean under gradient accumulation).
 * The field table ({@link #fields()}) drives JSON ({@link #toJson()}, {@link #fromJson(String)}) and CLI flags.
 */
public final class TrainingArguments {

    /** One field: HF name, Java name, CLI flag, Java type, default and description (for the CLI and docs). */
    public record FieldInfo(String hfName, String javaName, String cliFlag, Class<?> type, boolean nullable,
                            Object defaultValue, String description) {}

    /** Result of {@link #fromJson}: the arguments and the HF keys that were present but not used by jtune. */
    public record FromJsonResult(TrainingArguments args, List<String> ignoredKeys) {}

    private final String outputDir;
    private final double learningRate;
    private final double numTrainEpochs;
    private final int maxSteps;
    private final int perDeviceTrainBatchSize;
    private final int perDeviceEvalBatchSize;
    private final int gradientAccumulationSteps;
    private final double weightDecay;
    private final double adamBeta1;
    private final double adamBeta2;
    private final double adamEpsilon;
    private final double maxGradNorm;
    private final SchedulerType lrSchedulerType;
    private final double warmupSteps;
    private final Double warmupRatio;
    private final int seed;
    private final Integer dataSeed;
    private final IntervalStrategy evalStrategy;
    private final Integer evalSteps;
    private final double evalDelay;
    private final SaveStrategy saveStrategy;
    private final int saveSteps;
    private final Integer saveTotalLimit;
    private final IntervalStrategy loggingStrategy;
    private final int loggingSteps;
    private final boolean loggingFirstStep;
    private final boolean loggingNanInfFilter;
    private final boolean loadBestModelAtEnd;
    private final String metricForBestModel;
    private final Boolean greaterIsBetter;
    private final double labelSmoothingFactor;
    private final TrainSamplingStrategy trainSamplingStrategy;
    private final boolean dataloaderDropLast;
    private final int dataloaderPrefetchFactor;
    private final boolean bf16;
    private final boolean fp16;
    private final int maxLength;
    private final boolean averageLossExactMean;

    private TrainingArguments(Builder b) {
        outputDir = b.outputDir;
        learningRate = b.learningRate;
        numTrainEpochs = b.numTrainEpochs;
        maxSteps = b.maxSteps;
        perDeviceTrainBatchSize = b.perDeviceTrainBatchSize;
        perDeviceEvalBatchSize = b.perDeviceEvalBatchSize;
        gradientAccumulationSteps = b.gradientAccumulationSteps;
        weightDecay = b.weightDecay;
        adamBeta1 = b.adamBeta1;
        adamBeta2 = b.adamBeta2;
        adamEpsilon = b.adamEpsilon;
        maxGradNorm = b.maxGradNorm;
        lrSchedulerType = b.lrSchedulerType;
        warmupSteps = b.warmupSteps;
        warmupRatio = b.warmupRatio;
        seed = b.seed;
        dataSeed = b.dataSeed;
        evalStrategy = b.evalStrategy;
        evalSteps = b.evalSteps;
        evalDelay = b.evalDelay;
        saveStrategy = b.saveStrategy;
        saveSteps = b.saveSteps;
        saveTotalLimit = b.saveTotalLimit;
        loggingStrategy = b.loggingStrategy;
        loggingSteps = b.loggingSteps;
        loggingFirstStep = b.loggingFirstStep;
        loggingNanInfFilter = b.loggingNanInfFilter;
        loadBestModelAtEnd = b.loadBestModelAtEnd;
        metricForBestModel = b.metricForBestModel;
        greaterIsBetter = b.greaterIsBetter;
        labelSmoothingFactor = b.labelSmoothingFactor;
        trainSamplingStrategy = b.trainSamplingStrategy;
        dataloaderDropLast = b.dataloaderDropLast;
        if (b.dataloaderPrefetchFactor < 0) {
            throw new dev.jtune.JTuneException("dataloader_prefetch_factor (--dataloader-prefetch-factor) is " + b.dataloaderPrefetchFactor,
                    "it is the number of batches padded ahead on a background thread and cannot be negative",
                    "use 0 to pad on the training thread, or a small positive number such as 2");
        }
        dataloaderPrefetchFactor = b.dataloaderPrefetchFactor;
        bf16 = b.bf16;
        fp16 = b.fp16;
        maxLength = b.maxLength;
        averageLossExactMean = b.averageLossExactMean;
    }

    public static Builder builder() { return new Builder(); }

    /** HF defaults, validated. */
    public static TrainingArguments defaults() { return builder().build(); }

    public Builder toBuilder() {
        Builder b = new Builder();
        for (Spec s : SPECS) s.set.accept(b, s.get.apply(this));
        b.trainSamplingStrategy = trainSamplingStrategy;
        return b;
    }

    // ---------------------------------------------------------------- accessors (HF names camelCased)

    public String outputDir() { return outputDir; }
    public double learningRate() { return learningRate; }
    public double numTrainEpochs() { return numTrainEpochs; }
    public int maxSteps() { return maxSteps; }
    public int perDeviceTrainBatchSize() { return perDeviceTrainBatchSize; }
    public int perDeviceEvalBatchSize() { return perDeviceEvalBatchSize; }
    public int gradientAccumulationSteps() { return gradientAccumulationSteps; }
    public double weightDecay() { return weightDecay; }
    public double adamBeta1() { return adamBeta1; }
    public double adamBeta2() { return adamBeta2; }
    public double adamEpsilon() { return adamEpsilon; }
    /** Clipping threshold on the global gradient L2 norm; {@code 0} disables clipping. */
    public double maxGradNorm() { return maxGradNorm; }
    public SchedulerType lrSchedulerType() { return lrSchedulerType; }
    /** {@code >= 1}: warmup steps ({@code int(x)}); {@code 0 < x < 1}: ratio of the total steps; 0: see warmupRatio. */
    public double warmupSteps() { return warmupSteps; }
    /** Legacy ratio (HF 4.x), used only when {@code warmupSteps == 0}; may be null. */
    public Double warmupRatio() { return warmupRatio; }
    public int seed() { return seed; }
    /** Seed of the training sampler; null means {@link #seed()}. */
    public Integer dataSeed() { return dataSeed; }
    public int resolvedDataSeed() { return dataSeed != null ? dataSeed : seed; }
    public IntervalStrategy evalStrategy() { return evalStrategy; }
    /** Raw value; null means {@link #loggingSteps()} (see {@link #resolvedEvalSteps()}). */
    public Integer evalSteps() { return evalSteps; }
    public double evalDelay() { return evalDelay; }
    public SaveStrategy saveStrategy() { return saveStrategy; }
    public int saveSteps() { return saveSteps; }
    public Integer saveTotalLimit() { return saveTotalLimit; }
    public IntervalStrategy loggingStrategy() { return loggingStrategy; }
    public int loggingSteps() { return loggingSteps; }
    public boolean loggingFirstStep() { return loggingFirstStep; }
    public boolean loggingNanInfFilter() { return loggingNanInfFilter; }
    public boolean loadBestModelAtEnd() { return loadBestModelAtEnd; }
    /** Raw value; see {@link #resolvedMetricForBestModel()}. */
    public String metricForBestModel() { return metricForBestModel; }
    /** Raw value; see {@link #resolvedGreaterIsBetter()}. */
    public Boolean greaterIsBetter() { return greaterIsBetter; }
    public double labelSmoothingFactor() { return labelSmoothingFactor; }
    public TrainSamplingStrategy trainSamplingStrategy() { return trainSamplingStrategy; }
    /** Legacy HF 4.x flag, true iff {@code trainSamplingStrategy == GROUP_BY_LENGTH}. */
    public boolean groupByLength() { return trainSamplingStrategy == TrainSamplingStrategy.GROUP_BY_LENGTH; }
    public boolean dataloaderDropLast() { return dataloaderDropLast; }
    /** Micro-batches padded ahead on a background thread (0: on the training thread). */
    public int dataloaderPrefetchFactor() { return dataloaderPrefetchFactor; }
    public boolean bf16() { return bf16; }
    public boolean fp16() { return fp16; }
    /** jtune extra: tokenizer truncation length (special tokens included). */
    public int maxLength() { return maxLength; }
    /** jtune extra: exact per-example mean over the whole accumulation window instead of HF's mean of means. */
    public boolean averageLossExactMean() { return averageLossExactMean; }

    // ---------------------------------------------------------------- HF defaulting rules

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

    private static final List<Spec> SPECS = new ArrayList<>();

    private static void spec(String hf, String java, Class<?> type, boolean nullable, Object def, String desc,
                             Function<TrainingArguments, Object> get, BiConsumer<Builder, Object> set) {
        spec(hf, java, type, nullable, def, desc, get, set, null);
    }

    private static void spec(String hf, String java, Class<?> type, boolean nullable, Object def, String desc,
                             Function<TrainingArguments, Object> get, BiConsumer<Builder, Object> set,
                             Function<String, Object> enumParser) {
        SPECS.add(new Spec(hf, java, type, nullable, def, desc, get, set, enumParser));
    }

    static {
        spec("output_dir", "outputDir", String.class, false, "trainer_output",
                "Folder for checkpoints (checkpoint-N) and logs.", a -> a.outputDir, (b, v) -> b.outputDir((String) v));
        spec("learning_rate", "learningRate", Double.class, false, 5e-5,
                "Peak learning rate of AdamW.", a -> a.learningRate, (b, v) -> b.learningRate((Double) v));
        spec("num_train_epochs", "numTrainEpochs", Double.class, false, 3.0,
                "Epochs to train (fractional allowed); ignored when max_steps > 0.", a -> a.numTrainEpochs,
                (b, v) -> b.numTrainEpochs((Double) v));
        spec("max_steps", "maxSteps", Integer.class, false, -1,
                "Total optimizer steps; > 0 overrides num_train_epochs.", a -> a.maxSteps, (b, v) -> b.maxSteps((Integer) v));
        spec("per_device_train_batch_size", "perDeviceTrainBatchSize", Integer.class, false, 8,
                "Examples per training micro-batch.", a -> a.perDeviceTrainBatchSize,
                (b, v) -> b.perDeviceTrainBatchSize((Integer) v));
        spec("per_device_eval_batch_size", "perDeviceEvalBatchSize", Integer.class, false, 8,
                "Examples per evaluation batch.", a -> a.perDeviceEvalBatchSize,
                (b, v) -> b.perDeviceEvalBatchSize((Integer) v));
        spec("gradient_accumulation_steps", "gradientAccumulationSteps", Integer.class, false, 1,
                "Micro-batches accumulated per optimizer step.", a -> a.gradientAccumulationSteps,
                (b, v) -> b.gradientAccumulationSteps((Integer) v));
        spec("weight_decay", "weightDecay", Double.class, false, 0.0,
                "Decoupled AdamW weight decay (not applied to biases and LayerNorm weights).", a -> a.weightDecay,
                (b, v) -> b.weightDecay((Double) v));
        spec("adam_beta1", "adamBeta1", Double.class, false, 0.9, "AdamW beta1.", a -> a.adamBeta1,
                (b, v) -> b.adamBeta1((Double) v));
        spec("adam_beta2", "adamBeta2", Double.class, false, 0.999, "AdamW beta2.", a -> a.adamBeta2,
                (b, v) -> b.adamBeta2((Double) v));
        spec("adam_epsilon", "adamEpsilon", Double.class, false, 1e-8, "AdamW epsilon.", a -> a.adamEpsilon,
                (b, v) -> b.adamEpsilon((Double) v));
        spec("max_grad_norm", "maxGradNorm", Double.class, false, 1.0,
                "Clip the global gradient L2 norm to this value; 0 disables clipping.", a -> a.maxGradNorm,
                (b, v) -> b.maxGradNorm((Double) v));
        spec("lr_scheduler_type", "lrSchedulerType", SchedulerType.class, false, SchedulerType.LINEAR,
                "Learning-rate schedule: linear, cosine, cosine_with_restarts, polynomial, constant, "
                        + "constant_with_warmup, inverse_sqrt.", a -> a.lrSchedulerType,
                (b, v) -> b.lrSchedulerType((SchedulerType) v), SchedulerType::fromHf);
        spec("warmup_steps", "warmupSteps", Double.class, false, 0.0,
                "Warmup: >= 1 is a number of steps, 0 < x < 1 a ratio of the total steps.", a -> a.warmupSteps,
                (b, v) -> b.warmupSteps((Double) v));
        spec("warmup_ratio", "warmupRatio", Double.class, true, null,
                "Legacy warmup ratio in [0, 1], used when warmup_steps is 0.", a -> a.warmupRatio,
                (b, v) -> b.warmupRatio((Double) v));
        spec("seed", "seed", Integer.class, false, 42, "Seed for initialisation, dropout and data order.",
                a -> a.seed, (b, v) -> b.seed((Integer) v));
        spec("data_seed", "dataSeed", Integer.class, true, null,
                "Seed of the training sampler only (defaults to seed).", a -> a.dataSeed,
                (b, v) -> b.dataSeed((Integer) v));
        spec("eval_strategy", "evalStrategy", IntervalStrategy.class, false, IntervalStrategy.NO,
                "When to evaluate: no, steps or epoch.", a -> a.evalStrategy,
                (b, v) -> b.evalStrategy((IntervalStrategy) v), s -> IntervalStrategy.fromHf(s, "eval_strategy"));
        spec("eval_steps", "evalSteps", Integer.class, true, null,
                "Evaluate every N steps (eval_strategy steps); defaults to logging_steps.", a -> a.evalSteps,
                (b, v) -> b.evalSteps((Integer) v));
        spec("eval_delay", "evalDelay", Double.class, false, 0.0,
                "Steps (or epochs, with eval_strategy epoch) to wait before the first evaluation.", a -> a.evalDelay,
                (b, v) -> b.evalDelay((Double) v));
        spec("save_strategy", "saveStrategy", SaveStrategy.class, false, SaveStrategy.STEPS,
                "When to save checkpoints: no, steps, epoch or best.", a -> a.saveStrategy,
                (b, v) -> b.saveStrategy((SaveStrategy) v), SaveStrategy::fromHf);
        spec("save_steps", "saveSteps", Integer.class, false, 500, "Save every N steps (save_strategy steps).",
                a -> a.saveSteps, (b, v) -> b.saveSteps((Integer) v));
        spec("save_total_limit", "saveTotalLimit", Integer.class, true, null,
                "Keep at most N checkpoints (the best one is never deleted).", a -> a.saveTotalLimit,
                (b, v) -> b.saveTotalLimit((Integer) v));
        spec("logging_strategy", "loggingStrategy", IntervalStrategy.class, false, IntervalStrategy.STEPS,
                "When to log: no, steps or epoch.", a -> a.loggingStrategy,
                (b, v) -> b.loggingStrategy((IntervalStrategy) v), s -> IntervalStrategy.fromHf(s, "logging_strategy"));
        spec("logging_steps", "loggingSteps", Integer.class, false, 500, "Log every N steps (logging_strategy steps).",
                a -> a.loggingSteps, (b, v) -> b.loggingSteps((Integer) v));
        spec("logging_first_step", "loggingFirstStep", Boolean.class, false, false, "Also log after the first step.",
                a -> a.loggingFirstStep, (b, v) -> b.loggingFirstStep((Boolean) v));
        spec("logging_nan_inf_filter", "loggingNanInfFilter", Boolean.class, false, true,
                "Replace NaN/Inf step losses by the running average in the logged loss.", a -> a.loggingNanInfFilter,
                (b, v) -> b.loggingNanInfFilter((Boolean) v));
        spec("load_best_model_at_end", "loadBestModelAtEnd", Boolean.class, false, false,
                "Load the best checkpoint (by metric_for_best_model) after training.", a -> a.loadBestModelAtEnd,
                (b, v) -> b.loadBestModelAtEnd((Boolean) v));
        spec("metric_for_best_model", "metricForBestModel", String.class, true, null,
                "Metric choosing the best model (eval_ prefix optional); defaults to loss with load_best_model_at_end.",
                a -> a.metricForBestModel, (b, v) -> b.metricForBestModel((String) v));
        spec("greater_is_better", "greaterIsBetter", Boolean.class, true, null,
                "Whether a larger metric is better; defaults to !metric.endsWith(\"loss\").", a -> a.greaterIsBetter,
                (b, v) -> b.greaterIsBetter((Boolean) v));
        spec("label_smoothing_factor", "labelSmoothingFactor", Double.class, false, 0.0,
                "Label smoothing epsilon in [0, 1) for single-label classification; 0 disables it.",
                a -> a.labelSmoothingFactor, (b, v) -> b.labelSmoothingFactor((Double) v));
        spec("train_sampling_strategy", "trainSamplingStrategy", TrainSamplingStrategy.class, false,
                TrainSamplingStrategy.RANDOM, "Training order: random, sequential or group_by_length.",
                a -> a.trainSamplingStrategy, (b, v) -> b.trainSamplingStrategy((TrainSamplingStrategy) v),
                TrainSamplingStrategy::fromHf);
        spec("group_by_length", "groupByLength", Boolean.class, false, false,
                "Legacy HF 4.x flag: true means train_sampling_strategy group_by_length.", TrainingArguments::groupByLength,
                (b, v) -> b.groupByLength((Boolean) v));
        spec("dataloader_drop_last", "dataloaderDropLast", Boolean.class, false, false,
                "Drop the last incomplete batch (training and evaluation).", a -> a.dataloaderDropLast,
                (b, v) -> b.dataloaderDropLast((Boolean) v));
        spec("dataloader_prefetch_factor", "dataloaderPrefetchFactor", Integer.class, false, 2,
                "Batches padded ahead on a background thread while the current step runs; 0 pads on the training thread "
                        + "(HF: batches loaded ahead per DataLoader worker, default none with its default of 0 workers).",
                a -> a.dataloaderPrefetchFactor, (b, v) -> b.dataloaderPrefetchFactor((Integer) v));
        spec("bf16", "bf16", Boolean.class, false, false, "Train with bfloat16 autocast.", a -> a.bf16,
                (b, v) -> b.bf16((Boolean) v));
        spec("fp16", "fp16", Boolean.class, false, false, "fp16 mixed precision: not supported by jtune (rejected).",
                a -> a.fp16, (b, v) -> b.fp16((Boolean) v));
        spec("max_length", "maxLength", Integer.class, false, 128,
                "jtune: tokenizer truncation length, special tokens included.", a -> a.maxLength,
                (b, v) -> b.maxLength((Integer) v));
        spec("average_loss_exact_mean", "averageLossExactMean", Boolean.class, false, false,
                "jtune: exact per-example mean under gradient accumulation (HF: mean of micro-batch means).",
                a -> a.averageLossExactMean, (b, v) -> b.averageLossExactMean((Boolean) v));
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
     * ({@code optim} other than AdamW, {@code deepspeed}, {@code fsdp}, {@code lr_scheduler_kwargs}, ...) throw.
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

    private static final Set<String> SUPPORTED_OPTIM = Set.of("adamw_torch", "adamw_torch_fused", "adamw_hf");

    private static void checkUnsupported(String key, JsonNode v, String source) {
        String reason = null;
        switch (key) {
            case "optim":
                if (!v.isNull() && !SUPPORTED_OPTIM.contains(v.asText())) reason = "jtune implements only AdamW "
                        + "(optim adamw_torch, adamw_torch_fused or adamw_hf)";
                break;
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

    // ---------------------------------------------------------------- equality

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TrainingArguments other)) return false;
        for (Spec s : SPECS) if (!Objects.equals(s.get.apply(this), s.get.apply(other))) return false;
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (Spec s : SPECS) h = 31 * h + Objects.hashCode(s.get.apply(this));
        return h;
    }

    @Override
    public String toString() { return "TrainingArguments" + toJson(); }

    // ---------------------------------------------------------------- builder

    /** Mutable builder with HF defaults; {@link #build()} validates. */
    public static final class Builder {
        private String outputDir = "trainer_output";
        private double learningRate = 5e-5;
        private double numTrainEpochs = 3.0;
        private int maxSteps = -1;
        private int perDeviceTrainBatchSize = 8;
        private int perDeviceEvalBatchSize = 8;
        private int gradientAccumulationSteps = 1;
        private double weightDecay = 0.0;
        private double adamBeta1 = 0.9;
        private double adamBeta2 = 0.999;
        private double adamEpsilon = 1e-8;
        private double maxGradNorm = 1.0;
        private SchedulerType lrSchedulerType = SchedulerType.LINEAR;
        private double warmupSteps = 0.0;
        private Double warmupRatio = null;
        private int seed = 42;
        private Integer dataSeed = null;
        private IntervalStrategy evalStrategy = IntervalStrategy.NO;
        private Integer evalSteps = null;
        private double evalDelay = 0.0;
        private SaveStrategy saveStrategy = SaveStrategy.STEPS;
        private int saveSteps = 500;
        private Integer saveTotalLimit = null;
        private IntervalStrategy loggingStrategy = IntervalStrategy.STEPS;
        private int loggingSteps = 500;
        private boolean loggingFirstStep = false;
        private boolean loggingNanInfFilter = true;
        private boolean loadBestModelAtEnd = false;
        private String metricForBestModel = null;
        private Boolean greaterIsBetter = null;
        private double labelSmoothingFactor = 0.0;
        private TrainSamplingStrategy trainSamplingStrategy = TrainSamplingStrategy.RANDOM;
        private boolean dataloaderDropLast = false;
        private int dataloaderPrefetchFactor = 2;
        private boolean bf16 = false;
        private boolean fp16 = false;
        private int maxLength = 128;
        private boolean averageLossExactMean = false;

        private Builder() {}

        public Builder outputDir(String v) { outputDir = Objects.requireNonNull(v, "outputDir"); return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder numTrainEpochs(double v) { numTrainEpochs = v; return this; }
        public Builder maxSteps(int v) { maxSteps = v; return this; }
        public Builder perDeviceTrainBatchSize(int v) { perDeviceTrainBatchSize = v; return this; }
        public Builder perDeviceEvalBatchSize(int v) { perDeviceEvalBatchSize = v; return this; }
        public Builder gradientAccumulationSteps(int v) { gradientAccumulationSteps = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder adamBeta1(double v) { adamBeta1 = v; return this; }
        public Builder adamBeta2(double v) { adamBeta2 = v; return this; }
        public Builder adamEpsilon(double v) { adamEpsilon = v; return this; }
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Builder lrSchedulerType(SchedulerType v) { lrSchedulerType = Objects.requireNonNull(v); return this; }
        public Builder warmupSteps(double v) { warmupSteps = v; return this; }
        public Builder warmupRatio(Double v) { warmupRatio = v; return this; }
        public Builder seed(int v) { seed = v; return this; }
        public Builder dataSeed(Integer v) { dataSeed = v; return this; }
        public Builder evalStrategy(IntervalStrategy v) { evalStrategy = Objects.requireNonNull(v); return this; }
        public Builder evalSteps(Integer v) { evalSteps = v; return this; }
        public Builder evalDelay(double v) { evalDelay = v; return this; }
        public Builder saveStrategy(SaveStrategy v) { saveStrategy = Objects.requireNonNull(v); return this; }
        public Builder saveSteps(int v) { saveSteps = v; return this; }
        public Builder saveTotalLimit(Integer v) { saveTotalLimit = v; return this; }
        public Builder loggingStrategy(IntervalStrategy v) { loggingStrategy = Objects.requireNonNull(v); return this; }
        public Builder loggingSteps(int v) { loggingSteps = v; return this; }
        public Builder loggingFirstStep(boolean v) { loggingFirstStep = v; return this; }
        public Builder loggingNanInfFilter(boolean v) { loggingNanInfFilter = v; return this; }
        public Builder loadBestModelAtEnd(boolean v) { loadBestModelAtEnd = v; return this; }
        public Builder metricForBestModel(String v) { metricForBestModel = v; return this; }
        public Builder greaterIsBetter(Boolean v) { greaterIsBetter = v; return this; }
        public Builder labelSmoothingFactor(double v) { labelSmoothingFactor = v; return this; }
        public Builder trainSamplingStrategy(TrainSamplingStrategy v) {
            trainSamplingStrategy = Objects.requireNonNull(v);
            return this;
        }
        /** Legacy HF 4.x flag: true selects {@link TrainSamplingStrategy#GROUP_BY_LENGTH}; false changes nothing. */
        public Builder groupByLength(boolean v) {
            if (v) trainSamplingStrategy = TrainSamplingStrategy.GROUP_BY_LENGTH;
            return this;
        }
        public Builder dataloaderDropLast(boolean v) { dataloaderDropLast = v; return this; }
        public Builder dataloaderPrefetchFactor(int v) { dataloaderPrefetchFactor = v; return this; }
        public Builder bf16(boolean v) { bf16 = v; return this; }
        public Builder fp16(boolean v) { fp16 = v; return this; }
        public Builder maxLength(int v) { maxLength = v; return this; }
        public Builder averageLossExactMean(boolean v) { averageLossExactMean = v; return this; }

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
        public TrainingArguments build() { return new TrainingArguments(this).validate(); }
    }
}
