package dev.jtune.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.inference.Prediction;
import dev.jtune.inference.Predictor;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.trainer.DecisionThresholds;
import dev.jtune.trainer.PredictionOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jtune predict}: one prediction per input row, in input order, as JSON lines or CSV. */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, name = "predict", header = "Predict labels (or scores) for every row of a file.",
        description = {
            "Writes one row per input row, in input order, with the input's id column when it has one:",
            "  single-label: label, score, probabilities, logits",
            "  multi-label:  labels (probability >= threshold), probabilities, logits",
            "  regression:   score, logits",
            "  token-classification (NER): text, words (word, start, end, tag, score) and entities (type, text, start,",
            "      end, score); input: one sentence per line, or JSONL with \"text\"; --aggregation-strategy first|average|max|simple;",
            "      start/end are character offsets in the input (Unicode code points, as Python string indices)",
            "The output format follows the extension: .jsonl (or .json) or .csv. A label column is not needed.",
            "--input - reads standard input and --output - writes to standard output (messages then go to stderr).",
            "",
            "Examples:",
            "  jtune predict --model out --input new.tsv --output predictions.jsonl",
            "  jtune predict --model out --input new.csv --output predictions.csv --threshold 0.3",
            "  cat new.tsv | jtune predict --model out --input - --output - > predictions.jsonl",
            "  jtune predict --model out-ner --input sentences.txt --output entities.jsonl --aggregation-strategy average",
            ""
        })
public class PredictCommand implements Callable<Integer> {
    @Mixin StandardOptions standard;
    @Mixin DataOptions data;
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A fine-tuned model folder (from jtune train).")
    String model;

    @Option(names = {"--input", "--data"}, required = true, paramLabel = "FILE|-",
            description = "Rows to predict (.csv, .tsv or .jsonl); - reads standard input (format: --format, else guessed from the first line).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "FILE.jsonl|.csv|-",
            description = "Where to write the predictions; - writes JSON lines (or --output-format csv) to standard output.")
    String output;

    @Option(names = "--output-format", paramLabel = "jsonl|csv", description = "Output format (default: from the --output extension; jsonl for -).")
    String outputFormat;

    @Option(names = {"--aggregation-strategy", "--aggregation_strategy"}, paramLabel = "first|average|max|simple",
            description = "Token classification: how sub-word predictions become words and entities, as HF's pipeline "
                    + "(default: first, the word's first sub-token).")
    String aggregationStrategy;

    @picocli.CommandLine.Mixin
    InferenceOptions inference;

    @Mixin ProgressOptions progressOptions;

    private ProgressLines progressLines(PrintWriter err) {
        ProgressLines l = progressOptions.lines(err);
        return l == null ? null : l.phase("predict");
    }

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Logging.configure(standard.verbose(), err);
        boolean toStdout = output.equals("-");
        String ext = outputFormat != null ? "." + outputFormat.toLowerCase(Locale.ROOT)
                : toStdout ? ".jsonl" : Path.of(output).getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = ext.endsWith(".csv");
        if (!csv && !ext.endsWith(".jsonl") && !ext.endsWith(".json")) {
            throw new JTuneException((outputFormat != null ? "--output-format " + outputFormat : "--output " + output),
                    "predictions are written as .jsonl (or .json) or .csv",
                    outputFormat != null ? "pass --output-format jsonl or csv" : "name the output file predictions.jsonl or predictions.csv");
        }
        PrintWriter info = toStdout ? err : out; // with predictions on stdout, the messages go to stderr
        Path dir = CliSupport.resolveModel(model);
        if (dev.jtune.inference.TokenPredictor.isTokenModel(dir)) return predictTokens(dir, out, err, info, toStdout, csv);
        if (aggregationStrategy != null) {
            throw new JTuneException("--aggregation-strategy with " + model + ", a " + "sequence-classification model",
                    "aggregation strategies turn sub-word tags into words and entities: they need a token-classification model",
                    "drop --aggregation-strategy, or pass a model trained with --task token-classification");
        }
        Predictor.checkThreshold(inference.threshold);
        ModelOptions po = new ModelOptions();
        po.problemType = inference.problemType;
        try (SavedModel m = SavedModel.load(model, po.problemType(), err)) {
            Dataset d = m.read(inputFile(), data, err);
            dev.jtune.io.StartupTrace.mark("input read");
            if (d.size() == 0) throw new JTuneException(input + " has no rows", "predict needs at least one row", "check the file");
            var trainer = m.trainer(d, inference.batchSize, m.maxLength(inference.maxLength, err), inference.threshold, progressLines(err));
            PredictionOutput p = trainer.predict(d);
            dev.jtune.io.StartupTrace.mark("predictions (tokenize + forward)");
            PretrainedConfig cfg = m.config();
            DecisionThresholds decisions = trainer.decisionThresholds();
            double[] th = decisions.values();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < d.size(); i++) rows.add(row(d.examples().get(i), m.predictor.decode(p.predictions()[i], th)));
            String text = csv ? Csv.write(rows) : jsonl(rows);
            if (toStdout) {
                out.print(text);
                out.flush();
            } else {
                CliSupport.writeString(Path.of(output), text);
            }
            boolean multi = cfg.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION;
            info.println("Wrote " + CliSupport.count(rows.size(), "prediction") + " to " + (toStdout ? "standard output" : output) + " (" + cfg.problemType()
                    + (multi ? "; labels at " + decisions.describe() : "") + ")");
            if (d.labelKind() != LabelKind.NONE && !p.metrics().isEmpty()) {
                info.println("Metrics on the labelled input" + (multi ? " (" + decisions.describe() + ")" : "") + ": "
                        + ConsoleCallback.format(p.metrics()));
            }
            info.flush();
        }
        return ExitCode.OK;
    }

    /**
     * A token-classification folder: raw sentences (one per line, or JSONL "text", or a CSV/TSV text column) →
     * per-word tags with probabilities and entities with code-point offsets, in input order.
     */
    private int predictTokens(Path dir, PrintWriter out, PrintWriter err, PrintWriter info, boolean toStdout, boolean csv)
            throws JsonProcessingException {
        dev.jtune.inference.AggregationStrategy strategy = dev.jtune.inference.AggregationStrategy.parse(aggregationStrategy, "--aggregation-strategy");
        if (inference.threshold != null) {
            throw new JTuneException("--threshold with a token-classification model", "thresholds are for multi-label models; a token "
                    + "model tags each word with its most probable tag", "drop --threshold");
        }
        Path file = input.equals("-") ? stdinText() : Path.of(input);
        List<dev.jtune.inference.TokenPredictor.Input> inputs = dev.jtune.inference.TokenPredictor.readTexts(file, data.readOptions(), data.textColumn);
        if (inputs.isEmpty()) throw new JTuneException(input + " has no sentences", "predict needs at least one non-empty line", "check the file");
        try (dev.jtune.inference.TokenPredictor tp = dev.jtune.inference.TokenPredictor.load(dir)) {
            for (String w : tp.warnings()) err.println("warning: " + w);
            int ml = SavedModel.maxLength(dir, tp.config(), tp.tokenizer().modelMaxLength(), inference.maxLength, err);
            List<String> texts = inputs.stream().map(dev.jtune.inference.TokenPredictor.Input::text).toList();
            List<dev.jtune.inference.TokenPrediction> preds = tp.predict(texts, inference.batchSize, ml, strategy, null);
            List<Map<String, Object>> rows = new ArrayList<>();
            int entities = 0;
            for (int i = 0; i < inputs.size(); i++) {
                var in = inputs.get(i);
                var p = preds.get(i);
                Map<String, Object> r = new LinkedHashMap<>();
                if (in.id() != null) r.put("id", in.id());
                else r.put("line", in.line());
                r.put("text", in.text());
                List<Map<String, Object>> ws = new ArrayList<>();
                for (var w : p.words()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("word", w.word());
                    m.put("start", w.start());
                    m.put("end", w.end());
                    m.put("tag", w.tag());
                    m.put("score", w.score());
                    ws.add(m);
                }
                r.put("words", ws);
                List<Map<String, Object>> es = new ArrayList<>();
                for (var e : p.entities()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", e.type());
                    m.put("text", e.text());
                    m.put("start", e.start());
                    m.put("end", e.end());
                    m.put("score", e.score());
                    es.add(m);
                }
                entities += es.size();
                r.put("entities", es);
                rows.add(r);
            }
            String text = csv ? Csv.write(rows) : jsonl(rows);
            if (toStdout) {
                out.print(text);
                out.flush();
            } else {
                CliSupport.writeString(Path.of(output), text);
            }
            info.println("Wrote " + CliSupport.count(rows.size(), "prediction") + " with " + (entities + (entities == 1 ? " entity" : " entities"))
                    + " to " + (toStdout ? "standard output" : output) + " (token-classification, aggregation strategy "
                    + strategy.hfName() + "; start/end count Unicode characters, as Python string indices)");
            info.flush();
        }
        return ExitCode.OK;
    }

    /** Standard input as a file for token prediction: JSONL when its first line is an object, else one sentence per line. */
    private Path stdinText() {
        try {
            byte[] bytes = System.in.readAllBytes();
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).stripLeading();
            Path d = java.nio.file.Files.createTempDirectory("jtune-stdin");
            Path f = d.resolve(text.startsWith("{") ? "stdin.jsonl" : "stdin.txt");
            java.nio.file.Files.write(f, bytes);
            f.toFile().deleteOnExit();
            d.toFile().deleteOnExit();
            return f;
        } catch (java.io.IOException e) {
            throw new JTuneException("cannot read standard input: " + e.getMessage(), "--input - reads the sentences from standard input",
                    "pipe sentences into jtune predict, or pass --input FILE", e);
        }
    }

    private java.nio.file.Path stdinCopy;

    /** The input file; for - a copy of standard input (in a temporary folder, removed at exit) named by its format. */
    private Path inputFile() {
        if (!input.equals("-")) return Path.of(input);
        if (stdinCopy != null) return stdinCopy;
        try {
            byte[] bytes = System.in.readAllBytes();
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            dev.jtune.data.DataFormat f = data.format != null ? dev.jtune.data.DataFormat.parse(data.format) : dev.jtune.data.DataFormat.sniff(text);
            if (f == null) f = dev.jtune.data.DataFormat.sniff(text);
            Path dir = java.nio.file.Files.createTempDirectory("jtune-stdin");
            stdinCopy = dir.resolve("stdin." + f.name().toLowerCase(Locale.ROOT));
            java.nio.file.Files.write(stdinCopy, bytes);
            stdinCopy.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return stdinCopy;
        } catch (java.io.IOException e) {
            throw new JTuneException("cannot read standard input: " + e.getMessage(), "--input - reads the rows from standard input",
                    "pipe a CSV, TSV or JSONL file into jtune predict, or pass --input FILE", e);
        }
    }

    /** One output row: the input's id, then the prediction's fields for its problem type, then the logits. */
    static Map<String, Object> row(Example e, Prediction p) {
        Map<String, Object> r = new LinkedHashMap<>();
        if (e.id() != null) r.put("id", e.id());
        List<Float> lg = new ArrayList<>();
        for (float f : p.logits()) lg.add(f);
        if (p.problemType() == ProblemType.REGRESSION) {
            r.put("score", p.logits()[0]);
        } else if (p.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION) {
            r.put("labels", p.labels());
            r.put("probabilities", p.probabilities());
        } else {
            r.put("label", p.label());
            r.put("score", p.score());
            r.put("probabilities", p.probabilities());
        }
        r.put("logits", lg);
        return r;
    }

    private static String jsonl(List<Map<String, Object>> rows) throws JsonProcessingException {
        StringBuilder b = new StringBuilder();
        for (Map<String, Object> r : rows) b.append(CliSupport.JSON.writeValueAsString(r)).append('\n');
        return b.toString();
    }

    /** CSV with RFC 4180 quoting; lists and maps are written as JSON text in their cell. */
    static final class Csv {
        static String write(List<Map<String, Object>> rows) throws JsonProcessingException {
            StringBuilder b = new StringBuilder();
            List<String> header = new ArrayList<>(rows.get(0).keySet());
            b.append(String.join(",", header.stream().map(Csv::quote).toList())).append("\r\n");
            for (Map<String, Object> r : rows) {
                List<String> cells = new ArrayList<>();
                for (String k : header) {
                    Object v = r.get(k);
                    String s = v == null ? "" : v instanceof String str ? str
                            : v instanceof Number ? v.toString() : CliSupport.JSON.writeValueAsString(v);
                    cells.add(quote(s));
                }
                b.append(String.join(",", cells)).append("\r\n");
            }
            return b.toString();
        }

        static String quote(String s) {
            if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) return '"' + s.replace("\"", "\"\"") + '"';
            return s;
        }
    }
}
