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

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 17 item 6: run_glue.py flags, the binary f1 metric, metric_for_best_model checked first, the best model named. */
class RunGlueHabitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void runGlueFlagsWorkAndTheBestModelIsNamed(@TempDir Path dir) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(32, 1));
        Path eval = CliTestSupport.tsv(dir.resolve("dev.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(12, 2));
        Path out = dir.resolve("out");
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run("train", "--model_name_or_path", Fixtures.model("tiny-bert").toString(),
                "--train_file", train.toString(), "--validation_file", eval.toString(), "--output_dir", out.toString(),
                "--do_train", "--do_eval", "--max_seq_length", "16", "--evaluation_strategy", "steps", "--eval_steps", "2",
                "--save_strategy", "steps", "--save_steps", "2", "--load_best_model_at_end", "--metric_for_best_model", "f1",
                "--max_steps", "6", "--per_device_train_batch_size", "8", "--learning_rate", "1e-3", "--overwrite_output_dir",
                "--auto_find_batch_size", "--no-progress"), cli.all());
        String o = cli.out.toString();
        assertContains(o, "note: --do_train/--do_eval are accepted");
        assertContains(o, "note: --auto_find_batch_size is ignored");
        JsonNode args = JSON.readTree(out.resolve("training_args.json").toFile());
        assertEquals("steps", args.path("eval_strategy").asText());
        assertEquals(16, args.path("max_length").asInt());
        JsonNode st = JSON.readTree(out.resolve("trainer_state.json").toFile());
        int best = st.path("best_global_step").asInt();
        assertContains(o, "Best model: checkpoint-" + best + " (step " + best + ", eval_f1 " + ConsoleCallback.num(st.path("best_metric").asDouble()) + ") loaded");
        assertContains(o, "Eval (weights of step " + best);
        // every evaluation printed once: the three during training, and the final line
        List<String> evalLines = o.lines().filter(l -> l.startsWith("eval at step") || l.startsWith("Eval (")).toList();
        assertEquals(List.of("eval at step 2", "eval at step 4", "eval at step 6", "Eval (weights"),
                evalLines.stream().map(l -> l.startsWith("Eval (") ? "Eval (weights" : l.substring(0, l.indexOf("  "))).toList(), o);

        // eval_f1 is the F1 of class "pos" (id 1), checked against predict's labels
        CliTestSupport ev = new CliTestSupport();
        assertEquals(0, ev.run("evaluate", "--model", out.toString(), "--data", eval.toString(), "--no-progress"), ev.all());
        double f1 = JSON.readTree(ev.out.toString()).path("eval_f1").asDouble();
        CliTestSupport pr = new CliTestSupport();
        Path preds = dir.resolve("p.jsonl");
        assertEquals(0, pr.run("predict", "--model", out.toString(), "--input", eval.toString(), "--output", preds.toString(), "--no-progress"), pr.all());
        List<String> predicted = new ArrayList<>();
        for (String l : Files.readAllLines(preds)) predicted.add(JSON.readTree(l).path("label").asText());
        List<String> truth = CliTestSupport.sentiment(12, 2).stream().map(r -> r[2]).toList();
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < truth.size(); i++) {
            boolean y = truth.get(i).equals("pos"), p = predicted.get(i).equals("pos");
            if (y && p) tp++; else if (p) fp++; else if (y) fn++;
        }
        assertEquals(tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn), f1, 1e-12);
    }

    @Test
    void anUnknownMetricForBestModelStopsBeforeTraining(@TempDir Path dir) throws IOException {
        List<String[]> rows = new ArrayList<>();
        String[] labels = {"a", "b", "c"};
        for (int i = 0; i < 30; i++) rows.add(new String[] {"text number " + i, labels[i % 3]});
        Path train = CliTestSupport.tsv(dir.resolve("t.tsv"), "sentence\tlabel", rows);
        Path out = dir.resolve("out");
        CliTestSupport cli = new CliTestSupport();
        assertEquals(ExitCode.INVALID_INPUT, cli.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--eval", train.toString(), "--output-dir", out.toString(), "--metric-for-best-model", "f1", "--load-best-model-at-end",
                "--save-strategy", "epoch", "--max-length", "16", "--no-progress"));
        String e = cli.err.toString();
        assertContains(e, "metric_for_best_model \"f1\" is not a metric a single_label_classification model with 3 labels is evaluated with");
        assertContains(e, "--metric-for-best-model f1_macro");
        assertFalse(cli.out.toString().contains("step 1/"), "stopped before training");
        assertTrue(!Files.exists(out) || Files.list(out).findAny().isEmpty(), "nothing written");
    }

    @Test
    void doEvalNeedsEvalData(@TempDir Path dir) throws IOException {
        Path train = CliTestSupport.tsv(dir.resolve("t.tsv"), "sentence\tlabel", List.of(new String[] {"a", "x"}, new String[] {"b", "y"}));
        CliTestSupport cli = new CliTestSupport();
        assertEquals(ExitCode.INVALID_INPUT, cli.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--output-dir", dir.resolve("o").toString(), "--do_eval"));
        assertContains(cli.err.toString(), "--do_eval without evaluation data");
        assertContains(cli.err.toString(), "--validation_file");
    }
}
