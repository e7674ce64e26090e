package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17 item 10: report.html draws its charts with XChart (PNG, embedded), per task, and holds the numbers the
 * charts show; the counts and scores are checked against values computed here from predict's output and the data.
 */
class ReportChartsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IMG = Pattern.compile("<img data-chart=\"([^\"]+)\" alt=\"([^\"]*)\" src=\"data:image/png;base64,([^\"]+)\">");

    record Img(String alt, BufferedImage image) {}

    /** Every embedded chart by its id, decoded. */
    static Map<String, Img> charts(String html) throws IOException {
        Map<String, Img> m = new LinkedHashMap<>();
        Matcher x = IMG.matcher(html);
        while (x.find()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(x.group(3))));
            m.put(x.group(1), new Img(x.group(2), img));
        }
        return m;
    }

    /** A drawn chart: a real size, a white page with a good share of drawn pixels, in several colours. */
    static void assertDrawn(String id, Img c) {
        BufferedImage img = c.image();
        assertTrue(img != null && img.getWidth() >= 300 && img.getHeight() >= 200, id + " size");
        long drawn = 0, total = (long) img.getWidth() * img.getHeight();
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                if (rgb != 0xffffff) drawn++;
                colours.add(rgb);
            }
        }
        assertTrue(drawn > total / 50, id + ": only " + drawn + " of " + total + " pixels drawn");
        assertTrue(colours.size() >= 4, id + ": " + colours.size() + " colours");
    }

    /** Pixels of the report's series blue (31, 119, 180): the training-loss line, the F1 bars. */
    static long bluePixels(Img c) {
        long n = 0;
        for (int y = 0; y < c.image().getHeight(); y++) {
            for (int x = 0; x < c.image().getWidth(); x++) if ((c.image().getRGB(x, y) & 0xffffff) == 0x1f77b4) n++;
        }
        return n;
    }

    private static List<String> trainArgs(Path train, Path eval, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--eval", eval.toString(), "--output-dir", out.toString(), "--max-steps", "4", "--per-device-train-batch-size", "8",
                "--max-length", "32", "--logging-steps", "1", "--save-strategy", "no", "--learning-rate", "1e-3",
                "--eval-strategy", "steps", "--eval-steps", "2", "--no-progress"));
        a.addAll(List.of(extra));
        return a;
    }

    private static List<JsonNode> predict(Path model, Path input, Path dir) throws IOException {
        CliTestSupport pr = new CliTestSupport();
        Path preds = dir.resolve("pred-" + System.nanoTime() + ".jsonl");
        assertEquals(0, pr.run("predict", "--model", model.toString(), "--input", input.toString(), "--output", preds.toString(),
                "--no-progress"), pr.all());
        List<JsonNode> r = new ArrayList<>();
        for (String l : Files.readAllLines(preds)) r.add(JSON.readTree(l));
        return r;
    }

    private static String num(double v) { return ConsoleCallback.num(v); }

    @Test
    void singleLabelReportHasTheConfusionMatrixAndPerClassScores(@TempDir Path dir) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(32, 1));
        List<String[]> evalRows = CliTestSupport.sentiment(12, 2);
        Path eval = CliTestSupport.tsv(dir.resolve("eval.tsv"), "id\tsentence\tlabel", evalRows);
        Path out = dir.resolve("out");
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run(trainArgs(train, eval, out)), cli.all());
        String html = Files.readString(out.resolve("report.html"));
        Map<String, Img> charts = charts(html);
        for (String id : List.of("loss", "learning-rate", "metric-eval_accuracy", "metric-eval_f1_macro", "metric-eval_mcc",
                "metric-eval_f1", "confusion", "per-class-f1")) {
            assertTrue(charts.containsKey(id), id + " missing from " + charts.keySet());
            assertDrawn(id, charts.get(id));
        }
        assertTrue(bluePixels(charts.get("loss")) > 100, "the training-loss line is drawn");
        assertTrue(bluePixels(charts.get("per-class-f1")) > 1000, "the F1 bars are drawn");
        // the confusion matrix counted here from predict's labels (the same weights) and the eval file
        List<JsonNode> preds = predict(out, eval, dir);
        List<String> classes = List.of("neg", "pos");
        long[][] m = new long[2][2];
        for (int i = 0; i < evalRows.size(); i++) m[classes.indexOf(evalRows.get(i)[2])][classes.indexOf(preds.get(i).path("label").asText())]++;
        assertEquals("neg→neg " + m[0][0] + ", neg→pos " + m[0][1] + ", pos→neg " + m[1][0] + ", pos→pos " + m[1][1],
                charts.get("confusion").alt().replaceFirst("^.*predicted: ", ""));
        assertContains(html, "<tr><th>neg</th><td class=\"diag\">" + m[0][0] + "</td><td>" + m[0][1] + "</td><td>" + (m[0][0] + m[0][1]) + "</td></tr>");
        assertContains(html, "<tr><th>pos</th><td>" + m[1][0] + "</td><td class=\"diag\">" + m[1][1] + "</td><td>" + (m[1][0] + m[1][1]) + "</td></tr>");
        JsonNode results = JSON.readTree(out.resolve("eval_results.json").toFile());
        assertEquals(results.path("eval_accuracy").asDouble(), (m[0][0] + m[1][1]) / 12.0, 1e-12);
        // per-class precision, recall, F1 from the counts
        for (int c = 0; c < 2; c++) {
            long tp = m[c][c], pred = m[0][c] + m[1][c], tru = m[c][0] + m[c][1];
            double p = pred == 0 ? 0 : (double) tp / pred, r = (double) tp / tru, f = 2.0 * tp / (pred + tru);
            assertContains(html, "<tr><th>" + classes.get(c) + "</th><td>" + num(p) + "</td><td>" + num(r) + "</td><td>" + num(f) + "</td><td>" + tru + "</td></tr>");
        }
        assertContains(html, "final evaluation:</b> the weights of step 4");
    }

    @Test
    void regressionReportPlotsPredictedAgainstTrue(@TempDir Path dir) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 24; i++) rows.add(new String[] {"a sentence about item " + i, "another one " + (i % 5), Double.toString((i % 6) * 0.8)});
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "sentence1\tsentence2\tlabel", rows);
        Path eval = CliTestSupport.tsv(dir.resolve("eval.tsv"), "sentence1\tsentence2\tlabel", rows.subList(0, 10));
        Path out = dir.resolve("out");
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run(trainArgs(train, eval, out)), cli.all());
        String html = Files.readString(out.resolve("report.html"));
        Map<String, Img> charts = charts(html);
        for (String id : List.of("loss", "learning-rate", "metric-eval_mse", "metric-eval_pearson", "scatter")) {
            assertTrue(charts.containsKey(id), id + " missing from " + charts.keySet());
            assertDrawn(id, charts.get(id));
        }
        double pearson = JSON.readTree(out.resolve("eval_results.json").toFile()).path("eval_pearson").asDouble();
        assertEquals("predicted against true value for 10 eval examples, Pearson " + num(pearson), charts.get("scatter").alt());
        assertTrue(!charts.containsKey("confusion"), "no confusion matrix for regression");
    }

    @Test
    void multiLabelReportHasPerLabelF1AtTheCalibratedThresholds(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("topics.jsonl");
        StringBuilder b = new StringBuilder();
        String[][] topics = {{"sports"}, {"politics"}, {"sports", "health"}, {"technology"}, {"health"}, {"politics", "technology"}};
        List<List<String>> truth = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String[] t = topics[i % topics.length];
            truth.add(List.of(t));
            b.append(JSON.writeValueAsString(Map.of("text", "news about " + String.join(" and ", t) + " " + i, "labels", List.of(t)))).append('\n');
        }
        Files.writeString(data, b.toString());
        Path out = dir.resolve("out");
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run(trainArgs(data, data, out, "--calibrate-thresholds", "per-label")), cli.all());
        String html = Files.readString(out.resolve("report.html"));
        Map<String, Img> charts = charts(html);
        for (String id : List.of("loss", "metric-eval_f1_micro", "metric-eval_roc_auc_macro", "per-label-f1")) {
            assertTrue(charts.containsKey(id), id + " missing from " + charts.keySet());
            assertDrawn(id, charts.get(id));
        }
        // thresholds from config.json, per-label scores counted here from predict's label sets (which use those thresholds)
        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        List<JsonNode> preds = predict(out, data, dir);
        for (int j = 0; j < cfg.path("id2label").size(); j++) {
            String label = cfg.path("id2label").path(Integer.toString(j)).asText();
            double th = cfg.path("jtune_multi_label_thresholds").path("thresholds").get(j).asDouble();
            long tp = 0, pred = 0, tru = 0;
            for (int i = 0; i < truth.size(); i++) {
                boolean y = truth.get(i).contains(label);
                boolean p = false;
                for (JsonNode l : preds.get(i).path("labels")) p |= l.asText().equals(label);
                if (y && p) tp++;
                if (p) pred++;
                if (y) tru++;
            }
            double pr = pred == 0 ? 0 : (double) tp / pred, re = tru == 0 ? 0 : (double) tp / tru, f1 = pred + tru == 0 ? 0 : 2.0 * tp / (pred + tru);
            assertContains(html, "<tr><th>" + label + "</th><td>" + num(th) + "</td><td>" + num(pr) + "</td><td>" + num(re)
                    + "</td><td>" + num(f1) + "</td><td>" + tru + "</td></tr>");
        }
    }

    /** Trains the sentiment rows into {@code out}, with a checkpoint every 2 steps; returns the arguments used. */
    private static List<String> firstRunSavingEveryTwoSteps(Path dir, Path out) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(32, 1));
        Path eval = CliTestSupport.tsv(dir.resolve("eval.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(12, 2));
        List<String> args = new ArrayList<>(trainArgs(train, eval, out));
        args.set(args.indexOf("--save-strategy") + 1, "steps");
        args.addAll(List.of("--save-steps", "2"));
        CliTestSupport first = new CliTestSupport();
        assertEquals(0, first.run(args), first.all());
        return args;
    }

    @Test
    void reportAfterAResumeKeepsTheStepsBeforeIt(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        List<String> args = firstRunSavingEveryTwoSteps(dir, out);
        List<String> resumed = new ArrayList<>(args);
        resumed.addAll(List.of("--resume-from-checkpoint", out.resolve("checkpoint-2").toString()));
        CliTestSupport second = new CliTestSupport();
        assertEquals(0, second.run(resumed), second.all());
        String html = Files.readString(out.resolve("report.html"));
        assertContains(html, "resumed:</b> at step 2; the curves include the steps before it");
        // the evaluation and the loss logs of steps 1 and 2 come from the checkpoint's log history
        assertContains(html, "<table class=\"evals\"><tr><th>step</th><th>2</th><th>4</th></tr>");
        JsonNode state = JSON.readTree(out.resolve("trainer_state.json").toFile());
        for (JsonNode log : state.path("log_history")) {
            if (!log.has("loss")) continue;
            assertContains(html, "<tr><th>" + log.path("step").asInt() + "</th><td>" + num(log.path("loss").asDouble()) + "</td>");
        }
        assertContains(html, "<tr><th>1</th><td>");
        assertContains(html, "<tr><th>2</th><td>");
        assertTrue(charts(html).containsKey("loss"));
        assertEquals(String.format(Locale.ROOT, "%d", 4), state.path("global_step").asText());
    }

    @Test
    void resumingWithMoreStepsTrainsTheNewLength(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        List<String> args = firstRunSavingEveryTwoSteps(dir, out);
        List<String> longer = new ArrayList<>(args);
        longer.set(longer.indexOf("--max-steps") + 1, "6");
        longer.addAll(List.of("--resume-from-checkpoint", out.resolve("checkpoint-4").toString()));
        CliTestSupport second = new CliTestSupport();
        assertEquals(0, second.run(longer), second.all());
        assertContains(second.err.toString() + second.out, "the checkpoint's run had 4");
        assertEquals(6, JSON.readTree(out.resolve("trainer_state.json").toFile()).path("global_step").asInt(), second.all());
        String html = Files.readString(out.resolve("report.html"));
        assertContains(html, "<table class=\"evals\"><tr><th>step</th><th>2</th><th>4</th><th>6</th></tr>");
        assertContains(html, "final evaluation:</b> the weights of step 6");
    }
}
