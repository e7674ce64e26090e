package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** demo (on the tiny fixture model), explain (text and JSON), models import-onnx, and --help on every command. */
class CommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CliTestSupport cli = new CliTestSupport();

    @ParameterizedTest
    @ValueSource(strings = {"train", "evaluate", "predict", "explain", "demo", "models", "models list", "models import-onnx"})
    void everyCommandHasHelpWithExamples(String command) {
        List<String> a = new java.util.ArrayList<>(List.of(command.split(" ")));
        a.add("--help");
        assertEquals(0, cli.run(a), cli.all());
        assertContains(cli.out.toString(), "Usage: jtune " + command);
        if (!command.equals("models") && !command.equals("models list")) assertContains(cli.out.toString(), "Examples:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sentiment", "regression", "multi-label"})
    void demoRunsEachTask(String task, @TempDir Path dir) throws IOException {
        assertEquals(0, cli.run("demo", "--task", task, "--model", Fixtures.model("tiny-bert").toString(), "--output-dir",
                dir.toString(), "--num-train-epochs", "1", "--fp32"), cli.all());
        String o = cli.out.toString();
        assertContains(o, "demo: eval ");
        assertContains(o, "Predictions for new inputs:");
        assertContains(o, "\nverdict: the model "); // every demo ends its evaluation with a verdict
        assertContains(o, task.equals("regression") ? "MSELoss" : task.equals("multi-label") ? "BCEWithLogitsLoss" : "CrossEntropyLoss");
        assertTrue(Files.isRegularFile(dir.resolve("model/report.html")));
        assertTrue(Files.isRegularFile(dir.resolve("predictions.jsonl")));
    }

    @Test
    void regressionVerdictSaysWhatThePearsonMeans() {
        assertContains(DemoCommand.regressionVerdict(0.816, "dev.tsv"), "verdict: the model learned sentence similarity: Pearson 0.82");
        assertContains(DemoCommand.regressionVerdict(0.45, "dev.tsv"), "learned some similarity (Pearson 0.45");
        assertContains(DemoCommand.regressionVerdict(-0.002, "dev.tsv"), "did not learn the similarity (Pearson -0.00");
        assertContains(DemoCommand.regressionVerdict(Double.NaN, "dev.tsv"), "did not learn");
    }

    @Test
    void sentimentVerdictComparesWithOneClassAlways() {
        assertEquals("verdict: the model learned sentiment beyond the phrasings it trained on: accuracy 0.85 and F1 0.84 on the 80 "
                + "held-out sentences of e.tsv, written apart from the training reviews (negations such as \"It is not a bad phone at all.\", "
                + "contrasts such as \"The box was damaged, but the headphones inside were perfect.\"); always answering one class would score 0.50",
                DemoCommand.sentimentVerdict(0.85, 0.8421, 0.5, 80, "e.tsv"));
        assertContains(DemoCommand.sentimentVerdict(0.62, 0.6, 0.5, 80, "e.tsv"), "verdict: the model learned some sentiment (accuracy 0.62");
        assertContains(DemoCommand.sentimentVerdict(0.52, 0.3, 0.5, 80, "e.tsv"), "verdict: the model did not learn sentiment (accuracy 0.52");
        // against the majority class, not against one half: 0.80 on a 70/30 set is only 0.10 above always answering the larger class
        assertContains(DemoCommand.sentimentVerdict(0.80, 0.7, 0.7, 80, "e.tsv"), "learned some sentiment");
    }

    @Test
    void multiLabelVerdictComparesWithEveryLabel() {
        // 48 texts x 6 labels = 288 cells, 80 positive: answering every label scores 2*80 / (80 + 288) = 0.4348
        assertEquals(160.0 / 368, DemoCommand.allLabelsF1(80, 288), 1e-15);
        assertEquals("verdict: the model learned the topics: micro F1 0.95 on the 48 held-out texts of m.jsonl, whose sentences never "
                + "occur in training, every topic set exactly right for 83% of them; answering every topic for every text would score F1 0.43",
                DemoCommand.multiLabelVerdict(0.9514, 0.8333, 160.0 / 368, 48, "m.jsonl"));
        assertContains(DemoCommand.multiLabelVerdict(0.6, 0.2, 0.43, 48, "m.jsonl"), "verdict: the model learned some of the topics (micro F1 0.60");
        assertContains(DemoCommand.multiLabelVerdict(0.0, 0.0, 0.43, 48, "m.jsonl"), "verdict: the model did not learn the topics (micro F1 0.00");
    }

    @Test
    void demoRejectsAnUnknownTask(@TempDir Path dir) {
        assertEquals(ExitCode.INVALID_INPUT, cli.run("demo", "--task", "ner", "--output-dir", dir.toString()));
        assertContains(cli.err.toString(), "sentiment, regression or multi-label");
    }

    @Test
    void explainText(@TempDir Path dir) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("t.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(30, 1));
        assertEquals(0, cli.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--max-length", "5", "--class-weights", "auto"), cli.all());
        String o = cli.out.toString();
        assertContains(o, "Problem type: single_label_classification (source: inferred");
        assertContains(o, "Loss: ");
        assertContains(o, "class weights");
        assertContains(o, "label map:   {neg=0, pos=1}");
        assertContains(o, "Head: newly initialised");
        assertContains(o, "% truncated");
        assertContains(o, "consider a larger --max-length");
        assertTrue(Files.list(dir).count() == 1, "explain wrote files");
    }

    @Test
    void explainJsonReportsAStaleProblemTypeAndAMismatchedHead(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m");
        Files.createDirectories(model);
        for (Path p : Files.list(Fixtures.model("tiny-bert-single")).toList()) Files.copy(p, model.resolve(p.getFileName()));
        com.fasterxml.jackson.databind.node.ObjectNode cfg = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
        cfg.put("problem_type", "regression");
        Files.writeString(model.resolve("config.json"), cfg.toString());
        Path train = CliTestSupport.tsv(dir.resolve("t.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(8, 1));
        assertEquals(0, cli.run("explain", "--model", model.toString(), "--train", train.toString(), "--num-labels", "2", "--json"), cli.all());
        JsonNode j = JSON.readTree(cli.out.toString());
        assertEquals("regression", j.path("problem_type").path("value").asText());
        assertEquals("config", j.path("problem_type").path("source").asText());
        String w = j.path("warnings").toString() + j.path("errors").toString(); // a stale problem_type stops train: an error
        assertContains(w, "stale problem_type");
        assertContains(w, "--ignore-mismatched-sizes");
        assertContains(w, "fewer than 10");
        assertEquals(4, j.path("data").path("label_counts").path("pos").asInt());
        assertTrue(j.path("tokenization").has("p95"));
    }

    @Test
    void importBuiltinOnnx(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("minilm");
        assertEquals(0, cli.run("models", "import-onnx", "--builtin", "minilm", "--output", out.toString()), cli.all());
        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals(384, cfg.path("hidden_size").asInt());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")) && Files.isRegularFile(out.resolve("tokenizer.json")));
        assertEquals(1, Files.list(dir).count(), "no temporary folder left behind");
        CliTestSupport again = new CliTestSupport();
        assertEquals(ExitCode.INVALID_INPUT, again.run("models", "import-onnx", "--builtin", "minilm", "--output", out.toString()));
        assertContains(again.err.toString(), "already exists");
    }

    @Test
    void importOnnxNeedsHeads(@TempDir Path dir) throws IOException {
        Path onnx = Files.writeString(dir.resolve("m.onnx"), "x");
        Path tok = Files.writeString(dir.resolve("tokenizer.json"), "{}");
        assertEquals(ExitCode.INVALID_INPUT, cli.run("models", "import-onnx", "--onnx", onnx.toString(), "--tokenizer", tok.toString(),
                "--output", dir.resolve("o").toString()));
        assertContains(cli.err.toString(), "--num-heads");
        assertTrue(!Files.exists(dir.resolve("o")));
    }

    @Test
    void inferConfigChecksHeads() {
        var t = new java.util.LinkedHashMap<String, dev.jtune.io.RawTensor>();
        java.util.function.BiConsumer<String, long[]> put = (k, s) -> t.put(k, new dev.jtune.io.RawTensor(dev.jtune.io.DType.F32, s,
                java.nio.ByteBuffer.allocate((int) (s[0] * s[1] * 4))));
        put.accept("embeddings.word_embeddings.weight", new long[] {100, 48});
        put.accept("embeddings.position_embeddings.weight", new long[] {64, 48});
        put.accept("embeddings.token_type_embeddings.weight", new long[] {2, 48});
        put.accept("encoder.layer.0.intermediate.dense.weight", new long[] {96, 48});
        put.accept("encoder.layer.0.attention.self.query.weight", new long[] {48, 48});
        put.accept("encoder.layer.1.attention.self.query.weight", new long[] {48, 48});
        var c = dev.jtune.modeling.io.OnnxBertImporter.inferConfig(t, 4, "x.onnx");
        assertEquals(100, c.path("vocab_size").asInt());
        assertEquals(48, c.path("hidden_size").asInt());
        assertEquals(2, c.path("num_hidden_layers").asInt());
        assertEquals(96, c.path("intermediate_size").asInt());
        assertEquals(64, c.path("max_position_embeddings").asInt());
        assertEquals(2, c.path("type_vocab_size").asInt());
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.jtune.JTuneException.class, () -> dev.jtune.modeling.io.OnnxBertImporter.inferConfig(t, 5, "x.onnx"));
        assertContains(e.getMessage(), "not a multiple of the number of attention heads (5)");
    }
}
