package dev.jtune.cli;

import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.DatasetReader;
import dev.jtune.data.LabelKind;
import dev.jtune.data.ReadOptions;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.AutoModel;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.models.AutoConfig;
import dev.jtune.models.AutoModelForSequenceClassification;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.trainer.InputLength;
import dev.jtune.trainer.TrainedInputs;
import dev.jtune.trainer.Trainer;
import dev.jtune.trainer.TrainingArguments;

import java.io.PrintWriter;
import java.nio.file.Path;

/** A fine-tuned model folder loaded for evaluate/predict, and data read with the model's own label map. */
final class SavedModel implements AutoCloseable {
    final Path dir;
    final SequenceClassificationModel model;
    final PreTrainedTokenizer tokenizer;

    private SavedModel(Path dir, SequenceClassificationModel model, PreTrainedTokenizer tokenizer) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * Loads a folder; when config.json has no problem_type, num_labels 1 means regression and anything else
     * single-label classification (what HF pipelines assume), unless --problem-type says otherwise.
     */
    static SavedModel load(String nameOrPath, ProblemType forced, PrintWriter err) {
        Path dir = CliSupport.resolveModel(nameOrPath);
        PretrainedConfig cfg = AutoConfig.fromPretrained(dir, FromPretrainedOptions.defaults());
        ProblemType p = forced != null ? forced : cfg.problemType() != null ? null
                : cfg.numLabels() == 1 ? ProblemType.REGRESSION : ProblemType.SINGLE_LABEL_CLASSIFICATION;
        SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(dir,
                FromPretrainedOptions.builder().problemType(p).build());
        for (String w : model.loadReport().warnings()) err.println("warning: " + w);
        if (!model.loadReport().newlyInitialized().isEmpty()) {
            err.println("warning: " + dir + " has no trained classification head (newly initialized: "
                    + model.loadReport().newlyInitialized() + "): its outputs are random; train it first");
        }
        PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir);
        return new SavedModel(dir, model, tok);
    }

    PretrainedConfig config() { return model.config(); }

    /**
     * The truncation length: {@code --max-length}, else what training used, else 128; clamped to the model's limit
     * with a warning. The choice is stated on {@code err} (stdout may carry JSON).
     */
    int maxLength(Integer requested, PrintWriter err) {
        InputLength l = InputLength.decide(requested, "--max-length", dir, config(), tokenizer.modelMaxLength());
        if (l.warning() != null) err.println("warning: " + l.warning());
        else if (requested == null) err.println("note: " + l.describe());
        err.flush();
        return l.value();
    }

    /** Reads a data file so that class names map to this model's ids and labels are typed as its problem type. */
    Dataset read(Path file, DataOptions data, PrintWriter err) {
        Dataset d = read(file, data);
        TrainedInputs trained = TrainedInputs.read(dir);
        if (trained != null) for (String w : trained.servingWarnings(d)) err.println("warning: " + w);
        return d;
    }

    /** Reads a data file so that class names map to this model's ids and labels are typed as its problem type. */
    Dataset read(Path file, DataOptions data) {
        ReadOptions.Builder ro = data.readOptions();
        PretrainedConfig cfg = config();
        LabelKind kind = CliSupport.labelKindOf(cfg);
        if (kind != null) ro.problemType(kind);
        if (cfg.numLabels() > 1 && !dev.jtune.trainer.TrainingPlan.isDefaultLabels(cfg.id2label())) ro.label2id(cfg.label2id());
        return DatasetReader.read(file, ro.build());
    }

    /** A trainer for evaluation and prediction only. */
    Trainer trainer(Dataset eval, int batchSize, int maxLength, Double threshold, dev.jtune.trainer.TrainerCallback... callbacks) {
        if (batchSize <= 0) {
            throw new JTuneException("--batch-size is " + batchSize, "the batch size is at least 1", "pass e.g. --batch-size 32");
        }
        TrainingArguments args = TrainingArguments.builder().perDeviceEvalBatchSize(batchSize).maxLength(maxLength).build();
        Trainer.Builder b = Trainer.builder().model(model).tokenizer(tokenizer).args(args).evalDataset(eval).threshold(threshold);
        for (dev.jtune.trainer.TrainerCallback cb : callbacks) if (cb != null) b.callback(cb);
        return b.build();
    }

    @Override
    public void close() { tokenizer.close(); }
}
