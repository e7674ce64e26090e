package dev.jtune.cli;

import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Clones the repository into a temp folder and runs the README's two commands there as written: the build and the
 * demo, then the test suite (with JTUNE_NESTED_CLONE_TEST=1, under which this test skips itself).
 */
@org.junit.jupiter.api.Tag("slow") // real fine-tunes / child JVMs: `mvn -B test -DexcludedGroups=slow` skips them
class ReadmeCloneTest {
    static final String FIRST = "mvn -B -q -DskipTests package && ./jtune demo";
    static final String SECOND = "mvn -B test";

    @Test
    void readmeCommandsWorkInAFreshClone(@TempDir Path tmp) throws Exception {
        assumeFalse("1".equals(System.getenv("JTUNE_NESTED_CLONE_TEST")), "nested run inside the clone test");
        Path shared = Fixtures.shared();
        Path root = Path.of(exec(Path.of(System.getProperty("user.dir")), Map.of(), 60, "git", "rev-parse", "--show-toplevel").trim());
        Path readme = root.resolve("README.md");
        if (Files.isRegularFile(readme)) {
            String text = Files.readString(readme, StandardCharsets.UTF_8);
            assertContains(text, FIRST);
            assertContains(text, SECOND);
        }
        Files.createSymbolicLink(tmp.resolve("shared"), shared); // the clone's ../shared, as beside the original
        Path clone = tmp.resolve("jtune");
        exec(tmp, Map.of(), 300, "git", "clone", "-q", root.toString(), clone.toString());

        long t0 = System.nanoTime();
        String demo = exec(clone, Map.of(), 1200, "bash", "-c", FIRST);
        System.out.printf("README first command (%s): %.0f s%n", FIRST, (System.nanoTime() - t0) / 1e9);
        assertTrue(demo.matches("(?s).*demo: eval accuracy [01]\\.\\d{3}, F1 [01]\\.\\d{3} on sentiment-eval\\.tsv .*\nverdict: the model .*"), demo);

        t0 = System.nanoTime();
        String tests = exec(clone, Map.of("JTUNE_NESTED_CLONE_TEST", "1"), 3600, "bash", "-c", SECOND);
        System.out.printf("README second command (%s): %.0f s%n", SECOND, (System.nanoTime() - t0) / 1e9);
        assertContains(tests, "BUILD SUCCESS");
    }

    /** Runs a command, returns its output; fails with the output's tail on a non-zero exit or a timeout. */
    static String exec(Path dir, Map<String, String> env, long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile("jtune-clone", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) p.destroyForcibly().waitFor();
            String out = Files.readString(log, StandardCharsets.UTF_8);
            String tail = out.length() > 8000 ? out.substring(out.length() - 8000) : out;
            assertTrue(done, String.join(" ", cmd) + " timed out after " + timeoutSeconds + " s:\n" + tail);
            assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + tail);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
