package dev.jtune.cli;

import dev.jtune.data.Dataset;
import dev.jtune.inference.Predictor;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.PretrainedConfig;
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

    /** Reads a data file so that class names map to this model's ids and labels are typed as its problem type. */
    Dataset read(Path file, DataOptions data) { return predictor.read(file, data.readOptions()); }

    /** A trainer for evaluation and prediction only. */
    Trainer trainer(Dataset eval, int batchSize, int maxLength) { return predictor.trainer(eval, batchSize, maxLength); }

    @Override
    public void close() { predictor.close(); }
}
