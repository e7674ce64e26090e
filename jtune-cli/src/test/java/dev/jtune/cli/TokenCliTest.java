package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Token classification through the command line: train (task inferred from a CoNLL slice) → evaluate → predict on a
 * tiny BERT, and bad token data stopping with exit 2, the file, the line, the rule and the fix.
 */
class TokenCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path trainFile, devFile, out;
    static CliTestSupport trained;
    static int trainRc;

    /** The first n sentences of the CoNLL-2003 sample starting at sentence {@code from}, as a CoNLL file. */
    static Path conllSlice(Path file, int from, int n) throws IOException {
        List<String> lines = Files.readAllLines(Fixtures.data("conll2003-train-3k.txt"), StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder();
        int sentence = 0;
        boolean in = false;
        for (String l : lines) {
            if (l.isBlank() || l.startsWith("-DOCSTART-")) {
                if (in) sentence++;
                in = false;
                if (sentence >= from && sentence < from + n && b.length() > 0 && !b.toString().endsWith("\n\n")) b.append('\n');
                continue;
            }
            in = true;
            if (sentence >= from && sentence < from + n) b.append(l).append('\n');
        }
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
        return file;
    }

    @BeforeAll
    static void train() throws IOException {
        trainFile = conllSlice(dir.resolve("train.conll"), 0, 64);
        devFile = conllSlice(dir.resolve("dev.conll"), 64, 24);
        out = dir.resolve("out-ner");
        trained = new CliTestSupport();
        trainRc = trained.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", trainFile.toString(),
                "--eval", devFile.toString(), "--output-dir", out.toString(), "--max-steps", "8", "--per-device-train-batch-size", "8",
                "--learning-rate", "5e-3", "--save-strategy", "no", "--eval-strategy", "no", "--no-progress", "--max-length", "64");
    }

    @Test
    void trainInfersTheTaskAndSavesATokenHead() throws IOException {
        assertEquals(0, trainRc, trained.all());
        assertContains(trained.out.toString(), "Task: token-classification (inferred: train.conll is token data");
        assertContains(trained.out.toString(), "BertForTokenClassification");
        assertContains(trained.out.toString(), "Alignment: first sub-token");
        assertContains(trained.out.toString(), "Loss: BertForTokenClassification.forward always uses cross-entropy over every token");
        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("BertForTokenClassification", cfg.path("architectures").get(0).asText());
        assertFalse(cfg.has("problem_type"), "a token head records no problem_type");
        // O first, then sorted (code point order)
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < cfg.path("id2label").size(); i++) tags.add(cfg.path("id2label").path(Integer.toString(i)).asText());
        assertEquals(List.of("O", "B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER"), tags);
        JsonNode ev = JSON.readTree(out.resolve("eval_results.json").toFile());
        for (String k : List.of("eval_loss", "eval_precision", "eval_recall", "eval_f1", "eval_accuracy", "eval_PER_f1", "eval_LOC_f1")) {
            assertTrue(ev.has(k), k + " in " + ev);
        }
        String html = Files.readString(out.resolve("report.html"));
        assertContains(html, "Entities per type");
        assertContains(html, "<tr><th>PER</th>");
        // per-entity F1 drawn (XChart PNG) for the final evaluation and over the steps
        var charts = ReportChartsTest.charts(html);
        for (String id : List.of("per-entity-f1", "metric-entity-f1", "metric-eval_f1", "loss")) {
            org.junit.jupiter.api.Assertions.assertTrue(charts.containsKey(id), id + " missing from " + charts.keySet());
            ReportChartsTest.assertDrawn(id, charts.get(id));
        }
        assertContains(html, "<tr><th>PER</th><td>" + ConsoleCallback.num(ev.path("eval_PER_precision").asDouble()) + "</td><td>"
                + ConsoleCallback.num(ev.path("eval_PER_recall").asDouble()) + "</td><td>" + ConsoleCallback.num(ev.path("eval_PER_f1").asDouble())
                + "</td><td>" + ev.path("eval_PER_number").asInt() + "</td></tr>");
    }

    @Test
    void evaluateScoresTheSameWeightsAsTraining() throws IOException {
        assertEquals(0, trainRc, trained.all());
        CliTestSupport ev = new CliTestSupport();
        assertEquals(0, ev.run("evaluate", "--model", out.toString(), "--data", devFile.toString(), "--no-progress",
                "--batch-size", "8"), ev.all()); // training evaluated in batches of 8: eval_loss is a mean of batch means
        JsonNode m = JSON.readTree(ev.out.toString());
        JsonNode atTrain = JSON.readTree(out.resolve("eval_results.json").toFile());
        // the same weights, data, max_length (from training_args.json) and metric: the same figures
        for (String k : List.of("eval_precision", "eval_recall", "eval_f1", "eval_accuracy", "eval_PER_number", "eval_LOC_f1")) {
            assertEquals(atTrain.path(k).asDouble(), m.path(k).asDouble(), 1e-9, k);
        }
        assertEquals(atTrain.path("eval_loss").asDouble(), m.path("eval_loss").asDouble(), 1e-5);
        // gold PER entities in the dev slice, counted here independently: B-PER lines, plus I-PER lines that open one
        long per = 0;
        String prev = "O";
        for (String l : Files.readAllLines(devFile)) {
            String tag = l.isBlank() ? "O" : l.substring(l.lastIndexOf(' ') + 1);
            if (tag.equals("B-PER") || (tag.equals("I-PER") && !prev.endsWith("PER"))) per++;
            prev = tag;
        }
        assertEquals(per, m.path("eval_PER_number").asLong());
    }

    @Test
    void predictPrintsWordsAndEntitiesWithCharacterOffsets() throws IOException {
        assertEquals(0, trainRc, trained.all());
        String s1 = "Zoë  met José   Müller in \uD83D\uDE42 São Paulo.";
        String s2 = "EU rejects German call to boycott British lamb .";
        Path in = dir.resolve("sentences.txt");
        Files.writeString(in, s1 + "\n\n" + s2 + "\n", StandardCharsets.UTF_8);
        for (String strategy : List.of("first", "average", "max", "simple")) {
            Path pred = dir.resolve("pred-" + strategy + ".jsonl");
            CliTestSupport p = new CliTestSupport();
            assertEquals(0, p.run("predict", "--model", out.toString(), "--input", in.toString(), "--output", pred.toString(),
                    "--aggregation-strategy", strategy, "--no-progress"), p.all());
            assertContains(p.out.toString(), "aggregation strategy " + strategy);
            List<String> rows = Files.readAllLines(pred);
            assertEquals(2, rows.size());
            JsonNode r1 = JSON.readTree(rows.get(0)), r2 = JSON.readTree(rows.get(1));
            assertEquals(1, r1.path("line").asInt());
            assertEquals(3, r2.path("line").asInt(), "blank lines are skipped, line numbers kept");
            assertEquals(s1, r1.path("text").asText());
            // the words do not depend on the model: hand-counted code-point offsets
            List<String> words = new ArrayList<>();
            for (JsonNode w : r1.path("words")) {
                words.add(w.path("word").asText() + "@" + w.path("start").asInt() + "-" + w.path("end").asInt());
                double score = w.path("score").asDouble();
                assertTrue(score > 0 && score <= 1, "score " + score);
            }
            assertEquals(List.of("Zoë@0-3", "met@5-8", "José@9-13", "Müller@16-22", "in@23-25", "\uD83D\uDE42@26-27",
                    "São@28-31", "Paulo@32-37", ".@37-38"), words);
            for (JsonNode r : List.of(r1, r2)) {
                int[] cps = r.path("text").asText().codePoints().toArray();
                for (JsonNode e : r.path("entities")) {
                    int s = e.path("start").asInt(), en = e.path("end").asInt();
                    assertEquals(e.path("text").asText(), new String(cps, s, en - s), "entity text = input[start:end]");
                    assertFalse(e.path("type").asText().isEmpty());
                }
            }
        }
    }

    @Test
    void predictReadsJsonlTextAndStdinStyleInput() throws IOException {
        assertEquals(0, trainRc, trained.all());
        Path in = dir.resolve("sentences.jsonl");
        Files.writeString(in, "{\"id\": \"a\", \"text\": \"Peter  Blackburn\"}\n", StandardCharsets.UTF_8);
        Path pred = dir.resolve("pred-jsonl.jsonl");
        CliTestSupport p = new CliTestSupport();
        assertEquals(0, p.run("predict", "--model", out.toString(), "--input", in.toString(), "--output", pred.toString(), "--no-progress"), p.all());
        JsonNode r = JSON.readTree(Files.readAllLines(pred).get(0));
        assertEquals("a", r.path("id").asText());
        assertEquals(2, r.path("words").size());
        assertEquals(7, r.path("words").get(1).path("start").asInt());
        assertEquals(16, r.path("words").get(1).path("end").asInt());
    }

    @Test
    void unknownTagAtEvaluationIsExit2WithFileAndLine() throws IOException {
        assertEquals(0, trainRc, trained.all());
        Path bad = dir.resolve("bad-dev.conll");
        Files.writeString(bad, "Peter NNP B-PER\nBlackburn NNP I-PER\n\nIn IN O\nParis NNP B-CITY\n", StandardCharsets.UTF_8);
        CliTestSupport ev = new CliTestSupport();
        assertEquals(2, ev.run("evaluate", "--model", out.toString(), "--data", bad.toString(), "--no-progress"), ev.all());
        String e = ev.err.toString();
        assertContains(e, bad.toString());
        assertContains(e, "line 5");
        assertContains(e, "\"B-CITY\"");
        assertContains(e, "tags the model was trained with");
        assertFalse(e.contains("Exception"), e);
    }

    @Test
    void wrongColumnCountIsExit2() throws IOException {
        Path bad = dir.resolve("cols.conll");
        Files.writeString(bad, "EU NNP B-ORG\nrejects VBZ O\nGerman B-MISC\n", StandardCharsets.UTF_8);
        CliTestSupport t = new CliTestSupport();
        assertEquals(2, t.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", bad.toString(),
                "--output-dir", dir.resolve("never").toString(), "--max-steps", "1", "--no-progress"), t.all());
        String e = t.err.toString();
        assertContains(e, bad.toString() + " line 3 has 2 columns but line 1 has 3");
        assertContains(e, "same number of whitespace-separated columns");
        assertContains(e, "fix line 3");
        assertFalse(Files.exists(dir.resolve("never")), "nothing written on bad input");
    }

    @Test
    void tagCountMismatchIsExit2() throws IOException {
        Path bad = dir.resolve("mismatch.jsonl");
        Files.writeString(bad, "{\"tokens\": [\"EU\", \"rejects\"], \"ner_tags\": [\"B-ORG\", \"O\"]}\n"
                + "{\"tokens\": [\"German\", \"call\"], \"ner_tags\": [\"B-MISC\"]}\n", StandardCharsets.UTF_8);
        CliTestSupport t = new CliTestSupport();
        assertEquals(2, t.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", bad.toString()), t.all());
        String e = t.err.toString();
        assertContains(e, bad.toString() + " line 2: 2 tokens but 1 ner_tags");
        assertContains(e, "every token needs exactly one tag");
        assertContains(e, "make the two lists of line 2 the same length");
    }

    @Test
    void explainStatesTagsAlignmentLossAndTruncation() throws IOException {
        CliTestSupport t = new CliTestSupport();
        assertEquals(0, t.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", conllSlice(dir.resolve("ex.conll"), 0, 64).toString(),
                "--label-all-tokens", "--max-length", "8"), t.all());
        String o = t.out.toString();
        assertContains(o, "Task: token-classification (inferred");
        assertContains(o, "num_labels: 9 (tags in id order: [O, B-LOC, B-MISC, B-ORG, B-PER, I-LOC, I-MISC, I-ORG, I-PER])");
        assertContains(o, "Alignment: label_all_tokens: every sub-token of a word gets the word's tag (B- becomes I-");
        assertContains(o, "lose every token to truncation at max_length 8");
        assertContains(o, "token tags (one per word), 9 tags");
        CliTestSupport j = new CliTestSupport();
        assertEquals(0, j.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", dir.resolve("ex.conll").toString(),
                "--max-length", "8", "--json"), j.all());
        JsonNode plan = JSON.readTree(j.out.toString());
        assertEquals("token-classification", plan.path("task").path("value").asText());
        assertTrue(plan.path("problem_type").isNull());
        assertFalse(plan.path("alignment").path("label_all_tokens").asBoolean());
        assertTrue(plan.path("tokenization").path("lost_words").asInt() > 0);
        // the tag counts are words: the O count equals the O lines of the file, counted here
        long o2 = Files.readAllLines(dir.resolve("ex.conll")).stream().filter(l -> l.endsWith(" O")).count();
        assertEquals(o2, plan.path("data").path("label_counts").path("O").asLong());
    }
}
