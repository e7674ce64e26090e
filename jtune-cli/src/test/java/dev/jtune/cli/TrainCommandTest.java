package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train → evaluate → predict through the real command line, for the three problem types and the three formats. */
class TrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CliTestSupport cli = new CliTestSupport();

    private static List<String> trainArgs(Path model, Path train, Path eval, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--train", train.toString(),
                "--output-dir", out.toString(), "--max-steps", "4", "--per-device-train-batch-size", "8",
                "--max-length", "32", "--logging-steps", "2", "--save-strategy", "no", "--learning-rate", "1e-3"));
        if (eval != null) a.addAll(List.of("--eval", eval.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void singleLabelTsvTrainEvaluatePredictCsv(@TempDir Path dir) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(32, 1));
        Path eval = CliTestSupport.tsv(dir.resolve("eval.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(12, 2));
        Path out = dir.resolve("out");
        int code = cli.run(trainArgs(Fixtures.model("tiny-bert"), train, eval, out, "--eval-strategy", "steps", "--eval-steps", "2"));
        assertEquals(0, code, cli.all());
        String o = cli.out.toString();
        assertContains(o, "Loss: problem_type single_label_classification inferred from num_labels=2");
        assertContains(o, "CrossEntropyLoss");
        assertContains(o, "note: Newly initialized");
        assertContains(o, "label map:   {neg=0, pos=1}");
        assertContains(o, "Eval (weights of step 4, as evaluated during training): eval_loss");
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "training_args.json", "trainer_state.json",
                "train_results.json", "eval_results.json", "all_results.json", "report.html")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing; " + cli.all());
        }
        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("single_label_classification", cfg.path("problem_type").asText());
        assertEquals("neg", cfg.path("id2label").path("0").asText());
        assertEquals(1, cfg.path("label2id").path("pos").asInt());
        JsonNode args = JSON.readTree(out.resolve("training_args.json").toFile());
        assertEquals(4, args.path("max_steps").asInt());
        assertEquals(32, args.path("max_length").asInt());
        assertEquals(0.001, args.path("learning_rate").asDouble(), 0);
        assertEquals(4, JSON.readTree(out.resolve("trainer_state.json").toFile()).path("global_step").asInt());
        JsonNode all = JSON.readTree(out.resolve("all_results.json").toFile());
        assertTrue(all.has("train_loss") && all.has("eval_accuracy") && all.has("train_runtime"), all.toString());
        String report = Files.readString(out.resolve("report.html"));
        assertContains(report, "data:image/png;base64,iVBOR");
        assertContains(report, "eval_accuracy");

        CliTestSupport ev = new CliTestSupport();
        Path metricsFile = dir.resolve("m.json");
        assertEquals(0, ev.run("evaluate", "--model", out.toString(), "--data", eval.toString(), "--output", metricsFile.toString()), ev.all());
        JsonNode m = JSON.readTree(ev.out.toString());
        assertTrue(m.has("eval_loss") && m.has("eval_accuracy") && m.has("eval_f1_macro"), m.toString());
        assertEquals(all.path("eval_accuracy").asDouble(), m.path("eval_accuracy").asDouble(), 1e-9);
        assertEquals(m, JSON.readTree(metricsFile.toFile()));

        // predict: unlabeled input, CSV output, input order and ids kept
        Path in = CliTestSupport.tsv(dir.resolve("new.tsv"), "id\tsentence",
                List.of(new String[] {"z9", "the hotel was superb"}, new String[] {"a1", "the book was dreadful"}, new String[] {"m5", "meal, \"fine\""}));
        CliTestSupport pr = new CliTestSupport();
        Path csv = dir.resolve("pred.csv");
        assertEquals(0, pr.run("predict", "--model", out.toString(), "--input", in.toString(), "--output", csv.toString(), "--max-length", "32"), pr.all());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("id,label,score,probabilities,logits", lines.get(0));
        assertEquals(4, lines.size());
        assertTrue(lines.get(1).startsWith("z9,") && lines.get(2).startsWith("a1,") && lines.get(3).startsWith("m5,"), lines.toString());
        assertTrue(lines.get(1).matches("z9,(pos|neg),0\\.\\d+,\"\\{\"\"neg\"\":.*"), lines.get(1));
    }

    @Test
    void regressionCsvTrainAndPredictJsonl(@TempDir Path dir) throws IOException {
        Random r = new Random(3);
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 24; i++) rows.add(new String[] {"a cat sat " + i, "a dog ran " + (i % 5), String.format(java.util.Locale.ROOT, "%.2f", r.nextDouble() * 5)});
        Path train = CliTestSupport.csv(dir.resolve("train.csv"), "sentence1,sentence2,score", rows);
        Path out = dir.resolve("out");
        assertEquals(0, cli.run(trainArgs(Fixtures.model("tiny-bert"), train, train, out)), cli.all());
        assertContains(cli.out.toString(), "problem_type regression inferred from num_labels=1");
        assertContains(cli.out.toString(), "MSELoss");
        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("regression", cfg.path("problem_type").asText());
        assertEquals(1, cfg.path("id2label").size());
        assertTrue(JSON.readTree(out.resolve("eval_results.json").toFile()).has("eval_pearson"));

        CliTestSupport pr = new CliTestSupport();
        Path jsonl = dir.resolve("p.jsonl");
        assertEquals(0, pr.run("predict", "--model", out.toString(), "--input", train.toString(), "--output", jsonl.toString()), pr.all());
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals(24, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals(List.of("score", "logits"), iter(first));
        assertEquals(first.path("score").floatValue(), first.path("logits").get(0).floatValue());
    }

    @Test
    void multiLabelJsonlWithCalibratedThresholds(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("train.jsonl");
        StringBuilder b = new StringBuilder();
        String[][] topics = {{"sports"}, {"politics"}, {"sports", "health"}, {"technology"}, {"health"}, {"politics", "technology"}};
        for (int i = 0; i < 30; i++) {
            String[] t = topics[i % topics.length];
            b.append(JSON.writeValueAsString(java.util.Map.of("id", "x" + i, "text", "news about " + String.join(" and ", t) + " " + i,
                    "labels", List.of(t)))).append('\n');
        }
        Files.writeString(train, b.toString());
        Path out = dir.resolve("out");
        assertEquals(0, cli.run(trainArgs(Fixtures.model("tiny-bert"), train, train, out, "--calibrate-thresholds", "per-label",
                "--pos-weight", "2")), cli.all());
        assertContains(cli.out.toString(), "multi_label_classification");
        assertContains(cli.out.toString(), "Thresholds: per-label thresholds [");
        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("multi_label_classification", cfg.path("problem_type").asText());
        assertEquals(4, cfg.path("label2id").size());
        assertTrue(JSON.readTree(out.resolve("eval_results.json").toFile()).has("eval_calibrated_f1_micro"));

        CliTestSupport pr = new CliTestSupport();
        Path jsonl = dir.resolve("p.jsonl");
        assertEquals(0, pr.run("predict", "--model", out.toString(), "--input", train.toString(), "--output", jsonl.toString(),
                "--threshold", "0"), pr.all());
        JsonNode first = JSON.readTree(Files.readAllLines(jsonl).get(0));
        assertEquals(List.of("id", "labels", "probabilities", "logits"), iter(first));
        assertEquals("x0", first.path("id").asText());
        assertEquals(4, first.path("labels").size(), "threshold 0 accepts every label");
    }

    @Test
    void htmlReportEscapesTextFromTheData(@TempDir Path dir) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String[] r : CliTestSupport.sentiment(16, 4)) rows.add(new String[] {r[1], r[2].equals("pos") ? "<script>x</script>" : "a&b"});
        Path train = CliTestSupport.tsv(dir.resolve("t<i>.tsv"), "sentence\tlabel", rows);
        Path out = dir.resolve("out");
        assertEquals(0, cli.run(trainArgs(Fixtures.model("tiny-bert"), train, null, out)), cli.all());
        String report = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
        assertFalse(report.contains("<script>"), report);
        assertFalse(report.contains("<i>"), report);
        assertContains(report, "&lt;script&gt;x&lt;/script&gt;");
        assertContains(report, "a&amp;b");
    }

    @Test
    void argsJsonWithFlagOverrides(@TempDir Path dir) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(16, 5));
        Path argsFile = dir.resolve("args.json");
        Files.writeString(argsFile, "{\"output_dir\": \"" + dir.resolve("o").toString().replace("\\", "\\\\")
                + "\", \"learning_rate\": 3e-4, \"max_steps\": 2, \"weight_decay\": 0.01, \"push_to_hub\": false, \"save_strategy\": \"no\"}");
        assertEquals(0, cli.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--args", argsFile.toString(), "--learning_rate", "2e-4", "--max-length", "16"), cli.all());
        JsonNode a = JSON.readTree(dir.resolve("o/training_args.json").toFile());
        assertEquals(2e-4, a.path("learning_rate").asDouble(), 0);
        assertEquals(0.01, a.path("weight_decay").asDouble(), 0);
        assertEquals(2, a.path("max_steps").asInt());
        assertContains(cli.out.toString(), "push_to_hub");
    }

    @Test
    void everyTrainingArgumentHasAKebabAndASnakeFlag() {
        var spec = JTune.newCommandLine(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter()))
                .getSubcommands().get("train").getCommandSpec();
        for (var f : dev.jtune.trainer.TrainingArguments.fields()) {
            assertTrue(spec.findOption(f.cliFlag()) != null, f.cliFlag());
            assertTrue(spec.findOption("--" + f.hfName()) != null, f.hfName());
        }
    }

    private static List<String> iter(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }
}
