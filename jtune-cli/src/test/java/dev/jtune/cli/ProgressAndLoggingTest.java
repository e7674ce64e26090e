package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.testing.Fixtures;
import dev.jtune.trainer.TrainerControl;
import dev.jtune.trainer.TrainerState;
import dev.jtune.trainer.TrainingArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 17 item 1: progress lines off a terminal (train, eval during training, evaluate, predict); logging default. */
class ProgressAndLoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void linesCarryRateAndEtaAndRespectTheInterval() {
        StringWriter sw = new StringWriter();
        long[] now = {0};
        ProgressLines p = new ProgressLines(new PrintWriter(sw, true), 30, true, () -> now[0]);
        TrainingArguments args = TrainingArguments.builder().build();
        TrainerState s = TrainerState.forTraining(args, 12, 1, 8);
        TrainerControl c = new TrainerControl();
        p.onTrainBegin(args, s, c);
        for (int step = 1; step <= 12; step++) { // one step every 10 s
            now[0] += 10_000_000_000L;
            s.globalStep(step);
            p.onStepEnd(args, s, c);
        }
        List<String> lines = sw.toString().lines().toList();
        // at 30 s: 3 steps done, 0.1 steps/s, 9 steps left -> 90 s; then every 30 s; the last step always
        assertEquals(List.of(
                "progress: train step 3/12 (25%), 0.10 steps/s, ETA 1m30s",
                "progress: train step 6/12 (50%), 0.10 steps/s, ETA 1m00s",
                "progress: train step 9/12 (75%), 0.10 steps/s, ETA 30s",
                "progress: train step 12/12 (100%), 0.10 steps/s, done in 2m00s"), lines);
    }

    @Test
    void evaluationLinesStartAgainForEachEvaluation() {
        StringWriter sw = new StringWriter();
        long[] now = {0};
        ProgressLines p = new ProgressLines(new PrintWriter(sw, true), 0, false, () -> now[0]).phase("evaluate");
        TrainingArguments args = TrainingArguments.builder().build();
        TrainerState s = new TrainerState();
        for (int run = 0; run < 2; run++) {
            p.onPredictionStep(args, s, new TrainerControl(), 0, 4);
            for (int b = 1; b <= 4; b++) {
                now[0] += 2_000_000_000L;
                p.onPredictionStep(args, s, new TrainerControl(), b, 4);
            }
        }
        List<String> lines = sw.toString().lines().toList();
        assertEquals(8, lines.size(), lines.toString());
        assertEquals("progress: evaluate batch 1/4 (25%), 0.50 batches/s, ETA 6s", lines.get(0));
        assertEquals("progress: evaluate batch 4/4 (100%), 0.50 batches/s, done in 8s", lines.get(3)); // 2 s a batch
        assertEquals(lines.subList(0, 4), lines.subList(4, 8));
    }

    @Test
    void trainEvaluatePredictReportProgressOffATerminalAndLogAbout20Times(@TempDir Path dir) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(60, 1));
        Path eval = CliTestSupport.tsv(dir.resolve("eval.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(10, 2));
        Path out = dir.resolve("out");
        CliTestSupport cli = new CliTestSupport();
        // 60 rows, batch 2, 1 epoch: 30 steps; no --logging-steps: every ceil(30/20) = 2 steps and the first
        assertEquals(0, cli.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--eval", eval.toString(), "--output-dir", out.toString(), "--num-train-epochs", "1",
                "--per-device-train-batch-size", "2", "--per-device-eval-batch-size", "4", "--max-length", "16",
                "--save-strategy", "no", "--progress-every", "0"), cli.all());
        String o = cli.out.toString(), e = cli.err.toString();
        assertContains(o, "loss logged every 2 of 30 steps and after the first");
        List<Integer> logged = steps(o, "^step (\\d+)/30 ");
        List<Integer> expected = new java.util.ArrayList<>(List.of(1));
        for (int s = 2; s <= 30; s += 2) expected.add(s);
        assertEquals(expected, logged, o);
        assertEquals(30, steps(e, "^progress: train step (\\d+)/30 ").size(), e);
        assertContains(e, "progress: train step 30/30 (100%)");
        assertContains(e, "progress: eval during training batch 3/3 (100%)"); // 10 rows in batches of 4
        JsonNode a = JSON.readTree(out.resolve("training_args.json").toFile());
        assertEquals(2, a.path("logging_steps").asInt());
        assertTrue(a.path("logging_first_step").asBoolean());

        CliTestSupport ev = new CliTestSupport();
        assertEquals(0, ev.run("evaluate", "--model", out.toString(), "--data", eval.toString(), "--batch-size", "4",
                "--progress-every", "0"), ev.all());
        assertContains(ev.err.toString(), "progress: evaluate batch 1/3 (33%)");
        assertContains(ev.err.toString(), "progress: evaluate batch 3/3 (100%)");
        JSON.readTree(ev.out.toString()); // stdout stays pure JSON

        CliTestSupport pr = new CliTestSupport();
        assertEquals(0, pr.run("predict", "--model", out.toString(), "--input", eval.toString(), "--output",
                dir.resolve("p.jsonl").toString(), "--batch-size", "5", "--no-progress"), pr.all());
        assertFalse(pr.err.toString().contains("progress:"), pr.err.toString());
        CliTestSupport pr2 = new CliTestSupport();
        assertEquals(0, pr2.run("predict", "--model", out.toString(), "--input", eval.toString(), "--output",
                dir.resolve("p.jsonl").toString(), "--batch-size", "5", "--progress-every", "0"), pr2.all());
        assertContains(pr2.err.toString(), "progress: predict batch 2/2 (100%)");
    }

    @Test
    void anExplicitLoggingStepsIsKept(@TempDir Path dir) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(16, 1));
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--output-dir", dir.resolve("o").toString(), "--max-steps", "6", "--per-device-train-batch-size", "4",
                "--max-length", "16", "--save-strategy", "no", "--logging-steps", "3", "--no-progress"), cli.all());
        assertEquals(List.of(3, 6), steps(cli.out.toString(), "^step (\\d+)/6 "));
        assertContains(cli.out.toString(), "loss logged every 3 of 6 steps\n");
        assertFalse(cli.err.toString().contains("progress:"));
    }

    private static List<Integer> steps(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        List<Integer> r = new java.util.ArrayList<>();
        while (m.find()) r.add(Integer.parseInt(m.group(1)));
        return r;
    }
}
