package dev.jtune.trainer;

import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.LabelKind;
import dev.jtune.distributed.ProcessGroupContext;
import dev.jtune.losses.ConfiguredLoss;
import dev.jtune.losses.LossContext;
import dev.jtune.losses.LossFunction;
import dev.jtune.losses.LossSelection;
import dev.jtune.losses.LossSpec;
import dev.jtune.losses.ProblemType;
import dev.jtune.metrics.ComputeMetrics;
import dev.jtune.modeling.TaskModel;
import dev.jtune.modeling.ModelOutput;
import dev.jtune.tokenization.DataCollatorWithPadding;
import dev.jtune.tokenization.PreTrainedTokenizer;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mirrors transformers Trainer as a small façade: {@link #train()}, {@link #evaluate()}, {@link #predict} and the
 * overridable {@link #computeLoss}. The loop, checkpoint IO and evaluation live in their own classes.
 *
 * <p><b>Loss precedence</b> (one rule): a subclass's {@code computeLoss} override &gt; a {@link LossFunction} given to
 * the builder (HF {@code compute_loss_func}; labels are withheld from the model) &gt; the configured loss options
 * ({@link LossSpec}: class weights, pos_weight, focal, and {@code label_smoothing_factor}) &gt; the model's own loss.
 *
 * <p><b>Normalisation under gradient accumulation</b> (one rule, for every loss): a loss returns the mean over its
 * micro-batch; by default it is divided by the number of micro-batches actually in the window (HF's behaviour for
 * BERT, including a short last window); with {@code averageLossExactMean} it is weighted by
 * {@code items_in_micro_batch / items_in_window}, which makes the update the exact per-example mean over the
 * window (GA=k with batch b ≡ GA=1 with batch k·b).
 */
public class Trainer {
    static {
        dev.jtune.torch.Engine.init(); // before any libtorch class: picks the BLAS (MKL when on the classpath)
    }

    private static final System.Logger LOG = System.getLogger(Trainer.class.getName());

    private final TaskModel model;
    private final TrainingArguments args;
    private final PreTrainedTokenizer tokenizer;
    private final Dataset trainDataset;
    private final Dataset evalDataset;
    private final ComputeMetrics computeMetrics;
    private final LossFunction userLossFunction;
    private final LossSpec lossSpec;
    private final CallbackHandler callbacks;
    private final DataCollatorWithPadding collator;
    private Features trainFeatures;
    private Features evalFeatures;
    private LossFunction resolvedLoss;
    private String lossDescription;
    private TrainerState state = new TrainerState();
    private final boolean skipNonFiniteSteps;
    private final Double thresholdOverride;
    private final boolean labelAllTokens;
    private LossSelection resolvedSelection;
    private final ProcessGroupContext distributed;
    private Evaluation lastEvaluation;

    /**
     * One evaluation of the eval set during or after training: the step whose weights it scored, the predictions
     * with their labels, and the metrics.
     */
    public record Evaluation(int step, dev.jtune.metrics.EvalPrediction prediction, Map<String, Double> metrics) {}

    protected Trainer(Builder b) {
        this.model = b.model;
        this.args = b.args;
        this.tokenizer = b.tokenizer;
        this.trainDataset = b.trainDataset;
        this.evalDataset = b.evalDataset;
        this.computeMetrics = b.computeMetrics;
        this.userLossFunction = b.lossFunction;
        this.lossSpec = b.lossSpec;
        this.skipNonFiniteSteps = b.skipNonFiniteSteps;
        this.thresholdOverride = b.threshold;
        this.labelAllTokens = b.labelAllTokens;
        this.distributed = b.distributed;
        List<TrainerCallback> cbs = new ArrayList<>();
        cbs.add(new DefaultFlowCallback());
        cbs.addAll(b.callbacks);
        this.callbacks = new CallbackHandler(cbs);
        if (model == null || args == null || tokenizer == null) { // before anything dereferences them
            throw new IllegalArgumentException("Trainer needs a model, TrainingArguments and a tokenizer (missing: "
                    + (model == null ? "model " : "") + (args == null ? "args " : "") + (tokenizer == null ? "tokenizer" : "") + ")");
        }
        this.collator = new DataCollatorWithPadding(tokenizer);
        if (args.bf16()) dev.jtune.torch.Engine.requireNativeBf16("bf16=True (CLI --bf16)");
        if (args.evalStrategy() != IntervalStrategy.NO && evalDataset == null) {
            throw new JTuneException("You have set `args.eval_strategy` to " + args.evalStrategy().hfName()
                    + " but you didn't pass an `eval_dataset` to `Trainer`. Either set `args.eval_strategy` to `no` or pass an `eval_dataset`.",
                    "evaluation during training needs evaluation data (CLI --eval)", "pass --eval FILE or --eval-strategy no");
        }
        if (trainDataset != null && evalDataset != null) Dataset.checkCompatible(trainDataset, evalDataset);
        callbacks.onInitEnd(args, state, new TrainerControl());
    }

    public static Builder builder() { return new Builder(); }

    public TaskModel model() { return model; }
    public TrainingArguments args() { return args; }
    public PreTrainedTokenizer tokenizer() { return tokenizer; }
    public TrainerState state() { return state; }
    CallbackHandler callbacks() { return callbacks; }
    public DataCollatorWithPadding collator() { return collator; }
    void state(TrainerState s) { this.state = s; }
    ComputeMetrics computeMetrics() { return computeMetrics; }

    /** The process group of a data-parallel run, or null for a single process. */
    public ProcessGroupContext distributed() { return distributed; }

    /** Whether this process writes checkpoints, the model and reports: rank 0, or the only process. */
    public boolean isMainProcess() { return distributed == null || distributed.isMain(); }

    private volatile boolean stopRequested;

    /**
     * Asks a running {@link #train} to save a checkpoint after the current optimizer step and return (Ctrl-C in the
     * CLI). Safe to call from another thread.
     */
    public void requestStop() { stopRequested = true; }

    boolean stopRequested() { return stopRequested; }

    /** Adds a callback (HF {@code add_callback}). */
    public void addCallback(TrainerCallback cb) { callbacks.add(cb); }

    /** The loss actually used, decided once before the first step: "problem_type ... → CrossEntropyLoss(...)". */
    public String lossDescription() {
        resolveLoss();
        return lossDescription;
    }

    private InputLength maxLength;

    /**
     * {@code max_length} clamped to what the model accepts (the tokenizer's {@code model_max_length} and the position
     * table: {@link InputLength}, the one rule train, explain, evaluate and predict share); warns once when clamped.
     */
    synchronized int maxLength() {
        if (maxLength == null) {
            maxLength = InputLength.decide(args.maxLength(), "max_length (--max-length)", null, model.config(), tokenizer.modelMaxLength());
            if (maxLength.warning() != null) LOG.log(System.Logger.Level.WARNING, maxLength.warning());
        }
        return maxLength.value();
    }

    private Features tokenize(Dataset data) {
        return Features.tokenize(data, tokenizer, maxLength(), labelAllTokens, model.config().vocabSize());
    }

    Features trainFeatures() {
        if (trainFeatures == null) {
            if (trainDataset == null) throw new JTuneException("no training data", "train() needs a train dataset (CLI --train)", "pass --train FILE");
            trainDataset.validateForTraining();
            long t = StepProfile.start();
            trainFeatures = tokenize(trainDataset);
            StepProfile.tokenized(t);
            if (trainFeatures.lostWords() > 0) {
                LOG.log(System.Logger.Level.WARNING, trainFeatures.lostWords() + " tagged words of " + trainDataset.file()
                        + " lost every token to truncation at max_length " + maxLength() + " (their tags are not learned; raise --max-length)");
            }
        }
        return trainFeatures;
    }

    Features evalFeatures() {
        if (evalFeatures == null && evalDataset != null) evalFeatures = tokenize(evalDataset);
        return evalFeatures;
    }

    /**
     * Decides the problem type and the loss before the first step and writes the problem type into the model
     * config (HF does it on the first labelled forward pass; the result is the same, but known up front).
     */
    synchronized void resolveLoss() {
        if (lossDescription != null) return;
        Dataset d = trainDataset != null ? trainDataset : evalDataset;
        LossDecision decision = model.isTokenClassification()
                ? LossDecision.decideTokens(model.architecture(), model.config(), d, trainDataset, lossSpec, args.labelSmoothingFactor(), userLossFunction)
                : LossDecision.decide(model.config(), d, trainDataset, lossSpec, args.labelSmoothingFactor(), userLossFunction);
        resolvedSelection = decision.selection();
        if (decision.selection() != null && !decision.selection().perToken() && model.config().problemType() == null) {
            model.config().setInferredProblemType(decision.selection().problemType());
        }
        resolvedLoss = decision.loss();
        lossDescription = decision.description();
        LOG.log(System.Logger.Level.INFO, lossDescription);
    }

    /**
     * HF {@code compute_loss}: the model's own loss unless a loss function is configured (then the labels are
     * withheld from the model). Returns the micro-batch mean; subclasses may override it.
     *
     * @param numItemsInBatch labelled items in the whole accumulation window (HF {@code num_items_in_batch})
     */
    public LossAndOutputs computeLoss(TaskModel model, Batch inputs, boolean returnOutputs, long numItemsInBatch) {
        resolveLoss();
        if (resolvedLoss != null && inputs.labels() != null) {
            ModelOutput out = model.forward(inputs.inputIds(), inputs.attentionMask(), inputs.tokenTypeIds());
            LossContext ctx = new LossContext(resolvedSelection != null ? resolvedSelection.problemType() : model.config().problemType(),
                    model.config().numLabels(), numItemsInBatch);
            Tensor logits = out.logits().to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
            return new LossAndOutputs(resolvedLoss.compute(logits, inputs.labels(), ctx), out);
        }
        ModelOutput out = model.forward(inputs.inputIds(), inputs.attentionMask(), inputs.tokenTypeIds(), inputs.labels());
        if (out.loss() == null) {
            throw new JTuneException("The model did not return a loss from the inputs, only the following keys: logits. "
                    + "For reference, the inputs it received are input_ids,attention_mask,token_type_ids.",
                    "training and evaluation with a loss need labels", "name the label column with --label-column");
        }
        return new LossAndOutputs(out.loss(), returnOutputs ? out : null);
    }

    /** Trains from scratch. */
    public TrainOutput train() { return train(null); }

    /**
     * Checks before the first step that {@code metric_for_best_model} names a metric evaluation will return (HF
     * finds out only at the first evaluation). With a custom {@link ComputeMetrics} the names are unknown: no check.
     */
    public void checkMetricForBestModel() {
        String key = args.resolvedMetricForBestModel();
        if (key == null || computeMetrics != null) return;
        resolveLoss();
        ProblemType p = model.config().problemType();
        if (p == null) return;
        List<String> names = new ArrayList<>(List.of("eval_loss"));
        for (String n : ComputeMetrics.names(p.hfName(), model.config().numLabels())) names.add("eval_" + n);
        if (names.contains(key)) return;
        String bare = key.substring("eval_".length());
        String near = names.stream().map(n -> n.substring(5)).filter(n -> n.startsWith(bare) || bare.startsWith(n)).findFirst().orElse("loss");
        List<String> shown = names.stream().map(n -> n.substring(5)).toList();
        throw new JTuneException("metric_for_best_model \"" + args.metricForBestModel() + "\" is not a metric a "
                + p.hfName() + " model with " + model.config().numLabels() + " labels is evaluated with (CLI --metric-for-best-model)",
                "metric_for_best_model names one of " + shown + " (the eval_ prefix is optional); checked before training, "
                        + "not after the first evaluation", "pass --metric-for-best-model " + near);
    }

    /** Trains, resuming from {@code checkpoint} when it is not null (exactly, bit for bit). */
    public TrainOutput train(Path checkpoint) {
        // one writer per output folder; what a killed run left half-written is removed; all before the first step
        // under data parallelism only rank 0 writes into the output folder
        try (OutputDir.Lock lock = isMainProcess() ? OutputDir.lock(Path.of(args.outputDir())) : null) {
            if (isMainProcess()) OutputDir.removeLeftovers(Path.of(args.outputDir()));
            resolveLoss();
            checkMetricForBestModel();
            // the engine choices (attention path) measured on this machine, or read from its cache: once per process
            LOG.log(System.Logger.Level.INFO, "engine: " + dev.jtune.torch.EngineChoices.forRun(args.bf16()).describe());
            return new TrainingLoop(this).run(checkpoint);
        } catch (RuntimeException e) {
            // data parallel: this rank's own error is left in the store, so the other ranks' message names it
            if (distributed != null && !(e instanceof dev.jtune.distributed.PeerFailure)) {
                distributed.reportFailure(String.valueOf(e.getMessage()).strip().lines().findFirst().orElse(e.getClass().getSimpleName()));
            }
            throw e;
        }
    }

    /**
     * Evaluates on the eval dataset: {@code eval_loss}, metrics with the {@code eval_} prefix, runtime figures. Under
     * data parallelism, this, {@link #evaluate(Dataset)}, {@link #predict} and {@link #calibrateThresholds} are
     * collectives: every rank calls them, evaluates its shard, and gets the metrics (and predictions) of the whole set.
     */
    public Map<String, Double> evaluate() {
        if (evalDataset == null) throw new JTuneException("no evaluation data", "evaluate() needs an eval dataset (CLI --eval / --data)", "pass an eval file");
        return evaluate(evalFeatures(), "eval");
    }

    Map<String, Double> evaluate(Features f, String prefix) {
        return evaluate(f, prefix, new TrainerControl());
    }

    /** Evaluates, logs (with {@code epoch}) and lets callbacks react through the loop's control. */
    Map<String, Double> evaluate(Features f, String prefix, TrainerControl control) {
        resolveLoss();
        var r = EvaluationLoop.run(this, f, prefix, metricsFor());
        Map<String, Double> m = new java.util.LinkedHashMap<>(r.metrics());
        lastEvaluation = new Evaluation(state.globalStep(), r.prediction(), java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(r.metrics())));
        if (state.epoch() != null) m.put("epoch", state.epoch());
        state.appendLog(m);
        callbacks.onEvaluate(args, state, control, m);
        return m;
    }

    /** The last evaluation of the eval set ({@link #evaluate()} or during training); null before the first. */
    public Evaluation lastEvaluation() { return lastEvaluation; }

    /**
     * The step whose weights the model holds after training: the best checkpoint's when {@code load_best_model_at_end}
     * loaded it, else the last step.
     */
    public int weightsStep() {
        return args.loadBestModelAtEnd() && state.bestModelCheckpoint() != null && state.bestGlobalStep() != null
                ? state.bestGlobalStep() : state.globalStep();
    }

    /**
     * The evaluation of the weights the model holds now: the last evaluation when it scored exactly these weights
     * (same step, nothing trained or loaded since), else a new {@link #evaluate()}.
     */
    public Evaluation finalEvaluation() {
        int step = weightsStep();
        if (lastEvaluation != null && lastEvaluation.step() == step && step == state.globalStep()) return lastEvaluation;
        evaluate();
        lastEvaluation = new Evaluation(step, lastEvaluation.prediction(), lastEvaluation.metrics());
        return lastEvaluation;
    }

    /**
     * What the last evaluation shows per class, label or entity type ({@link dev.jtune.metrics.EvalBreakdown}), with
     * the class names of {@code id2label} and, for multi-label heads, the decision thresholds now in force (calibrated
     * ones after {@link #calibrateThresholds}); null without a labelled evaluation.
     */
    public dev.jtune.metrics.EvalBreakdown lastEvalBreakdown() {
        if (lastEvaluation == null) return null;
        if (model.isTokenClassification()) return dev.jtune.metrics.EvalBreakdown.entities(lastEvaluation.metrics(), "eval");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < model.config().numLabels(); i++) names.add(model.config().id2label().getOrDefault(i, String.valueOf(i)));
        double[] th = model.config().problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION ? decisionThresholds().values() : null;
        return dev.jtune.metrics.EvalBreakdown.of(lastEvaluation.prediction(), names, th);
    }

    /** Whether a step with a NaN or infinite loss is skipped (true) or stops training with an error (false, default). */
    public boolean skipNonFiniteSteps() { return skipNonFiniteSteps; }

    /** Evaluates another dataset (e.g. the CLI's {@code evaluate --data}), without touching the log history. */
    public Map<String, Double> evaluate(Dataset data) {
        resolveLoss();
        return EvaluationLoop.run(this, tokenize(data), "eval", metricsFor()).metrics();
    }

    /** HF {@code predict}: raw logits (N, C), labels when present, metrics with the {@code test_} prefix. */
    public PredictionOutput predict(Dataset data) {
        resolveLoss();
        var r = EvaluationLoop.run(this, tokenize(data), "test", metricsFor());
        return new PredictionOutput(r.logits(), r.prediction(), r.metrics());
    }

    /**
     * Beyond HF, for multi-label heads: chooses decision thresholds on the eval set that maximise F1 — one global
     * threshold ({@code perLabel=false}) or one per label — stores them in the model config (config.json, used by
     * predict) and returns metrics at 0.5 and at the calibrated thresholds ({@code eval_calibrated_*}).
     */
    public Map<String, Double> calibrateThresholds(boolean perLabel) {
        resolveLoss();
        if (model.config().problemType() != ProblemType.MULTI_LABEL_CLASSIFICATION) {
            throw new JTuneException("threshold calibration asked for a " + model.config().problemType() + " model (CLI --calibrate-thresholds)",
                    "decision thresholds exist only for multi_label_classification", "drop --calibrate-thresholds");
        }
        Features f = evalFeatures();
        if (f == null) throw new JTuneException("threshold calibration without eval data", "thresholds are chosen on held-out data (CLI --eval)", "pass --eval FILE");
        var r = EvaluationLoop.run(this, f, "eval", null);
        double[][] probs = r.prediction().sigmoid();
        float[][] y = r.prediction().multiLabels();
        double[] th = new double[model.config().numLabels()];
        if (perLabel) {
            th = dev.jtune.metrics.ThresholdCalibration.perLabelThresholds(probs, y).thresholds();
        } else {
            java.util.Arrays.fill(th, dev.jtune.metrics.ThresholdCalibration.globalThreshold(probs, y).threshold());
        }
        model.config().setMultiLabelThresholds(perLabel ? "per_label" : "global", th);
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        dev.jtune.metrics.MultiLabelMetrics.compute(probs, y, 0.5).forEach((k, v) -> m.put("eval_" + k, v));
        dev.jtune.metrics.MultiLabelMetrics.compute(probs, y, th).forEach((k, v) -> m.put("eval_calibrated_" + k, v));
        if (!perLabel) m.put("eval_calibrated_threshold", th.length == 0 ? 0.5 : th[0]);
        return m;
    }

    /** The multi-label decision thresholds evaluation and prediction use ({@link DecisionThresholds}: one rule). */
    public DecisionThresholds decisionThresholds() { return DecisionThresholds.resolve(model.config(), thresholdOverride); }

    ComputeMetrics metricsFor() {
        if (computeMetrics != null) return computeMetrics;
        if (model.isTokenClassification()) return null; // seqeval-style entity metrics (EvaluationLoop)
        ProblemType p = model.config().problemType();
        if (p == ProblemType.MULTI_LABEL_CLASSIFICATION) return ComputeMetrics.multiLabel(decisionThresholds().values());
        return p == null ? null : ComputeMetrics.forProblemType(p.hfName());
    }

    /** Saves the model and tokenizer to {@code dir} (HF {@code save_model}). */
    public void saveModel(Path dir) {
        model.savePretrained(dir);
        tokenizer.savePretrained(dir);
    }

    LossFunction resolvedLossFunction() { return resolvedLoss; }

    /** Builder for a Trainer (HF's constructor arguments). */
    public static class Builder {
        TaskModel model;
        TrainingArguments args = TrainingArguments.builder().build();
        PreTrainedTokenizer tokenizer;
        Dataset trainDataset;
        Dataset evalDataset;
        ComputeMetrics computeMetrics;
        LossFunction lossFunction;
        LossSpec lossSpec = LossSpec.none();
        final List<TrainerCallback> callbacks = new ArrayList<>();
        boolean skipNonFiniteSteps;
        Double threshold;

        /** Multi-label: one decision threshold for every label, over the calibrated ones (CLI predict --threshold). */
        public Builder threshold(Double t) { this.threshold = t; return this; }
        boolean labelAllTokens;
        ProcessGroupContext distributed;

        /**
         * Data-parallel training (HF Trainer under DDP): this process is one rank of {@code ctx}'s job. Each rank trains
         * on its shard of the data with the per-device batch size; gradients are averaged over the ranks before clipping;
         * only rank 0 writes checkpoints. Null (default): one process.
         */
        public Builder distributed(ProcessGroupContext ctx) { this.distributed = ctx; return this; }

        public Builder model(TaskModel m) { this.model = m; return this; }
        public Builder args(TrainingArguments a) { this.args = a; return this; }
        public Builder tokenizer(PreTrainedTokenizer t) { this.tokenizer = t; return this; }
        public Builder trainDataset(Dataset d) { this.trainDataset = d; return this; }
        public Builder evalDataset(Dataset d) { this.evalDataset = d; return this; }
        public Builder computeMetrics(ComputeMetrics c) { this.computeMetrics = c; return this; }
        /** HF {@code compute_loss_func}: replaces the model's loss (labels are withheld from the model). */
        public Builder lossFunction(LossFunction f) { this.lossFunction = f; return this; }
        /** Class weights, pos_weight, label smoothing, focal loss without subclassing. */
        public Builder lossSpec(LossSpec s) { this.lossSpec = s == null ? LossSpec.none() : s; return this; }
        public Builder callback(TrainerCallback cb) { this.callbacks.add(cb); return this; }
        /** Skip optimizer steps whose loss or gradient norm is NaN/infinite instead of stopping (CLI --skip-nonfinite-steps). */
        public Builder skipNonFiniteSteps(boolean b) { this.skipNonFiniteSteps = b; return this; }

        /**
         * Token classification: every sub-token of a word carries its tag (a B- tag becomes I- on continuations),
         * not only the first (HF run_ner's {@code label_all_tokens}; CLI --label-all-tokens). Metrics still score words.
         */
        public Builder labelAllTokens(boolean b) { this.labelAllTokens = b; return this; }

        public Trainer build() { return new Trainer(this); }
    }
}
