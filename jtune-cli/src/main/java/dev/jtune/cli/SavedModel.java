package dev.jtune.cli;

import dev.jtune.data.Dataset;
import dev.jtune.inference.Predictor;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.trainer.InputLength;
import dev.jtune.trainer.TrainedInputs;
import dev.jtune.trainer.Trainer;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * A fine-tuned model folder loaded for evaluate/predict: the library's {@link Predictor} (shared with jtune-spark),
 * with its warnings printed and data read through the CLI's data options.
 */
final class SavedModel implements AutoCloseable {
    final Predictor predictor;

    private SavedModel(Predictor predictor) { this.predictor = predictor; }

    /** Loads a folder (see {@link Predictor#load}) and prints its load warnings. */
    static SavedModel load(String nameOrPath, ProblemType forced, PrintWriter err) {
        Predictor p = Predictor.load(CliSupport.resolveModel(nameOrPath), forced);
        for (String w : p.warnings()) err.println("warning: " + w);
        return new SavedModel(p);
    }

    PretrainedConfig config() { return predictor.config(); }

    /**
     * The truncation length: {@code --max-length}, else what training used, else 128; clamped to the model's limit
     * with a warning. The choice is stated on {@code err} (stdout may carry JSON).
     */
    int maxLength(Integer requested, PrintWriter err) {
        return maxLength(predictor.dir(), config(), predictor.tokenizer().modelMaxLength(), requested, err);
    }

    /** The same rule for any saved folder (token-classification models too). */
    static int maxLength(Path dir, PretrainedConfig config, int tokenizerMax, Integer requested, PrintWriter err) {
        InputLength l = InputLength.decide(requested, "--max-length", dir, config, tokenizerMax);
        if (l.warning() != null) err.println("warning: " + l.warning());
        else if (requested == null) err.println("note: " + l.describe());
        err.flush();
        return l.value();
    }

    /** Reads a data file so that class names map to this model's ids and labels are typed as its problem type. */
    Dataset read(Path file, DataOptions data, PrintWriter err) {
        Dataset d = read(file, data);
        TrainedInputs trained = TrainedInputs.read(predictor.dir());
        if (trained != null) for (String w : trained.servingWarnings(d)) err.println("warning: " + w);
        return d;
    }

    /** Reads a data file so that class names map to this model's ids and labels are typed as its problem type. */
    Dataset read(Path file, DataOptions data) { return predictor.read(file, data.readOptions()); }

    /** A trainer for evaluation and prediction only. */
    Trainer trainer(Dataset eval, int batchSize, int maxLength, Double threshold, dev.jtune.trainer.TrainerCallback... callbacks) {
        return predictor.trainer(eval, batchSize, maxLength, threshold, callbacks);
    }

    @Override
    public void close() { predictor.close(); }
}
