package dev.jtune.cli;

import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.LabelKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jtune evaluate}: HF-named metrics (eval_loss, eval_accuracy, ...) of a fine-tuned model on a labelled file. */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, name = "evaluate", header = "Score a fine-tuned model on a labelled data file.",
        description = {
            "Prints the metrics as JSON with Hugging Face's names (eval_loss, eval_accuracy, eval_f1, ...).",
            "",
            "Examples:",
            "  jtune evaluate --model out --data dev.tsv",
            "  jtune evaluate --model out --data dev.jsonl --output dev-metrics.json",
            ""
        })
public class EvaluateCommand implements Callable<Integer> {
    @Mixin StandardOptions standard;
    @Mixin DataOptions data;
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A fine-tuned model folder (from jtune train).")
    String model;

    @Option(names = {"--data", "--eval", "--eval-file"}, required = true, paramLabel = "FILE", description = "Labelled data (.csv, .tsv or .jsonl).")
    Path dataFile;

    @Option(names = "--output", paramLabel = "FILE.json", description = "Also write the metrics to this file.")
    Path output;

    @picocli.CommandLine.Mixin
    InferenceOptions inference;

    @Mixin ProgressOptions progressOptions;

    private ProgressLines progressLines(PrintWriter err) {
        ProgressLines l = progressOptions.lines(err);
        return l == null ? null : l.phase("evaluate");
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Logging.configure(standard.verbose(), err);
        Path dir = CliSupport.resolveModel(model);
        if (dev.jtune.inference.TokenPredictor.isTokenModel(dir)) return evaluateTokens(dir, out, err);
        ModelOptions po = new ModelOptions();
        po.problemType = inference.problemType;
        try (SavedModel m = SavedModel.load(model, po.problemType(), err)) {
            Dataset d = m.read(dataFile, data, err);
            if (d.labelKind() == LabelKind.NONE) {
                throw new JTuneException(dataFile + " has no label column (columns found: " + d.columns() + ")",
                        "evaluation compares predictions with labels", "name the label column with --label-column, or use jtune predict");
            }
            if (d.size() == 0) throw new JTuneException(dataFile + " has no examples", "evaluation needs at least one row", "check the file");
            if (inference.threshold != null && !(inference.threshold >= 0 && inference.threshold <= 1)) {
                throw new JTuneException("--threshold " + inference.threshold, "a probability threshold lies in [0, 1]", "pass e.g. --threshold 0.5");
            }
            var trainer = m.trainer(d, inference.batchSize, m.maxLength(inference.maxLength, err), inference.threshold, progressLines(err));
            if (m.config().problemType() == dev.jtune.losses.ProblemType.MULTI_LABEL_CLASSIFICATION) {
                err.println("note: multi-label metrics at " + trainer.decisionThresholds().describe());
            }
            Map<String, Double> metrics = trainer.evaluate();
            metrics.remove("epoch");
            String json = CliSupport.metricsJson(metrics);
            out.print(json);
            out.flush();
            if (output != null) CliSupport.writeString(output, json);
        }
        return ExitCode.OK;
    }

    /**
     * A token-classification folder: the tagged file (CoNLL or tokens/ner_tags JSONL) is read with the model's tags
     * (an unknown tag stops with its line), then scored seqeval-style: eval_precision/recall/f1/accuracy and per type.
     */
    private int evaluateTokens(Path dir, PrintWriter out, PrintWriter err) {
        try (dev.jtune.inference.TokenPredictor tp = dev.jtune.inference.TokenPredictor.load(dir)) {
            for (String w : tp.warnings()) err.println("warning: " + w);
            Dataset d = tp.readTagged(dataFile, data.tagColumn, data.readOptions().build());
            int ml = SavedModel.maxLength(dir, tp.config(), tp.tokenizer().modelMaxLength(), inference.maxLength, err);
            Map<String, Double> metrics = tp.trainer(d, inference.batchSize, ml, progressLines(err)).evaluate();
            metrics.remove("epoch");
            err.println("note: entity scores as seqeval's default mode (micro over entities; per type eval_TYPE_*), "
                    + "eval_accuracy over words; each word scored at its first sub-token");
            String json = CliSupport.metricsJson(metrics);
            out.print(json);
            out.flush();
            if (output != null) CliSupport.writeString(output, json);
        }
        return ExitCode.OK;
    }
}
