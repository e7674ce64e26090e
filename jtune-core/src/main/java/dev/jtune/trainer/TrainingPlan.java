package dev.jtune.trainer;

import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.DatasetReader;
import dev.jtune.data.LabelKind;
import dev.jtune.data.LabelMap;
import dev.jtune.data.ReadOptions;
import dev.jtune.losses.LossFunction;
import dev.jtune.losses.LossSelection;
import dev.jtune.losses.LossSpec;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.models.AutoConfig;
import dev.jtune.models.AutoModelForSequenceClassification;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Every decision a fine-tune makes before its first step, made once: from a model folder, the data files, the
 * label options and the loss options it decides how the data is typed (the label column, the label map — the
 * model's own names when it has them), {@code num_labels} and the label names given to the head,
 * {@code problem_type} with its source, the loss with its precedence ({@link LossDecision}), and every warning
 * and error. {@code jtune train} runs it and stops on its first error; {@code jtune explain} prints it; API users
 * can do either. The {@link Trainer} reaches the same loss through the same {@link LossDecision}.
 */
public final class TrainingPlan {
    private final Path modelDir;
    private final PretrainedConfig baseConfig;
    private final PretrainedConfig config;
    private final Dataset train;
    private final Dataset eval;
    private final FromPretrainedOptions modelOptions;
    private final LossSelection selection;
    private final LossDecision loss;
    private final List<String> warnings;
    private final List<JTuneException> errors;

    private TrainingPlan(Builder b) {
        this.modelDir = b.modelDir;
        List<String> warn = new ArrayList<>();
        List<JTuneException> err = new ArrayList<>();
        Map<String, Object> overrides = b.configOverrides;
        this.baseConfig = AutoConfig.fromPretrained(modelDir, FromPretrainedOptions.builder().configOverrides(overrides).build());
        warn.addAll(baseConfig.warnings());
        ProblemType forced = b.problemType;

        // 1. how the data is typed: the forced problem type, and the model's own label names when it has them
        ReadOptions.Builder ro = b.readOptions != null ? b.readOptions : ReadOptions.builder();
        if (forced != null) ro.problemType(forced.hfName());
        boolean modelLabels = b.numLabels == null && baseConfig.numLabels() > 1 && !isDefaultLabels(baseConfig.id2label())
                && forced != ProblemType.REGRESSION;
        if (modelLabels) ro.label2id(baseConfig.label2id());
        this.train = head(DatasetReader.read(b.trainFile, ro.build()), b.maxTrainSamples, "--max-train-samples");
        if (b.forTraining) {
            try {
                train.validateForTraining();
            } catch (JTuneException e) {
                err.add(e);
            }
        }
        Dataset ev = null;
        if (b.evalFile != null) {
            ReadOptions.Builder er = ro.build().toBuilder().problemType(train.labelKind());
            if (train.labelMap() != null) er.label2id(train.labelMap().label2id());
            ev = head(DatasetReader.read(b.evalFile, er.build()), b.maxEvalSamples, "--max-eval-samples");
            try {
                Dataset.checkCompatible(train, ev);
            } catch (JTuneException e) {
                err.add(e);
            }
        }
        this.eval = ev;

        // 2. the head: num_labels and label names
        int n = b.numLabels != null ? b.numLabels : Math.max(1, train.numLabels());
        List<String> names = null;
        if (train.labelMap() != null && !isNumbered(train.labelMap()) && n == train.labelMap().size()) names = train.labelMap().id2label();
        this.modelOptions = FromPretrainedOptions.builder().numLabels(names == null ? n : null).labelNames(names).problemType(forced)
                .ignoreMismatchedSizes(b.ignoreMismatchedSizes).configOverrides(overrides).seed(b.seed).build();
        this.config = AutoConfig.fromPretrained(modelDir, modelOptions);

        // 3. problem type and loss, exactly as the Trainer decides them
        LossSelection.LabelKind kind = train.labelKind() == LabelKind.CLASS_INDEX ? LossSelection.LabelKind.CLASS_INDEX : LossSelection.LabelKind.FLOAT;
        this.selection = LossSelection.select(config.problemType(), config.problemTypeSource(), config.numLabels(), kind);
        LossDecision d = null;
        try {
            d = LossDecision.decide(config, train, train, b.lossSpec, b.labelSmoothingFactor, b.lossFunction);
        } catch (JTuneException e) {
            err.add(e);
        }
        this.loss = d;
        this.warnings = Collections.unmodifiableList(warn);
        this.errors = Collections.unmodifiableList(err);
    }

    public static Builder builder() { return new Builder(); }

    public Path modelDir() { return modelDir; }
    /** config.json as read (with overrides), before the data's labels are applied. */
    public PretrainedConfig baseConfig() { return baseConfig; }
    /** The config the model is built with: labels and problem type applied. */
    public PretrainedConfig config() { return config; }
    public Dataset train() { return train; }
    public Dataset eval() { return eval; }
    public int numLabels() { return config.numLabels(); }
    /** What {@code fromPretrained} is given (labels, problem type, overrides, mismatched sizes, seed). */
    public FromPretrainedOptions modelOptions() { return modelOptions; }
    /** The problem type, its source and why (also when the loss cannot be built). */
    public LossSelection selection() { return selection; }
    /** The loss, or null when the plan has an error. */
    public LossDecision loss() { return loss; }
    /** The loss line the train log and explain print. */
    public String lossDescription() { return loss != null ? loss.description() : selection.describe(); }
    public List<String> warnings() { return warnings; }
    /** What would stop training (bad labels for the head, invalid loss options, unusable data). */
    public List<JTuneException> errors() { return errors; }

    /** Throws the first error (what {@code jtune train} does). */
    public TrainingPlan requireValid() {
        if (!errors.isEmpty()) throw errors.get(0);
        return this;
    }

    /** The model as the plan loads it (head re-initialised where the plan says so). */
    public SequenceClassificationModel loadModel() {
        return AutoModelForSequenceClassification.fromPretrained(modelDir, modelOptions);
    }

    /**
     * The maximum sequence length actually used: {@code --max-length} clamped to what the model's position table holds
     * ({@code max_position_embeddings}, for RoBERTa/XLM-R minus {@code pad_token_id + 1}), with a warning when it
     * was clamped, as HF's tokenizer clamps to {@code model_max_length}. One decision for train, explain, evaluate
     * and predict (the {@link Trainer} calls it too).
     *
     * @param requested what was asked for ({@code max_length}, CLI {@code --max-length})
     * @param used      what is used
     * @param warning   why they differ, or null
     */
    public record MaxLength(int requested, int used, String warning) {}

    /** See {@link MaxLength}. */
    public static MaxLength maxLength(PretrainedConfig config, int requested) {
        int limit = config.maxPositionEmbeddings();
        if (requested <= limit) return new MaxLength(requested, requested, null);
        return new MaxLength(requested, limit, "--max-length " + requested + " (max_length) is longer than this " + config.modelType()
                + " model's position table holds (" + limit + " tokens, from max_position_embeddings in config.json): using "
                + limit + ", as transformers clamps to model_max_length");
    }

    /** True when id2label is HF's placeholder LABEL_0..LABEL_{n-1} (a model never fine-tuned on named classes). */
    public static boolean isDefaultLabels(Map<Integer, String> id2label) {
        for (Map.Entry<Integer, String> e : id2label.entrySet()) {
            if (!e.getValue().equals("LABEL_" + e.getKey())) return false;
        }
        return true;
    }

    /** True when the names are the integers 0..n-1 (integer labels in the data). */
    public static boolean isNumbered(LabelMap map) {
        return map != null && map.id2label().equals(LabelMap.numbered(map.size()).id2label());
    }

    /** The first {@code n} examples (HF {@code dataset.select(range(n))}); the label map is kept. */
    public static Dataset head(Dataset d, Integer n, String flag) {
        if (n == null) return d;
        if (n <= 0) {
            throw new JTuneException(flag + " is " + n, flag + " must be a positive number of rows", "pass e.g. " + flag + " 1000");
        }
        if (n >= d.size()) return d;
        return new Dataset(d.file(), d.columns(), d.textColumn(), d.textPairColumn(), d.labelColumn(), d.labelKind(),
                d.labelMap(), d.examples().subList(0, n), d.skipped());
    }

    /** The inputs of a plan; HF names camelCased. */
    public static final class Builder {
        private Path modelDir;
        private Path trainFile;
        private Path evalFile;
        private ReadOptions.Builder readOptions;
        private Integer maxTrainSamples;
        private Integer maxEvalSamples;
        private Integer numLabels;
        private ProblemType problemType;
        private boolean ignoreMismatchedSizes;
        private Map<String, Object> configOverrides = Map.of();
        private long seed = 42;
        private LossSpec lossSpec = LossSpec.none();
        private double labelSmoothingFactor;
        private LossFunction lossFunction;
        private boolean forTraining = true;

        public Builder modelDir(Path p) { this.modelDir = p; return this; }
        public Builder trainFile(Path p) { this.trainFile = p; return this; }
        public Builder evalFile(Path p) { this.evalFile = p; return this; }
        /** How the data files are read (columns, delimiter, skipping); the plan adds the label typing. */
        public Builder readOptions(ReadOptions.Builder r) { this.readOptions = r; return this; }
        public Builder maxTrainSamples(Integer n) { this.maxTrainSamples = n; return this; }
        public Builder maxEvalSamples(Integer n) { this.maxEvalSamples = n; return this; }
        public Builder numLabels(Integer n) { this.numLabels = n; return this; }
        public Builder problemType(ProblemType p) { this.problemType = p; return this; }
        public Builder ignoreMismatchedSizes(boolean b) { this.ignoreMismatchedSizes = b; return this; }
        public Builder configOverrides(Map<String, Object> m) { this.configOverrides = m == null ? Map.of() : m; return this; }
        public Builder seed(long s) { this.seed = s; return this; }
        public Builder lossSpec(LossSpec s) { this.lossSpec = s == null ? LossSpec.none() : s; return this; }
        public Builder labelSmoothingFactor(double e) { this.labelSmoothingFactor = e; return this; }
        public Builder lossFunction(LossFunction f) { this.lossFunction = f; return this; }
        /** False for a look at data that need not be trainable (every check still runs, as warnings). */
        public Builder forTraining(boolean b) { this.forTraining = b; return this; }

        public TrainingPlan build() {
            if (modelDir == null || trainFile == null) {
                throw new IllegalArgumentException("a TrainingPlan needs a model folder and a training file");
            }
            return new TrainingPlan(this);
        }
    }
}
