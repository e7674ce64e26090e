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

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 17 items 4 and 5: a subsample missing an eval class is a warning; a checkpoint's other label names are replaced. */
class LabelsAndSamplingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> train(Path model, Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--train", data.toString(), "--output-dir",
                out.toString(), "--max-steps", "2", "--max-length", "16", "--save-strategy", "no", "--no-progress"));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void aSubsampleWithoutAnEvalClassWarnsAndTrains(@TempDir Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        // the first 6 rows never have "health"; later rows do
        String[][] topics = {{"sports"}, {"politics"}, {"technology"}, {"sports", "politics"}, {"technology"}, {"sports"},
                {"health"}, {"health", "sports"}};
        for (int i = 0; i < 16; i++) {
            String[] t = topics[i < 6 ? i : 6 + i % 2];
            b.append(JSON.writeValueAsString(Map.of("text", "news " + i + " about " + String.join(" ", t), "labels", List.of(t)))).append('\n');
        }
        Path data = Files.writeString(dir.resolve("topics.jsonl"), b.toString());
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run(train(Fixtures.model("tiny-bert"), data, dir.resolve("out"), "--eval", data.toString(),
                "--max-train-samples", "6")), cli.all());
        assertContains(cli.err.toString(), "warning: class \"health\" occurs in eval " + data + " (10 examples) but in none of the first 6 rows "
                + "(--max-train-samples) of " + data + ": it keeps its place in the label map");
        JsonNode cfg = JSON.readTree(dir.resolve("out/config.json").toFile());
        assertEquals(4, cfg.path("id2label").size(), "the full file's label map");
    }

    @Test
    void aCheckpointsOtherLabelNamesAreReplacedLoudly(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("sentiment3"); // negative / neutral / positive
        Files.createDirectories(model);
        for (Path p : Files.list(Fixtures.model("tiny-bert-single")).toList()) Files.copy(p, model.resolve(p.getFileName()));
        List<String[]> rows = new ArrayList<>();
        String[] abc = {"human", "ai", "mixed"};
        for (int i = 0; i < 12; i++) rows.add(new String[] {"text " + i, abc[i % 3]});
        Path three = CliTestSupport.tsv(dir.resolve("three.tsv"), "sentence\tlabel", rows);
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run(train(model, three, dir.resolve("o3"))), cli.all());
        assertContains(cli.err.toString(), "warning: LABELS REPLACED: the checkpoint sentiment3 names its 3 classes [negative, neutral, positive] "
                + "but three.tsv has [ai, human, mixed]: training uses the data's labels (as run_glue.py does); the head keeps its trained weights");
        JsonNode cfg = JSON.readTree(dir.resolve("o3/config.json").toFile());
        assertEquals(Map.of("0", "ai", "1", "human", "2", "mixed"), JSON.convertValue(cfg.path("id2label"), Map.class));

        Path two = CliTestSupport.tsv(dir.resolve("two.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(12, 1));
        CliTestSupport refused = new CliTestSupport();
        assertEquals(ExitCode.INVALID_INPUT, refused.run(train(model, two, dir.resolve("o2"))));
        assertContains(refused.err.toString(), "the checkpoint sentiment3 names its 3 classes [negative, neutral, positive] but two.tsv has "
                + "2 other labels [neg, pos]");
        assertContains(refused.err.toString(), "--ignore-mismatched-sizes");
        CliTestSupport ok = new CliTestSupport();
        assertEquals(0, ok.run(train(model, two, dir.resolve("o2"), "--ignore-mismatched-sizes")), ok.all());
        assertContains(ok.err.toString(), "LABELS REPLACED");
        assertContains(ok.err.toString(), "trained from scratch (--ignore-mismatched-sizes)");
        assertEquals("pos", JSON.readTree(dir.resolve("o2/config.json").toFile()).path("id2label").path("1").asText());
    }
}
