package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 17 item 2: one multi-label threshold rule in train, evaluate, predict and predict's metrics line. */
class ThresholdsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void calibratedThresholdsAreUsedAndStatedEverywhere(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("topics.jsonl");
        StringBuilder b = new StringBuilder();
        String[][] topics = {{"sports"}, {"politics"}, {"sports", "health"}, {"technology"}, {"health"}, {"politics", "technology"}};
        for (int i = 0; i < 30; i++) {
            String[] t = topics[i % topics.length];
            b.append(JSON.writeValueAsString(Map.of("id", "x" + i, "text", "news about " + String.join(" and ", t) + " " + i,
                    "labels", List.of(t)))).append('\n');
        }
        Files.writeString(data, b.toString());
        Path out = dir.resolve("out");
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", data.toString(),
                "--eval", data.toString(), "--output-dir", out.toString(), "--max-steps", "4", "--per-device-train-batch-size", "8",
                "--max-length", "32", "--save-strategy", "no", "--learning-rate", "1e-3", "--calibrate-thresholds", "global",
                "--no-progress"), cli.all());
        JsonNode results = JSON.readTree(out.resolve("eval_results.json").toFile());
        double th = results.path("eval_calibrated_threshold").asDouble();
        double calibratedF1 = results.path("eval_calibrated_f1_micro").asDouble();
        String thText = new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%.4f", th)).stripTrailingZeros().toPlainString();
        if (!thText.contains(".")) thText += ".0";
        // global: one value, and where it was fitted
        assertContains(cli.out.toString(), "Thresholds: threshold " + thText + " (global, chosen to maximise F1 on the eval set topics.jsonl");
        assertContains(cli.out.toString(), "optimistic");

        CliTestSupport ev = new CliTestSupport();
        assertEquals(0, ev.run("evaluate", "--model", out.toString(), "--data", data.toString(), "--no-progress"), ev.all());
        assertContains(ev.err.toString(), "note: multi-label metrics at threshold " + thText + " (calibrated on the eval set when training, config.json)");
        assertEquals(calibratedF1, JSON.readTree(ev.out.toString()).path("eval_f1_micro").asDouble(), 1e-9);

        // threshold 0 predicts every label: 40 positive cells of 120 -> F1 micro = 2*40 / (2*40 + 80) = 0.5
        CliTestSupport ev0 = new CliTestSupport();
        assertEquals(0, ev0.run("evaluate", "--model", out.toString(), "--data", data.toString(), "--threshold", "0", "--no-progress"), ev0.all());
        assertContains(ev0.err.toString(), "threshold 0.0 (--threshold)");
        assertEquals(0.5, JSON.readTree(ev0.out.toString()).path("eval_f1_micro").asDouble(), 1e-12);

        CliTestSupport pr = new CliTestSupport();
        Path preds = dir.resolve("p.jsonl");
        assertEquals(0, pr.run("predict", "--model", out.toString(), "--input", data.toString(), "--output", preds.toString(),
                "--no-progress"), pr.all());
        String o = pr.out.toString();
        assertContains(o, "labels at threshold " + thText + " (calibrated");
        Matcher m = Pattern.compile("Metrics on the labelled input \\(threshold " + Pattern.quote(thText) + " \\(calibrated[^)]*\\)\\): .*test_f1_micro (\\S+)").matcher(o);
        assertTrue(m.find(), o);
        assertEquals(calibratedF1, Double.parseDouble(m.group(1)), 1e-4);
        // each written label set is exactly {label : probability >= threshold}
        for (String line : Files.readAllLines(preds)) {
            JsonNode r = JSON.readTree(line);
            List<String> expected = new ArrayList<>();
            r.path("probabilities").fields().forEachRemaining(e -> { if (e.getValue().asDouble() >= th) expected.add(e.getKey()); });
            List<String> got = new ArrayList<>();
            r.path("labels").forEach(l -> got.add(l.asText()));
            assertEquals(expected, got, line);
        }
    }
}
