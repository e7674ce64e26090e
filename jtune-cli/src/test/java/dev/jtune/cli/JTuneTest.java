package dev.jtune.cli;

import dev.jtune.JTuneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the real command line through {@link JTune#newCommandLine} and checks exit codes and output. */
class JTuneTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private CommandLine cl = JTune.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true));

    @Command(name = "boom", description = "test command")
    static class Boom implements Callable<Integer> {
        @Mixin StandardOptions standard;
        @CommandLine.Option(names = "--what") String what = "input";

        @Override
        public Integer call() {
            switch (what) {
                case "input": throw new JTuneException("data file x.tsv line 3: label missing", "every row has a label", "fill it in");
                case "wrapped": throw new IllegalStateException("while reading", new JTuneException("bad value", "rule", "fix"));
                case "native": throw new RuntimeException("The size of tensor a (3) must match the size of tensor b (4)\n"
                        + "Exception raised from infer_size_impl at aten/src/ATen/ExpandUtils.cpp:31\n"
                        + "frame #0: c10::Error::Error(...) + 0x96");
                default: throw new NullPointerException();
            }
        }
    }

    private int run(String... args) { return cl.execute(args); }

    private static void assertContains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), () -> "expected \"" + needle + "\" in:\n" + haystack);
    }

    @Test
    void version() {
        assertEquals(ExitCode.OK, run("--version"));
        assertTrue(out.toString().startsWith("jtune "), out.toString());
        assertContains(out.toString(), "Java " + System.getProperty("java.version"));
    }

    @Test
    void helpShowsExamplesAndSubcommands() {
        assertEquals(ExitCode.OK, run("--help"));
        String help = out.toString();
        assertContains(help, "Usage: jtune");
        assertContains(help, "Examples:");
        assertContains(help, "jtune models list");
        assertContains(help, "jtune train ");
        assertContains(help, "jtune explain ");
        assertContains(help, "models");
        assertContains(help, "--stacktrace");
        assertContains(help, "Exit codes: 0 ok, 1 internal error, 2 invalid input");
    }

    @Test
    void noCommandPrintsUsageAndFails() {
        assertEquals(ExitCode.INVALID_INPUT, run());
        assertContains(err.toString(), "Usage: jtune");
    }

    @Test
    void unknownOptionSuggestsTheClosest() {
        assertEquals(ExitCode.INVALID_INPUT, run("--verbos"));
        assertContains(err.toString(), "Unknown option: '--verbos'");
        assertContains(err.toString(), "--verbose");
        assertContains(err.toString(), "Try 'jtune --help'");
        assertFalse(err.toString().contains("\tat "), err.toString());
    }

    @Test
    void unknownSubcommandOptionSuggestsTheClosest() {
        assertEquals(ExitCode.INVALID_INPUT, run("models", "list", "--cache-di", "x"));
        assertContains(err.toString(), "--cache-dir");
        assertContains(err.toString(), "jtune models list --help");
    }

    @Test
    void abbreviatedOptionsAreNotAllowed() {
        assertEquals(ExitCode.INVALID_INPUT, run("--vers"));
        assertEquals("", out.toString());
    }

    @Test
    void inputErrorExitsTwoWithoutStackTrace() {
        cl.addSubcommand("boom", new Boom());
        assertEquals(ExitCode.INVALID_INPUT, run("boom"));
        String e = err.toString();
        assertContains(e, "error: data file x.tsv line 3: label missing");
        assertContains(e, "rule: every row has a label");
        assertContains(e, "fix:  fill it in");
        assertFalse(e.contains("\tat "), e);
    }

    @Test
    void inputErrorWithStacktraceFlag() {
        cl.addSubcommand("boom", new Boom());
        assertEquals(ExitCode.INVALID_INPUT, run("boom", "-x"));
        assertContains(err.toString(), "\tat dev.jtune.cli.JTuneTest$Boom.call");
    }

    @Test
    void stacktraceFlagOnTheRootCountsToo() {
        cl.addSubcommand("boom", new Boom());
        assertEquals(ExitCode.INVALID_INPUT, run("--stacktrace", "boom"));
        assertContains(err.toString(), "JTuneException");
        assertContains(err.toString(), "\tat ");
    }

    @Test
    void wrappedInputErrorIsStillInvalidInput() {
        cl.addSubcommand("boom", new Boom());
        assertEquals(ExitCode.INVALID_INPUT, run("boom", "--what", "wrapped"));
        assertContains(err.toString(), "error: bad value");
    }

    @Test
    void internalErrorIsOneLineAndExitOne() {
        cl.addSubcommand("boom", new Boom());
        assertEquals(ExitCode.INTERNAL_ERROR, run("boom", "--what", "native"));
        List<String> lines = err.toString().lines().toList();
        assertEquals(List.of("internal error: RuntimeException: The size of tensor a (3) must match the size of tensor b (4)",
                "rerun with --stacktrace (-x) for details"), lines);
    }

    @Test
    void internalErrorWithoutMessage() {
        cl.addSubcommand("boom", new Boom());
        assertEquals(ExitCode.INTERNAL_ERROR, run("boom", "--what", "npe"));
        assertContains(err.toString(), "internal error: NullPointerException");
    }

    @Test
    void modelsListShowsBuiltInAndHubCache(@TempDir Path hub) throws IOException {
        Files.createDirectories(hub.resolve("models--google--bert_uncased_L-2_H-128_A-2/snapshots"));
        Files.createDirectories(hub.resolve("models--bert-base-uncased"));
        Files.createDirectories(hub.resolve("datasets--glue"));
        Files.writeString(hub.resolve("version.txt"), "1");
        assertEquals(ExitCode.OK, run("models", "list", "--cache-dir", hub.toString()));
        String o = out.toString();
        assertContains(o, "minilm");
        assertContains(o, "sentence-transformers/all-MiniLM-L6-v2");
        assertFalse(o.contains("missing from the classpath"), o);
        assertContains(o, "Hugging Face cache (" + hub + "):");
        int a = o.indexOf("  bert-base-uncased"), b = o.indexOf("  google/bert_uncased_L-2_H-128_A-2");
        assertTrue(a > 0 && b > a, o);
        assertFalse(o.contains("glue"), o);
    }

    @Test
    void modelsListWithoutCache(@TempDir Path dir) {
        assertEquals(ExitCode.OK, run("models", "list", "--cache-dir", dir.resolve("absent").toString()));
        assertContains(out.toString(), "(none: the folder does not exist)");
    }

    @Test
    void hubCacheLocationFollowsHuggingFaceHub() {
        assertEquals(Path.of("/c/hub2"), ModelsListCommand.defaultHubCache(Map.of("HF_HUB_CACHE", "/c/hub2", "HF_HOME", "/h")));
        assertEquals(Path.of("/h", "hub"), ModelsListCommand.defaultHubCache(Map.of("HF_HOME", "/h")));
        assertEquals(Path.of("/x", "huggingface", "hub"), ModelsListCommand.defaultHubCache(Map.of("XDG_CACHE_HOME", "/x")));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"), ModelsListCommand.defaultHubCache(Map.of()));
    }
}
