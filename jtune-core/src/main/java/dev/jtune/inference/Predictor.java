package dev.jtune.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.DatasetReader;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.data.ReadOptions;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.models.AutoConfig;
import dev.jtune.models.AutoModelForSequenceClassification;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.trainer.PredictionOutput;
import dev.jtune.trainer.DecisionThresholds;
import dev.jtune.trainer.InputLength;
import dev.jtune.trainer.Trainer;
import dev.jtune.trainer.TrainerCallback;
import dev.jtune.trainer.TrainingArguments;
import dev.jtune.trainer.TrainingPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A saved model folder loaded for prediction: the one implementation behind {@code jtune predict}, {@code jtune
 * evaluate} and the Spark transformer. Rows become logits through {@link Trainer#predict} (eval mode, no gradients,
 * batches sorted by length), logits become {@link Prediction}s through {@link #decode}.
 *
 * <p>Not thread-safe: one caller at a time (the Spark transformer locks it per batch).
 */
public final class Predictor implements AutoCloseable {
    /** The truncation length when the folder does not say which one training used. */
    public static final int DEFAULT_MAX_LENGTH = 128;

    private final Path dir;
    private final SequenceClassificationModel model;
    private final PreTrainedTokenizer tokenizer;
    private final List<String> warnings;

    private Predictor(Path dir, SequenceClassificationModel model, PreTrainedTokenizer tokenizer, List<String> warnings) {
        this.dir = dir;
        this.model = model;
        model.logitsOnlyInference(true); // predict reads the logits only
        this.tokenizer = tokenizer;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Loads a folder; when config.json has no problem_type, num_labels 1 means regression and anything else
     * single-label classification (what HF pipelines assume), unless {@code forced} (CLI {@code --problem-type})
     * says otherwise.
     */
    public static Predictor load(Path dir, ProblemType forced) {
        // the tokenizer (DJL's native library, tokenizer.json) loads on another thread while libtorch and the weights
        // load here: they share nothing, and start-up is the sum of both otherwise
        dev.jtune.torch.Engine.configureNatives();
        java.util.concurrent.CompletableFuture<PreTrainedTokenizer> tokenizer =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> AutoTokenizer.fromPretrained(dir), Predictor::startDaemon);
        SequenceClassificationModel model;
        try {
            dev.jtune.torch.Engine.init();
            dev.jtune.io.StartupTrace.mark("libtorch + MKL loaded (Engine.init)");
            PretrainedConfig cfg = AutoConfig.fromPretrained(dir, FromPretrainedOptions.defaults());
            ProblemType p = forced != null ? forced : cfg.problemType() != null ? null
                    : cfg.numLabels() == 1 ? ProblemType.REGRESSION : ProblemType.SINGLE_LABEL_CLASSIFICATION;
            model = AutoModelForSequenceClassification.fromPretrained(dir, FromPretrainedOptions.builder().problemType(p).build());
        } catch (RuntimeException | Error e) {
            tokenizer.thenAccept(PreTrainedTokenizer::close); // the model's error is the one reported
            throw e;
        }
        List<String> warnings = new ArrayList<>(model.loadReport().warnings());
        if (!model.loadReport().newlyInitialized().isEmpty()) {
            warnings.add(dir + " has no trained classification head (newly initialized: "
                    + model.loadReport().newlyInitialized() + "): its outputs are random; train it first");
        }
        dev.jtune.io.StartupTrace.mark("model loaded (config + weights)");
        PreTrainedTokenizer tok;
        try {
            tok = tokenizer.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
        dev.jtune.io.StartupTrace.mark("tokenizer ready (loaded beside the model)");
        return new Predictor(dir, model, tok, warnings);
    }

    private static void startDaemon(Runnable r) {
        Thread t = new Thread(r, "jtune-tokenizer-load");
        t.setDaemon(true);
        t.start();
    }

    public Path dir() { return dir; }

    public SequenceClassificationModel model() { return model; }

    public PreTrainedTokenizer tokenizer() { return tokenizer; }

    public PretrainedConfig config() { return model.config(); }

    /** The load report's warnings, and one when the head was not trained. */
    public List<String> warnings() { return warnings; }

    /** The label kind the model's config implies, or null when it does not say. */
    public LabelKind labelKind() {
        ProblemType p = config().problemType();
        return p == null ? null : LabelKind.fromProblemType(p.hfName());
    }

    /** Reads a data file so that class names map to this model's ids and labels are typed as its problem type. */
    public Dataset read(Path file, ReadOptions.Builder ro) {
        PretrainedConfig cfg = config();
        LabelKind kind = labelKind();
        if (kind != null) ro.problemType(kind);
        if (cfg.numLabels() > 1 && !TrainingPlan.isDefaultLabels(cfg.id2label())) ro.label2id(cfg.label2id());
        return DatasetReader.read(file, ro.build());
    }

    /** A trainer for evaluation and prediction only ({@code batchSize}: CLI {@code --batch-size}). */
    public Trainer trainer(Dataset eval, int batchSize, int maxLength) {
        return trainer(eval, batchSize, maxLength, null);
    }

    /**
     * The same, with a multi-label threshold override (CLI {@code --threshold}; see {@link DecisionThresholds}) and
     * callbacks (progress).
     */
    public Trainer trainer(Dataset eval, int batchSize, int maxLength, Double threshold, TrainerCallback... callbacks) {
        if (batchSize <= 0) {
            throw new JTuneException("--batch-size is " + batchSize, "the batch size is at least 1", "pass e.g. --batch-size 32");
        }
        TrainingArguments args = TrainingArguments.builder().perDeviceEvalBatchSize(batchSize).maxLength(maxLength).build();
        Trainer.Builder b = Trainer.builder().model(model).tokenizer(tokenizer).args(args).evalDataset(eval).threshold(threshold);
        for (TrainerCallback cb : callbacks) if (cb != null) b.callback(cb);
        return b.build();
    }

    /** HF {@code predict} over a data set: logits (N, C) in input order, and metrics when it has labels. */
    public PredictionOutput predictLogits(Dataset data, int batchSize, int maxLength) {
        return trainer(data, batchSize, maxLength).predict(data);
    }

    /**
     * Predicts unlabelled texts (and optional pair texts; a null or empty pair is no pair) in input order:
     * logits through {@link #predictLogits}, decoded with {@code thresholds} (see {@link #thresholds}).
     */
    public List<Prediction> predict(List<String> texts, List<String> pairs, int batchSize, int maxLength, double[] thresholds) {
        if (pairs != null && pairs.size() != texts.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + pairs.size() + " pair texts");
        }
        if (texts.isEmpty()) return List.of();
        List<Example> examples = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String pair = pairs == null ? null : pairs.get(i);
            examples.add(Example.unlabeled(null, texts.get(i), pair == null || pair.isEmpty() ? null : pair, i + 1));
        }
        Dataset d = new Dataset(null, List.of("text"), "text", pairs == null ? null : "text_pair", null,
                LabelKind.NONE, null, examples, List.of());
        float[][] logits = predictLogits(d, batchSize, maxLength).predictions();
        List<Prediction> out = new ArrayList<>(logits.length);
        for (float[] l : logits) out.add(decode(l, thresholds));
        return out;
    }

    /**
     * Multi-label decision thresholds: {@code override} for every class when given (CLI {@code --threshold}), else
     * the calibrated ones in config.json, else 0.5.
     */
    public double[] thresholds(Double override) {
        checkThreshold(override);
        return DecisionThresholds.resolve(config(), override).values();
    }

    /** A threshold override (CLI {@code --threshold}) is null or a probability in [0, 1]. */
    public static void checkThreshold(Double threshold) {
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new JTuneException("--threshold " + threshold, "a probability threshold lies in [0, 1]", "pass e.g. --threshold 0.5");
        }
    }

    /** One row's logits as {@code jtune predict} reports them (thresholds: see {@link #thresholds}). */
    public Prediction decode(float[] logits, double[] thresholds) {
        PretrainedConfig cfg = config();
        ProblemType p = cfg.problemType();
        if (p == ProblemType.REGRESSION) {
            return new Prediction(p, null, (double) logits[0], null, null, logits);
        }
        Map<String, Double> probs = new LinkedHashMap<>();
        if (p == ProblemType.MULTI_LABEL_CLASSIFICATION) {
            List<String> labels = new ArrayList<>();
            for (int c = 0; c < logits.length; c++) {
                double pr = sigmoid(logits[c]);
                probs.put(cfg.id2label().get(c), pr);
                if (pr >= thresholds[c]) labels.add(cfg.id2label().get(c));
            }
            return new Prediction(p, null, null, Collections.unmodifiableList(labels), Collections.unmodifiableMap(probs), logits);
        }
        double[] pr = softmax(logits);
        int best = 0;
        for (int c = 1; c < pr.length; c++) if (pr[c] > pr[best]) best = c;
        for (int c = 0; c < pr.length; c++) probs.put(cfg.id2label().get(c), pr[c]);
        return new Prediction(p, cfg.id2label().get(best), pr[best], null, Collections.unmodifiableMap(probs), logits);
    }

    /**
     * The truncation length training used: {@code max_length} of the folder's training_args.json (written by
     * {@code jtune train}), else {@link #DEFAULT_MAX_LENGTH}.
     */
    public static int trainedMaxLength(Path dir) {
        Integer trained = InputLength.trainedMaxLength(dir);
        return trained != null ? trained : InputLength.DEFAULT;
    }

    public static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) { p[i] = Math.exp(logits[i] - max); sum += p[i]; }
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    public static double sigmoid(float x) { return 1.0 / (1.0 + Math.exp(-x)); }

    @Override
    public void close() { tokenizer.close(); }
}
