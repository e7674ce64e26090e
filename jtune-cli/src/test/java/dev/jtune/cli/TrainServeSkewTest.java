package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Issue 17 item 3: evaluate/predict use training's max_length; pairs vs single texts; --max-length above the limit. */
class TrainServeSkewTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Pairs whose texts run well past 16 tokens, so that the truncation length changes the outputs. */
    private static List<String[]> pairs(int n, long seed) {
        List<String[]> rows = new ArrayList<>();
        for (String[] r : CliTestSupport.sentiment(n, seed)) {
            rows.add(new String[] {r[0], r[1] + " and the staff said that the weather in the old town was quite mild all week",
                    "someone wrote that " + r[1] + " too", r[2]});
        }
        return rows;
    }

    @Test
    void evaluateAndPredictUseTrainingsMaxLengthAndWarnAboutSingleTexts(@TempDir Path dir) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence1\tsentence2\tlabel", pairs(24, 1));
        Path eval = CliTestSupport.tsv(dir.resolve("eval.tsv"), "id\tsentence1\tsentence2\tlabel", pairs(10, 2));
        Path out = dir.resolve("out");
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--eval", eval.toString(), "--output-dir", out.toString(), "--max-steps", "4", "--per-device-train-batch-size", "8",
                "--max_seq_length", "16", "--save-strategy", "no", "--learning-rate", "1e-3", "--no-progress"), cli.all());
        assertContains(cli.out.toString(), "max_length 16,");
        double trainedEvalLoss = JSON.readTree(out.resolve("eval_results.json").toFile()).path("eval_loss").asDouble();

        CliTestSupport ev = new CliTestSupport();
        assertEquals(0, ev.run("evaluate", "--model", out.toString(), "--data", eval.toString(), "--no-progress"), ev.all());
        assertContains(ev.err.toString(), "note: max_length 16 (training_args.json of " + out);
        assertEquals(trainedEvalLoss, JSON.readTree(ev.out.toString()).path("eval_loss").asDouble(), 1e-6);
        CliTestSupport ev128 = new CliTestSupport();
        assertEquals(0, ev128.run("evaluate", "--model", out.toString(), "--data", eval.toString(), "--max-length", "128", "--no-progress"), ev128.all());
        assertNotEquals(trainedEvalLoss, JSON.readTree(ev128.out.toString()).path("eval_loss").asDouble(), 1e-6);
        assertFalse(ev128.err.toString().contains("note: max_length"), ev128.err.toString());

        // single texts to a pair model: a warning naming the columns, and the fix
        List<String[]> single = new ArrayList<>();
        for (String[] r : pairs(3, 3)) single.add(new String[] {r[0], r[1]});
        Path in = CliTestSupport.tsv(dir.resolve("single.tsv"), "id\tsentence", single);
        CliTestSupport pr = new CliTestSupport();
        assertEquals(0, pr.run("predict", "--model", out.toString(), "--input", in.toString(), "--output",
                dir.resolve("p.jsonl").toString(), "--no-progress"), pr.all());
        assertContains(pr.err.toString(), "warning: the model was trained on text pairs (sentence1, sentence2) but " + in
                + " gives single texts (column sentence");
        assertContains(pr.err.toString(), "--text-pair-column");
        CliTestSupport pr2 = new CliTestSupport();
        assertEquals(0, pr2.run("predict", "--model", out.toString(), "--input", eval.toString(), "--output",
                dir.resolve("p2.jsonl").toString(), "--no-progress"), pr2.all());
        assertFalse(pr2.err.toString().contains("warning"), pr2.err.toString());
    }

    @Test
    void maxLengthAboveTheModelsLimitIsClampedWithAWarningThatLogsAndExplainRepeat(@TempDir Path dir) throws IOException {
        // tiny-bert: tokenizer model_max_length 512, but a position table of 128
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(16, 1));
        Path out = dir.resolve("out");
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--output-dir", out.toString(), "--max-steps", "2", "--max-length", "1024", "--save-strategy", "no", "--no-progress"), cli.all());
        String expected = "max_length 1024 (--max-length) is above the 128 tokens this model accepts (max_position_embeddings of config.json): using max_length 128";
        assertContains(cli.err.toString(), "warning: " + expected);
        assertContains(cli.out.toString(), ", max_length 128,");
        assertFalse(cli.out.toString().contains("1024"), cli.out.toString());
        assertEquals(128, JSON.readTree(out.resolve("training_args.json").toFile()).path("max_length").asInt());

        CliTestSupport ex = new CliTestSupport();
        assertEquals(0, ex.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--max-length", "1024"), ex.all());
        assertContains(ex.out.toString(), "warning: " + expected);
        assertContains(ex.out.toString(), "Tokens (max_length 128)");

        CliTestSupport ev = new CliTestSupport();
        assertEquals(0, ev.run("evaluate", "--model", out.toString(), "--data", train.toString(), "--max-length", "600", "--no-progress"), ev.all());
        assertContains(ev.err.toString(), "warning: max_length 600 (--max-length) is above the 128 tokens");
    }
}
