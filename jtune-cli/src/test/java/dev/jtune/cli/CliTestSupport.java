package dev.jtune.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the real command line in-process and captures its output; writes small data files. */
final class CliTestSupport {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        return JTune.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    int run(List<String> args) { return run(args.toArray(String[]::new)); }

    String all() { return out + "\n" + err; }

    static void assertContains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), () -> "expected \"" + needle + "\" in:\n" + haystack);
    }

    /**
     * Runs the CLI and expects bad input: exit 2, every fragment in stderr, no stack trace, and {@code outputDir} not
     * created. Returns stderr. (Picocli's own usage errors have no rule/fix lines: see {@link #assertBadInput}.)
     */
    static String assertExit2(List<String> args, Path outputDir, String... fragments) {
        CliTestSupport cli = new CliTestSupport();
        int code = cli.run(args);
        String e = cli.err.toString();
        assertEquals(ExitCode.INVALID_INPUT, code, cli.all());
        for (String f : fragments) assertContains(e, f);
        assertFalse(e.contains("\tat "), e);
        assertFalse(Files.exists(outputDir), "the output folder was created: " + cli.all());
        return e;
    }

    /** As {@link #assertExit2}, in jtune's three-part form: exactly one "error:" line, then its rule and fix lines. */
    static String assertBadInput(List<String> args, Path outputDir, String... fragments) {
        String e = assertExit2(args, outputDir, fragments);
        assertEquals(1, e.lines().filter(l -> l.startsWith("error: ")).count(), e);
        assertContains(e, "\n  rule: ");
        assertContains(e, "\n  fix:  ");
        return e;
    }

    static final String[] POS = {"great", "wonderful", "excellent", "lovely", "superb", "fantastic"};
    static final String[] NEG = {"awful", "terrible", "boring", "horrible", "dreadful", "poor"};
    static final String[] NOUN = {"film", "phone", "meal", "book", "service", "hotel"};

    /** A separable sentiment set: "the film was great" (pos) / "the meal was awful" (neg). */
    static List<String[]> sentiment(int n, long seed) {
        Random r = new Random(seed);
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean pos = i % 2 == 0;
            String adj = (pos ? POS : NEG)[r.nextInt(6)];
            rows.add(new String[] {"r" + i, "the " + NOUN[r.nextInt(6)] + " was " + adj, pos ? "pos" : "neg"});
        }
        return rows;
    }

    static Path tsv(Path file, String header, List<String[]> rows) throws IOException {
        StringBuilder b = new StringBuilder(header).append('\n');
        for (String[] r : rows) b.append(String.join("\t", r)).append('\n');
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
        return file;
    }

    static Path csv(Path file, String header, List<String[]> rows) throws IOException {
        StringBuilder b = new StringBuilder(header).append('\n');
        for (String[] r : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : r) cells.add(c.contains(",") || c.contains("\"") ? '"' + c.replace("\"", "\"\"") + '"' : c);
            b.append(String.join(",", cells)).append('\n');
        }
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
        return file;
    }
}
