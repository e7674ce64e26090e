package dev.jtune.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.DatasetReader;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.data.ReadOptions;
import dev.jtune.losses.ConfiguredLoss;
import dev.jtune.losses.LossSelection;
import dev.jtune.losses.LossSpec;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.AutoModel;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.models.AutoConfig;
import dev.jtune.models.AutoModelForSequenceClassification;
import dev.jtune.modeling.SequenceClassificationModel;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.Encoding;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.trainer.TrainingPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jtune explain}: what training would do with this model and data, and why, before any training. */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, name = "explain", header = "Explain what training will do with this model and data, before training.",
        description = {
            "The problem type and where it comes from (config.json, a flag, or inferred from num_labels and the",
            "label column), the loss and its options, label counts and imbalance, the label map, token length",
            "percentiles and the share truncated at --max-length, and every warning. --json gives a stable form.",
            "",
            "Examples:",
            "  jtune explain --model minilm --train train.tsv",
            "  jtune explain --model ./bert --train topics.jsonl --max-length 64 --json",
            ""
        })
public class ExplainCommand implements Callable<Integer> {
    @Mixin StandardOptions standard;
    @Mixin ModelOptions modelOptions;
    @Mixin DataOptions data;
    @Spec CommandSpec spec;

    @Option(names = {"--train", "--train-file", "--train_file"}, required = true, paramLabel = "FILE", description = "Training data.")
    Path trainFile;

    @Option(names = {"--max-length", "--max_length", "--max-seq-length", "--max_seq_length"}, paramLabel = "N", defaultValue = "128",
            description = "Tokenizer truncation length (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = {"--class-weights", "--class_weights"}, paramLabel = "auto|W1,W2,...", description = "As for train.")
    String classWeights;

    @Option(names = {"--pos-weight", "--pos_weight"}, paramLabel = "W[,W...]", description = "As for train.")
    String posWeight;

    @Option(names = {"--focal-gamma", "--focal_gamma"}, paramLabel = "G", description = "As for train.")
    Double focalGamma;

    @Option(names = {"--label-smoothing-factor", "--label_smoothing_factor"}, paramLabel = "E", description = "As for train.")
    Double labelSmoothing;

    @Option(names = "--json", description = "Print a stable machine-readable JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Logging.configure(standard.verbose(), spec.commandLine().getErr());
        modelOptions.checkNumLabels();
        List<String> warnings = new ArrayList<>();
        Path modelDir = CliSupport.resolveModel(modelOptions.model);
        LossSpec spec = LossSpec.none();
        if (classWeights != null) spec = classWeights.trim().equalsIgnoreCase("auto") ? spec.withAutoClassWeights()
                : spec.withClassWeights(CliSupport.parseFloats(classWeights, "--class-weights"));
        if (posWeight != null) spec = spec.withPosWeight(CliSupport.parseFloats(posWeight, "--pos-weight"));
        if (focalGamma != null) spec = spec.withFocalGamma(focalGamma);
        // the same plan train makes: data typing, labels, problem type, loss and every warning or error
        TrainingPlan plan = TrainingPlan.builder().modelDir(modelDir).trainFile(trainFile).readOptions(data.readOptions())
                .numLabels(modelOptions.numLabels).problemType(modelOptions.problemType())
                .ignoreMismatchedSizes(modelOptions.ignoreMismatchedSizes).configOverrides(modelOptions.overrides())
                .lossSpec(spec).labelSmoothingFactor(labelSmoothing == null ? 0 : labelSmoothing)
                .task(modelOptions.task()).tagColumn(data.tagColumn).labelAllTokens(modelOptions.labelAllTokens).build();
        boolean tokens = plan.task() == dev.jtune.trainer.Task.TOKEN_CLASSIFICATION;
        Dataset d = plan.train();
        DataReport report = DataReport.of(d);
        warnings.addAll(report.warnings());
        warnings.addAll(plan.warnings());
        int numLabels = plan.numLabels();
        LossSelection sel = plan.selection();
        List<String> errors = new ArrayList<>();
        for (JTuneException e : plan.errors()) errors.add(e.getMessage().replace('\n', ' '));
        String lossText = plan.lossDescription();
        Map<String, Object> lossJson = new LinkedHashMap<>(plan.loss() != null ? plan.loss().details() : Map.of("name", sel.loss()));
        lossJson.put("description", lossText);

        // the head: load as train would, to see what is re-initialised
        List<String> head = new ArrayList<>();
        try (dev.jtune.modeling.TaskModel m = plan.loadModel()) {
            if (!m.loadReport().newlyInitialized().isEmpty()) head.add("newly initialised (trained from scratch): " + m.loadReport().newlyInitialized());
            if (!m.loadReport().mismatchedReinitialized().isEmpty()) {
                warnings.add("the head will be re-initialised (its shape differs from the checkpoint's): " + m.loadReport().mismatchedReinitialized());
            }
            warnings.addAll(m.loadReport().warnings().stream().filter(w -> !w.contains("ignore_mismatched_sizes")).toList());
        } catch (JTuneException e) {
            errors.add(e.getMessage().replace('\n', ' ')); // loading the model as train would
        }

        // tokenization
        Map<String, Object> tok = new LinkedHashMap<>();
        try (PreTrainedTokenizer t = AutoTokenizer.fromPretrained(modelDir)) {
            // what train does with it: clamped to the model's limit, with the same warning
            dev.jtune.trainer.InputLength length = dev.jtune.trainer.InputLength.decide(maxLength, "--max-length", null,
                    plan.config(), t.modelMaxLength());
            if (length.warning() != null) warnings.add(length.warning());
            int requested = maxLength;
            maxLength = length.value();
            List<String> texts = new ArrayList<>(), pairs = d.textPairColumn() == null ? null : new ArrayList<>();
            for (Example e : d.examples()) { texts.add(e.text()); if (pairs != null) pairs.add(e.textPair()); }
            List<Encoding> enc = texts.isEmpty() ? List.of() : t.encodeBatch(texts, pairs, maxLength);
            try {
                dev.jtune.trainer.Features.checkTokenIds(d, enc, t, plan.config().vocabSize());
            } catch (JTuneException e) {
                errors.add(e.getMessage().replace('\n', ' '));
            }
            int[] lengths = enc.stream().mapToInt(Encoding::lengthWithoutTruncation).sorted().toArray();
            long truncated = enc.stream().filter(Encoding::truncated).count();
            tok.put("max_length", maxLength);
            for (int q : new int[] {50, 90, 95, 99}) tok.put("p" + q, percentile(lengths, q));
            tok.put("max", lengths.length == 0 ? 0 : lengths[lengths.length - 1]);
            tok.put("truncated", truncated);
            tok.put("truncated_percent", enc.isEmpty() ? 0.0 : Math.round(1000.0 * truncated / enc.size()) / 10.0);
            if (requested != maxLength) tok.put("max_length_requested", requested);
            tok.put("model_limit", length.limit());
            if (tokens) {
                dev.jtune.trainer.TrainingPlan.Truncation cut = plan.truncation(t, maxLength);
                tok.put("tagged_words", cut.words());
                tok.put("lost_words", cut.lostWords());
                tok.put("sentences_losing_words", cut.truncatedSentences());
                tok.put("truncation", cut.describe(maxLength));
                if (cut.lostWords() > 0) warnings.add(cut.describe(maxLength));
            }
            if (truncated * 10 > enc.size()) {
                warnings.add(tok.get("truncated_percent") + "% of the examples are longer than max_length " + maxLength
                        + " tokens and will be truncated (p95 " + tok.get("p95") + "): "
                        + (maxLength < length.limit() ? "consider a larger --max-length (this model accepts up to " + length.limit() + ")"
                        : "this model accepts no more than " + length.limit() + " tokens; shorten or split the long texts"));
            }
        }

        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", modelOptions.model);
            j.put("model_path", modelDir.toString());
            Map<String, Object> tk = new LinkedHashMap<>();
            tk.put("value", plan.task().cliName());
            tk.put("reason", plan.taskReason());
            j.put("task", tk);
            j.put("architecture", plan.architecture());
            if (tokens) {
                j.put("problem_type", null); // a token head never reads nor writes it
                j.put("alignment", Map.of("label_all_tokens", plan.labelAllTokens(), "description", plan.alignmentPolicy()));
            } else {
                Map<String, Object> pt = new LinkedHashMap<>();
                pt.put("value", sel.problemType().hfName());
                pt.put("source", sel.source().hfName());
                pt.put("reason", sel.reason());
                j.put("problem_type", pt);
            }
            j.put("num_labels", numLabels);
            j.put("loss", lossJson);
            Map<String, Object> dj = new LinkedHashMap<>();
            dj.put("file", d.file().toString());
            dj.put("rows", d.size());
            dj.put("skipped", d.skipped().size());
            dj.put("text_column", d.textColumn());
            dj.put("text_pair_column", d.textPairColumn());
            dj.put("label_column", d.labelColumn());
            dj.put("label_kind", d.labelKind().problemType());
            dj.put("label2id", d.labelMap() == null ? null : d.labelMap().label2id());
            dj.put("label_counts", d.labelCounts());
            dj.put("imbalance_ratio", Double.isFinite(report.imbalanceRatio()) ? report.imbalanceRatio() : null);
            j.put("data", dj);
            j.put("head", head);
            j.put("tokenization", tok);
            j.put("warnings", warnings);
            j.put("errors", errors);
            out.println(CliSupport.JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j));
        } else {
            out.println("Model: " + modelOptions.model + " (" + modelDir + ")");
            if (tokens) {
                out.println("Task: token-classification (" + plan.taskReason() + "); head " + plan.architecture());
                out.println("num_labels: " + numLabels + " (tags in id order: " + plan.config().id2label().values() + ")");
                out.println("Loss: " + lossText);
                out.println("Alignment: " + plan.alignmentPolicy());
                out.println("Truncation: " + tok.get("truncation"));
            } else {
                out.println("Problem type: " + sel.problemType().hfName() + " (source: " + sel.source().hfName() + ": " + sel.reason() + ")");
                out.println("num_labels: " + numLabels);
                out.println("Loss: " + lossText);
            }
            for (String h : head) out.println("Head: " + h);
            report.print(out);
            out.printf(Locale.ROOT, "Tokens (max_length %d): p50 %s, p90 %s, p95 %s, p99 %s, max %s; %s%% truncated (%s rows)%n",
                    maxLength, tok.get("p50"), tok.get("p90"), tok.get("p95"), tok.get("p99"), tok.get("max"),
                    tok.get("truncated_percent"), tok.get("truncated"));
            for (String e : errors) out.println("error: training would stop: " + e);
            if (warnings.isEmpty()) out.println("Warnings: none");
            for (String w : warnings) if (!report.warnings().contains(w)) out.println("warning: " + w);
        }
        out.flush();
        return ExitCode.OK;
    }

    static int percentile(int[] sorted, int q) {
        if (sorted.length == 0) return 0;
        int idx = (int) Math.ceil(q / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    @SuppressWarnings("unused")
    private static String list(float[] f) { return Arrays.toString(f); }
}
