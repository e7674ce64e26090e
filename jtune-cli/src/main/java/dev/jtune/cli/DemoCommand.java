package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.JTuneException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jtune demo}: fine-tunes the built-in MiniLM on a shipped data set, evaluates it and predicts new sentences. */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, name = "demo", header = "Fine-tune the built-in MiniLM on a small shipped data set, evaluate, predict.",
        description = {
            "Runs train, evaluate and predict end to end on data shipped in the jar (copied to OUTPUT/data):",
            "  sentiment    single-label classification (CrossEntropyLoss), product and film reviews",
            "  regression   sentence-pair similarity scores 0-5 (MSELoss)",
            "  multi-label  topics of short texts (BCEWithLogitsLoss)",
            "",
            "Examples:",
            "  jtune demo",
            "  jtune demo --task multi-label --output-dir /tmp/demo-ml",
            ""
        })
public class DemoCommand implements Callable<Integer> {
    @Mixin StandardOptions standard;
    @Spec CommandSpec spec;

    enum Task { sentiment, regression, multi_label }

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "sentiment",
            description = "sentiment, regression or multi-label (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = {"--output-dir", "--output_dir"}, paramLabel = "DIR", defaultValue = "jtune-demo-output",
            description = "Where the data, model and predictions go (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = {"--model"}, paramLabel = "MODEL", defaultValue = "minilm", description = "Model to fine-tune (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = {"--num-train-epochs", "--num_train_epochs"}, paramLabel = "N", description = "Epochs (default: per task).")
    String epochs;

    @Option(names = {"--learning-rate", "--learning_rate"}, paramLabel = "LR", description = "Learning rate (default: per task).")
    String learningRate;

    @Option(names = "--fp32", description = "Train in float32 instead of bf16 autocast (bf16 is used only on CPUs with AMX).")
    boolean fp32;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String t = task.toLowerCase(Locale.ROOT).replace('_', '-');
        String prefix, ext, lr, ep;
        List<String> sentences;
        switch (t) {
            case "sentiment":
                prefix = "sentiment"; ext = ".tsv"; lr = "1e-4"; ep = "2";
                sentences = List.of("An absolute joy from start to finish, I would buy it again.",
                        "It broke after two days and support never answered.",
                        "The battery lasts all week and the screen is gorgeous.",
                        "Dull, predictable and far too long.");
                break;
            case "regression":
                // a fresh 1-output head must first learn the scale of the targets (0-5) before it can learn the
                // similarity: at lr 1e-4 for 4 epochs (40 steps) MiniLM only reached the mean (held-out Pearson -0.002);
                // at 3e-4 for 15 epochs (150 steps, ~30 s) it reaches 0.816 on the 40 held-out pairs
                prefix = "regression"; ext = ".tsv"; lr = "3e-4"; ep = "15";
                sentences = null;
                break;
            case "multi-label":
                prefix = "multilabel"; ext = ".jsonl"; lr = "2e-4"; ep = "6";
                sentences = List.of("My flight was cancelled and the airline refused a refund.",
                        "I ran my first marathon after months of training.",
                        "The new recipe uses less sugar and more vegetables.");
                break;
            default:
                throw new JTuneException("--task " + task, "the demo task is sentiment, regression or multi-label",
                        "pass --task sentiment, --task regression or --task multi-label");
        }
        Path dataDir = outputDir.resolve("data");
        Path modelDir = outputDir.resolve("model");
        Files.createDirectories(dataDir);
        Path train = copy(prefix + "-train" + ext, dataDir);
        Path eval = copy(prefix + "-eval" + ext, dataDir);
        out.println("jtune demo (" + t + "): fine-tuning " + model + " on " + train + ", evaluating on " + eval);
        out.flush();

        long t0 = System.nanoTime();
        List<String> trainArgs = new ArrayList<>(List.of("train", "--model", model, "--train", train.toString(), "--eval", eval.toString(),
                "--output-dir", modelDir.toString(), "--max-length", "64", "--per-device-train-batch-size", "16",
                "--per-device-eval-batch-size", "32", "--num-train-epochs", epochs != null ? epochs : ep,
                "--learning-rate", learningRate != null ? learningRate : lr, "--warmup-ratio", "0.1", "--logging-steps", "10",
                "--save-strategy", "no", "--seed", "42",
                "--overwrite-output-dir")); // the demo owns its model folder: a second demo replaces the first
        // bf16 autocast: about 3x faster than fp32 on CPUs with AMX/AVX512-BF16, the same curve to a few decimals
        // (only where the CPU has AMX: elsewhere bf16 on CPU is emulated and slower than fp32)
        if (!fp32 && dev.jtune.torch.Engine.cpuSupportsAmxBf16()) trainArgs.add("--bf16");
        if (noProgress) trainArgs.add("--no-progress");
        if (standard.verbose()) trainArgs.add("--verbose");
        if (standard.stacktrace()) trainArgs.add("--stacktrace");
        int code = JTune.newCommandLine(out, err).execute(trainArgs.toArray(String[]::new));
        if (code != ExitCode.OK) return code;
        double seconds = (System.nanoTime() - t0) / 1e9;

        JsonNode metrics = CliSupport.JSON.readTree(modelDir.resolve("eval_results.json").toFile());
        out.println();
        if (t.equals("sentiment")) {
            double accuracy = metrics.path("eval_accuracy").asDouble(), f1 = metrics.path("eval_f1").asDouble();
            out.printf(Locale.ROOT, "demo: eval accuracy %.3f, F1 %.3f on %s (%d s training)%n", accuracy, f1,
                    eval.getFileName(), Math.round(seconds));
            List<String> rows = Files.readAllLines(eval, StandardCharsets.UTF_8);
            java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
            for (String r : rows.subList(1, rows.size())) if (!r.isBlank()) counts.merge(r.substring(r.lastIndexOf('\t') + 1), 1, Integer::sum);
            int n = counts.values().stream().mapToInt(Integer::intValue).sum();
            double majority = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0) / (double) Math.max(1, n);
            out.println(sentimentVerdict(accuracy, f1, majority, n, eval.getFileName().toString()));
        } else if (t.equals("regression")) {
            double pearson = metrics.path("eval_pearson").asDouble();
            out.printf(Locale.ROOT, "demo: eval pearson %.3f, spearman %.3f on %s (%d s training)%n", pearson,
                    metrics.path("eval_spearmanr").asDouble(), eval.getFileName(), Math.round(seconds));
            out.println(regressionVerdict(pearson, eval.getFileName().toString()));
        } else {
            double f1 = metrics.path("eval_f1_micro").asDouble(), subset = metrics.path("eval_subset_accuracy").asDouble();
            out.printf(Locale.ROOT, "demo: eval micro F1 %.3f, exact-set accuracy %.3f on %s (%d s training)%n", f1, subset,
                    eval.getFileName(), Math.round(seconds));
            int labels = CliSupport.JSON.readTree(modelDir.resolve("config.json").toFile()).path("id2label").size();
            int rows = 0, positives = 0;
            for (String line : Files.readAllLines(eval, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                rows++;
                positives += CliSupport.JSON.readTree(line).path("labels").size();
            }
            out.println(multiLabelVerdict(f1, subset, allLabelsF1(positives, rows * labels), rows, eval.getFileName().toString()));
        }

        // predict a few new inputs
        Path input = dataDir.resolve(t.equals("multi-label") ? "new.jsonl" : "new.tsv");
        StringBuilder b = new StringBuilder();
        if (t.equals("regression")) {
            b.append("sentence1\tsentence2\n")
                    .append("A man is playing a guitar.\tA person plays an instrument.\n")
                    .append("A woman is slicing tomatoes.\tA child is riding a bicycle.\n");
        } else if (t.equals("multi-label")) {
            for (String s : sentences) b.append(CliSupport.JSON.writeValueAsString(java.util.Map.of("text", s))).append('\n');
        } else {
            b.append("sentence\n");
            for (String s : sentences) b.append(s).append('\n');
        }
        Files.writeString(input, b.toString(), StandardCharsets.UTF_8);
        Path predictions = outputDir.resolve("predictions.jsonl");
        code = JTune.newCommandLine(out, err).execute("predict", "--model", modelDir.toString(), "--input", input.toString(),
                "--output", predictions.toString(), "--max-length", "64");
        if (code != ExitCode.OK) return code;
        List<String> inputs = Files.readAllLines(input, StandardCharsets.UTF_8);
        List<String> preds = Files.readAllLines(predictions, StandardCharsets.UTF_8);
        int offset = t.equals("multi-label") ? 0 : 1;
        out.println("Predictions for new inputs:");
        for (int i = 0; i < preds.size(); i++) {
            JsonNode p = CliSupport.JSON.readTree(preds.get(i));
            String text = inputs.get(i + offset);
            if (t.equals("multi-label")) text = CliSupport.JSON.readTree(text).path("text").asText();
            String what = t.equals("sentiment") ? String.format(Locale.ROOT, "%s (%.2f)", p.path("label").asText(), p.path("score").asDouble())
                    : t.equals("regression") ? String.format(Locale.ROOT, "similarity %.2f", p.path("score").asDouble())
                    : p.path("labels").toString();
            out.println("  " + what + "  <- " + text.replace('\t', '|'));
        }
        out.println("Model, report.html and results: " + modelDir);
        out.flush();
        return ExitCode.OK;
    }

    /**
     * A true one-line verdict on the held-out Pearson correlation (a model that predicts the mean scores about 0).
     */
    static String regressionVerdict(double pearson, String evalFile) {
        if (Double.isNaN(pearson)) return "verdict: no correlation could be computed (constant predictions): the model did not learn";
        if (pearson >= 0.7) {
            return String.format(Locale.ROOT, "verdict: the model learned sentence similarity: Pearson %.2f with the human scores of "
                    + "%s, pairs it never trained on (predicting the mean would score about 0)", pearson, evalFile);
        }
        if (pearson >= 0.3) {
            return String.format(Locale.ROOT, "verdict: the model learned some similarity (Pearson %.2f on %s); more epochs or "
                    + "a larger model should do better", pearson, evalFile);
        }
        return String.format(Locale.ROOT, "verdict: the model did not learn the similarity (Pearson %.2f on %s, about what "
                + "predicting the mean gives): train longer or with a higher --learning-rate", pearson, evalFile);
    }

    /**
     * A true one-line verdict on the sentiment demo's held-out accuracy, against always answering the eval set's
     * most frequent class ({@code majority}, its share of the rows).
     */
    static String sentimentVerdict(double accuracy, double f1, double majority, int rows, String evalFile) {
        String where = String.format(Locale.ROOT, "on the %d held-out sentences of %s, written apart from the training "
                + "reviews (negations such as \"It is not a bad phone at all.\", contrasts such as \"The box was damaged, but the headphones inside were perfect.\")", rows, evalFile);
        if (accuracy >= majority + 0.25) {
            return String.format(Locale.ROOT, "verdict: the model learned sentiment beyond the phrasings it trained on: accuracy "
                    + "%.2f and F1 %.2f %s; always answering one class would score %.2f", accuracy, f1, where, majority);
        }
        if (accuracy >= majority + 0.05) {
            return String.format(Locale.ROOT, "verdict: the model learned some sentiment (accuracy %.2f, F1 %.2f %s; one class "
                    + "always would score %.2f); more epochs or more varied training data should do better", accuracy, f1, where, majority);
        }
        return String.format(Locale.ROOT, "verdict: the model did not learn sentiment (accuracy %.2f %s, about what always "
                + "answering one class scores, %.2f): train longer or with a higher --learning-rate", accuracy, where, majority);
    }

    /** Micro F1 of answering every label for every text: {@code 2·positives / (positives + cells)}. */
    static double allLabelsF1(int positives, int cells) {
        return positives + cells == 0 ? 0 : 2.0 * positives / (positives + cells);
    }

    /** A true one-line verdict on the multi-label demo's held-out micro F1, against answering every label. */
    static String multiLabelVerdict(double microF1, double subsetAccuracy, double allLabelsF1, int rows, String evalFile) {
        String where = String.format(Locale.ROOT, "on the %d held-out texts of %s, whose sentences never occur in training", rows, evalFile);
        if (microF1 >= allLabelsF1 + 0.3) {
            return String.format(Locale.ROOT, "verdict: the model learned the topics: micro F1 %.2f %s, every topic set exactly "
                    + "right for %.0f%% of them; answering every topic for every text would score F1 %.2f", microF1, where,
                    100 * subsetAccuracy, allLabelsF1);
        }
        if (microF1 > allLabelsF1 + 0.05) {
            return String.format(Locale.ROOT, "verdict: the model learned some of the topics (micro F1 %.2f %s; every topic "
                    + "for every text would score %.2f); more epochs should do better", microF1, where, allLabelsF1);
        }
        return String.format(Locale.ROOT, "verdict: the model did not learn the topics (micro F1 %.2f %s, no better than "
                + "answering every topic, %.2f): train longer or with a higher --learning-rate", microF1, where, allLabelsF1);
    }

    private static Path copy(String resource, Path dir) throws IOException {
        Path target = dir.resolve(resource);
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo/" + resource)) {
            if (in == null) throw new IllegalStateException("demo resource " + resource + " is missing from the jar");
            CliSupport.writeBytes(target, in.readAllBytes());
        }
        return target;
    }
}
