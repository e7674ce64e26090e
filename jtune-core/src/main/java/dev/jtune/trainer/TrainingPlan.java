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
import dev.jtune.models.AutoModelForTokenClassification;
import dev.jtune.models.ModelRegistry;
import dev.jtune.data.TokenTagReader;
import dev.jtune.modeling.TaskModel;
import dev.jtune.tokenization.PreTrainedTokenizer;

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
 *
 * <p>The task comes first: {@link Task#TOKEN_CLASSIFICATION} when asked ({@code --task token-classification}) or
 * when the training file is token data (a CoNLL column file, or JSONL with {@code tokens} and {@code ner_tags});
 * then the tags are read by {@link TokenTagReader} ({@code O} first, then sorted, or the model's own id2label when
 * it names every tag of the data), {@code num_labels} is the tag count, the loss is HF's fixed token rule
 * ({@link LossDecision#decideTokens}), the alignment policy is recorded ({@code labelAllTokens}) and
 * {@link #loadModel} loads a {@code *ForTokenClassification} head.
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
    private final String calibrateThresholds;
    private final Task task;
    private final String taskReason;
    private final boolean labelAllTokens;
    private final String architecture;

    private TrainingPlan(Builder b) {
        this.modelDir = b.modelDir;
        List<String> warn = new ArrayList<>();
        List<JTuneException> err = new ArrayList<>();
        Map<String, Object> overrides = b.configOverrides;
        this.baseConfig = AutoConfig.fromPretrained(modelDir, FromPretrainedOptions.builder().configOverrides(overrides).build());
        warn.addAll(baseConfig.warnings());
        ProblemType forced = b.problemType;
        this.labelAllTokens = b.labelAllTokens;
        if (b.task != null) {
            this.task = b.task;
            this.taskReason = "given (--task " + b.task.cliName() + ")";
        } else if (TokenTagReader.looksLikeTokenData(b.trainFile)) {
            this.task = Task.TOKEN_CLASSIFICATION;
            this.taskReason = "inferred: " + b.trainFile.getFileName() + " is token data (a CoNLL column file, or JSONL with tokens and ner_tags)";
        } else {
            this.task = Task.SEQUENCE_CLASSIFICATION;
            this.taskReason = "inferred: " + b.trainFile.getFileName() + " has one label per text";
        }
        var family = ModelRegistry.forModelType(baseConfig.modelType(), modelDir.resolve("config.json").toString());
        this.architecture = task == Task.TOKEN_CLASSIFICATION ? family.tokenClassification() : family.sequenceClassification();
        if (b.labelAllTokens && task != Task.TOKEN_CLASSIFICATION) {
            err.add(new JTuneException("--label-all-tokens with " + b.trainFile.getFileName() + ", which has one label per text",
                    "label_all_tokens (run_ner.py) is about word tags and their sub-tokens: it needs token-classification data",
                    "drop --label-all-tokens, or give a CoNLL file or tokens/ner_tags JSONL"));
        }
        if (b.tagColumn != null && task != Task.TOKEN_CLASSIFICATION) {
            err.add(new JTuneException("--tag-column " + b.tagColumn + " with " + b.trainFile.getFileName() + ", which is not a CoNLL file",
                    "the tag column chooses the tag of a CoNLL column file", "drop --tag-column, or pass --task token-classification"));
        }
        if (task == Task.TOKEN_CLASSIFICATION) {
            // -------- token classification: tags per word, a *ForTokenClassification head, HF's token loss
            if (forced != null) {
                warn.add("--problem-type " + forced.hfName() + " is ignored: a token-classification head always uses cross-entropy "
                        + "over the tokens and never reads problem_type (HF *ForTokenClassification)");
            }
            ReadOptions budgets = (b.readOptions != null ? b.readOptions : ReadOptions.builder()).build();
            Dataset own = TokenTagReader.read(b.trainFile, b.tagColumn, null, budgets);
            Dataset fullTrain = own;
            boolean modelTags = b.numLabels == null && baseConfig.numLabels() > 1 && !isDefaultLabels(baseConfig.id2label());
            if (modelTags) {
                java.util.Set<String> modelNames = baseConfig.label2id().keySet();
                if (modelNames.containsAll(own.labelMap().label2id().keySet())) {
                    fullTrain = TokenTagReader.read(b.trainFile, b.tagColumn, baseConfig.label2id(), budgets); // the model's own ids
                } else {
                    int dataCount = own.labelMap().size();
                    if (dataCount != baseConfig.numLabels() && !b.ignoreMismatchedSizes) {
                        err.add(new JTuneException("the checkpoint " + modelDir.getFileName() + " names its " + baseConfig.numLabels()
                                + " tags " + baseConfig.id2label().values() + " but " + own.file().getFileName() + " has "
                                + dataCount + " other tags " + own.labelMap().id2label(),
                                "the data's tags replace the checkpoint's (as run_ner.py does); a head with another number of "
                                        + "tags is trained from scratch only when asked (HF ignore_mismatched_sizes)",
                                "pass --ignore-mismatched-sizes to train a new head for the data's tags"));
                    }
                    warn.add("LABELS REPLACED: the checkpoint " + modelDir.getFileName() + " names its " + baseConfig.numLabels()
                            + " tags " + baseConfig.id2label().values() + " but " + own.file().getFileName() + " has "
                            + own.labelMap().id2label() + ": training uses the data's tags");
                }
            }
            Dataset tr = head(fullTrain, b.maxTrainSamples, "--max-train-samples");
            if (b.forTraining) {
                try {
                    tr.validateForTraining();
                } catch (JTuneException e) {
                    err.add(e);
                }
            }
            this.train = tr;
            Dataset ev = null;
            if (b.evalFile != null) {
                // the training tags: a tag training never saw is an error naming its line
                ev = head(TokenTagReader.read(b.evalFile, b.tagColumn, tr.labelMap().label2id(), budgets), b.maxEvalSamples, "--max-eval-samples");
                warn.addAll(Dataset.labelCoverageWarnings(tr, ev, null));
            }
            this.eval = ev;
            int n = b.numLabels != null ? b.numLabels : tr.numLabels();
            List<String> names = n == tr.labelMap().size() ? tr.labelMap().id2label() : null;
            this.modelOptions = FromPretrainedOptions.builder().numLabels(names == null ? n : null).labelNames(names)
                    .ignoreMismatchedSizes(b.ignoreMismatchedSizes).configOverrides(overrides).seed(b.seed).build();
            this.config = AutoConfig.fromPretrained(modelDir, modelOptions);
            this.selection = LossSelection.tokenClassification(architecture, config.numLabels());
            LossDecision d = null;
            try {
                d = LossDecision.decideTokens(architecture, config, tr, tr, b.lossSpec, b.labelSmoothingFactor, b.lossFunction);
            } catch (JTuneException e) {
                err.add(e);
            }
            this.loss = d;
            if (b.calibrateThresholds != null) {
                err.add(new JTuneException("--calibrate-thresholds for a token-classification model",
                        "decision thresholds exist only for multi_label_classification", "drop --calibrate-thresholds"));
            }
            this.calibrateThresholds = b.calibrateThresholds;
            this.warnings = Collections.unmodifiableList(warn);
            this.errors = Collections.unmodifiableList(err);
            return;
        }

        // 1. how the data is typed: the forced problem type, and the model's own label names when it has them
        ReadOptions.Builder ro = b.readOptions != null ? b.readOptions : ReadOptions.builder();
        if (forced != null) ro.problemType(forced.hfName());
        boolean modelLabels = b.numLabels == null && baseConfig.numLabels() > 1 && !isDefaultLabels(baseConfig.id2label())
                && forced != ProblemType.REGRESSION;
        Dataset fullTrain;
        if (modelLabels) {
            // the model's names when the data uses them; other names: the data's, loudly (as run_glue.py does)
            Dataset own = DatasetReader.read(b.trainFile, ro.build());
            java.util.Set<String> modelNames = baseConfig.label2id().keySet();
            if (own.labelMap() != null && !modelNames.containsAll(own.labelMap().label2id().keySet())) {
                fullTrain = own;
                modelLabels = false;
                int dataCount = own.labelMap().size();
                if (dataCount != baseConfig.numLabels() && !b.ignoreMismatchedSizes) {
                    err.add(new JTuneException("the checkpoint " + modelDir.getFileName() + " names its " + baseConfig.numLabels()
                            + " classes " + baseConfig.id2label().values() + " but " + own.file().getFileName() + " has "
                            + dataCount + " other labels " + own.labelMap().id2label(),
                            "the data's labels replace the checkpoint's (as run_glue.py does); a head with another number of "
                                    + "classes is trained from scratch only when asked (HF ignore_mismatched_sizes)",
                            "pass --ignore-mismatched-sizes to train a new head for the data's labels, or fix the labels "
                                    + "that should be the checkpoint's " + baseConfig.id2label().values()));
                }
                warn.add("LABELS REPLACED: the checkpoint " + modelDir.getFileName() + " names its " + baseConfig.numLabels()
                        + " classes " + baseConfig.id2label().values() + " but " + own.file().getFileName() + " has " + own.labelMap().id2label()
                        + ": training uses the data's labels (as run_glue.py does)"
                        + (dataCount == baseConfig.numLabels() ? "; the head keeps its trained weights under the new names"
                        : "; the head has another number of outputs and is trained from scratch (--ignore-mismatched-sizes)"));
            } else {
                fullTrain = DatasetReader.read(b.trainFile, ro.label2id(baseConfig.label2id()).build());
            }
        } else {
            fullTrain = DatasetReader.read(b.trainFile, ro.build());
        }
        int fullTrainSize = fullTrain.size();
        this.train = head(fullTrain, b.maxTrainSamples, "--max-train-samples");
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
                warn.addAll(Dataset.labelCoverageWarnings(train, ev, b.maxTrainSamples != null && b.maxTrainSamples < fullTrainSize
                        ? "the first " + b.maxTrainSamples + " rows (--max-train-samples)" : null));
            } catch (JTuneException e) {
                err.add(e);
            }
        }
        this.eval = ev;

        // 2. the head: num_labels and label names
        int n = b.numLabels != null ? b.numLabels : Math.max(1, train.numLabels());
        List<String> names = null;
        // the data's own label names, also for integer labels ("0", "1"), as run_glue.py sets id2label: predictions,
        // the console and the report then name classes alike
        if (train.labelMap() != null && n == train.labelMap().size()) names = train.labelMap().id2label();
        this.modelOptions = FromPretrainedOptions.builder().numLabels(names == null ? n : null).labelNames(names).problemType(forced)
                .ignoreMismatchedSizes(b.ignoreMismatchedSizes).configOverrides(overrides).seed(b.seed).build();
        this.config = AutoConfig.fromPretrained(modelDir, modelOptions);

        // 3. problem type and loss, exactly as the Trainer decides them
        LossSelection.LabelKind kind = train.labelKind() == LabelKind.CLASS_INDEX ? LossSelection.LabelKind.CLASS_INDEX : LossSelection.LabelKind.FLOAT;
        this.selection = LossSelection.select(config.problemType(), config.problemTypeSource(), config.numLabels(), kind, LossDecision.labelWords(train));
        LossDecision d = null;
        try {
            d = LossDecision.decide(config, train, train, b.lossSpec, b.labelSmoothingFactor, b.lossFunction);
        } catch (JTuneException e) {
            err.add(e);
        }
        this.loss = d;
        if (b.calibrateThresholds != null) {
            try {
                checkCalibration(b.calibrateThresholds, selection.problemType(), eval);
            } catch (JTuneException e) {
                err.add(e);
            }
        }
        this.calibrateThresholds = b.calibrateThresholds;
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

    /** Multi-label threshold calibration after training: "global", "per-label", or null (none). */
    public String calibrateThresholds() { return calibrateThresholds; }

    private static void checkCalibration(String mode, ProblemType p, Dataset eval) {
        if (!mode.equals("global") && !mode.equals("per-label")) {
            throw new JTuneException("--calibrate-thresholds \"" + mode + "\"", "the mode is global or per-label",
                    "pass --calibrate-thresholds global or --calibrate-thresholds per-label");
        }
        if (p != ProblemType.MULTI_LABEL_CLASSIFICATION) {
            throw new JTuneException("--calibrate-thresholds for a " + p + " model",
                    "decision thresholds exist only for multi_label_classification", "drop --calibrate-thresholds");
        }
        if (eval == null) {
            throw new JTuneException("--calibrate-thresholds without --eval", "thresholds are chosen on held-out data",
                    "pass --eval FILE");
        }
    }

    /** Throws the first error (what {@code jtune train} does). */
    public TrainingPlan requireValid() {
        if (!errors.isEmpty()) throw errors.get(0);
        return this;
    }

    /**
     * The model as the plan loads it (head re-initialised where the plan says so): a {@code *ForSequenceClassification}
     * or, for {@link Task#TOKEN_CLASSIFICATION}, a {@code *ForTokenClassification}.
     */
    public TaskModel loadModel() {
        return task == Task.TOKEN_CLASSIFICATION ? AutoModelForTokenClassification.fromPretrained(modelDir, modelOptions)
                : AutoModelForSequenceClassification.fromPretrained(modelDir, modelOptions);
    }

    /** Sequence or token classification. */
    public Task task() { return task; }

    /** Why this task: given by --task, or inferred from the training file. */
    public String taskReason() { return taskReason; }

    /** HF's head class the plan loads, e.g. BertForTokenClassification. */
    public String architecture() { return architecture; }

    /** Token classification: every sub-token of a word gets its tag (B- → I- on continuations); else only the first. */
    public boolean labelAllTokens() { return labelAllTokens; }

    /** The word-to-sub-token alignment policy, one line (token classification), or null. */
    public String alignmentPolicy() {
        if (task != Task.TOKEN_CLASSIFICATION) return null;
        return labelAllTokens
                ? "label_all_tokens: every sub-token of a word gets the word's tag (B- becomes I- on the continuations); special tokens -100 "
                        + "(run_ner.py --label_all_tokens, CLI --label-all-tokens); metrics still score each word once, at its first sub-token"
                : "first sub-token: the first sub-token of each word gets the word's tag, the other sub-tokens and the special tokens -100 "
                        + "(not counted by the loss; run_ner.py's default; --label-all-tokens tags them all)";
    }

    /**
     * What truncation at {@code maxLength} costs the training data: sentences cut, and tagged words that lose every
     * token (their tags are never learned). Token classification only.
     *
     * @param sentences          sentences in the training data
     * @param truncatedSentences sentences with at least one word lost
     * @param words              tagged words
     * @param lostWords          tagged words with no token left
     */
    public record Truncation(int sentences, int truncatedSentences, long words, int lostWords) {
        public String describe(int maxLength) {
            return lostWords == 0 ? "no tagged word is lost to truncation at max_length " + maxLength
                    : lostWords + " tagged word" + (lostWords == 1 ? "" : "s") + " of " + words + " in " + truncatedSentences + " sentence"
                            + (truncatedSentences == 1 ? "" : "s") + " lose every token to truncation at max_length " + maxLength
                            + " (their tags are not learned; raise --max-length)";
        }
    }

    /** The training data's truncation at {@code maxLength} with this plan's alignment policy (token data only). */
    public Truncation truncation(PreTrainedTokenizer tokenizer, int maxLength) {
        if (task != Task.TOKEN_CLASSIFICATION) throw new IllegalStateException("truncation of words is for token classification");
        Features f = Features.tokenize(train, tokenizer, maxLength, labelAllTokens, Integer.MAX_VALUE); // ids are checked where training tokenizes
        int cut = 0;
        long words = 0;
        for (int i = 0; i < f.size(); i++) {
            var a = f.alignment(i);
            if (a != null && a.lostWords() > 0) cut++;
            int[] tags = f.example(i).tokenTags().tags();
            if (tags != null) for (int t : tags) if (t >= 0) words++;
        }
        return new Truncation(f.size(), cut, words, f.lostWords());
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
        private String calibrateThresholds;
        private Task task;
        private Integer tagColumn;
        private boolean labelAllTokens;

        /** The task (CLI {@code --task}); null infers it from the training file. */
        public Builder task(Task t) { this.task = t; return this; }
        /** 1-based tag column of a CoNLL file (CLI {@code --tag-column}); null = the last column. */
        public Builder tagColumn(Integer c) { this.tagColumn = c; return this; }
        /** run_ner.py's label_all_tokens (CLI {@code --label-all-tokens}). */
        public Builder labelAllTokens(boolean b) { this.labelAllTokens = b; return this; }

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
        /** Multi-label decision thresholds to calibrate on the eval data after training: "global" or "per-label". */
        public Builder calibrateThresholds(String mode) { this.calibrateThresholds = mode; return this; }
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
