package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17 item 8: each demo, run as a user runs it (the built-in MiniLM, the shipped data), ends with a verdict that
 * is true: the figures it states are those of eval_results.json, on a held-out set, and they clear the bar the verdict
 * claims (measured: sentiment accuracy 0.850 / F1 0.842 on 80 hard sentences, multi-label micro F1 0.951 on 48 texts
 * of unseen sentences, regression Pearson 0.816 on 40 pairs).
 */
@org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable(named = "JTUNE_NESTED_CLONE_TEST", matches = "1",
        disabledReason = "already run by the outer suite")
@org.junit.jupiter.api.Tag("slow") // real fine-tunes: `mvn -B test -DexcludedGroups=slow` skips them
class DemoVerdictTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"sentiment", "multi-label", "regression"})
    void theDemoEndsWithATrueVerdict(String task, @TempDir Path dir) throws IOException {
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run("demo", "--task", task, "--output-dir", dir.toString(), "--no-progress"), cli.all());
        String o = cli.out.toString();
        JsonNode r = JSON.readTree(dir.resolve("model/eval_results.json").toFile());
        String verdict = o.lines().filter(l -> l.startsWith("verdict: ")).findFirst().orElseThrow(() -> new AssertionError(o));
        System.out.println("RESULT demo " + task + ": " + o.lines().filter(l -> l.startsWith("demo: eval")).findFirst().orElse("") + " | " + verdict);
        switch (task) {
            case "sentiment" -> {
                double acc = r.path("eval_accuracy").asDouble(), f1 = r.path("eval_f1").asDouble();
                assertContains(o, String.format(Locale.ROOT, "demo: eval accuracy %.3f, F1 %.3f on sentiment-eval.tsv", acc, f1));
                assertTrue(acc >= 0.75 && acc < 1.0, "held-out accuracy " + acc + ": hard enough to miss some, learned enough to pass");
                assertEquals(String.format(Locale.ROOT, "accuracy %.2f and F1 %.2f on the 80 held-out", acc, f1), find(verdict, "accuracy [^ ]+ and F1 [^ ]+ on the 80 held-out"));
                assertTrue(verdict.startsWith("verdict: the model learned sentiment beyond the phrasings it trained on"), verdict);
                assertContains(verdict, "always answering one class would score 0.50"); // 40 negative, 40 positive
            }
            case "multi-label" -> {
                double f1 = r.path("eval_f1_micro").asDouble(), subset = r.path("eval_subset_accuracy").asDouble();
                assertContains(o, String.format(Locale.ROOT, "demo: eval micro F1 %.3f, exact-set accuracy %.3f on multilabel-eval.jsonl", f1, subset));
                assertTrue(f1 >= 0.85, "held-out micro F1 " + f1);
                assertTrue(verdict.startsWith(String.format(Locale.ROOT, "verdict: the model learned the topics: micro F1 %.2f on the 48 held-out texts", f1)), verdict);
                // 48 texts x 6 labels, 94 topic labels in the file: answering every topic scores 2*94 / (94 + 288) = 0.492
                assertContains(verdict, "would score F1 0.49");
            }
            default -> {
                double pearson = r.path("eval_pearson").asDouble();
                assertTrue(pearson >= 0.7, "held-out Pearson " + pearson);
                assertTrue(verdict.startsWith(String.format(Locale.ROOT, "verdict: the model learned sentence similarity: Pearson %.2f", pearson)), verdict);
            }
        }
    }

    private static String find(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        assertTrue(m.find(), s);
        return m.group();
    }
}
