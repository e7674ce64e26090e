package dev.jtune.cli;

import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one top-level guard (issue 16, defects 1 and 3): an {@link Error} ends with one line and exit 1, no stack trace;
 * the JVM that {@code ./jtune} starts never writes {@code hs_err_pid*.log} into the working directory.
 */
class LauncherGuardTest {
    @TempDir Path dir;

    @Test
    void anOutOfMemoryErrorIsOneLineAndExit1() {
        StringWriter err = new StringWriter();
        int code = ErrorHandler.fatal(new OutOfMemoryError("Java heap space"), false, new PrintWriter(err, true));
        assertEquals(ExitCode.INTERNAL_ERROR, code);
        List<String> lines = err.toString().lines().toList();
        assertEquals(1, lines.size(), err.toString());
        assertContains(lines.get(0), "out of memory");
        assertContains(lines.get(0), "JTUNE_HEAP");
    }

    @Test
    void anErrorOnAWorkerThreadIsOneLineAndExit1() {
        StringWriter err = new StringWriter();
        RuntimeException wrapped = new RuntimeException(new java.util.concurrent.ExecutionException(new StackOverflowError()));
        int code = new ErrorHandler(new PrintWriter(err, true)).handleExecutionException(wrapped, null, null);
        assertEquals(ExitCode.INTERNAL_ERROR, code);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertContains(err.toString(), "stack overflow");
    }

    @Test
    void withStacktraceTheTraceIsPrinted() {
        StringWriter err = new StringWriter();
        ErrorHandler.fatal(new OutOfMemoryError("Java heap space"), true, new PrintWriter(err, true));
        assertContains(err.toString(), "\tat ");
    }

    /** The launcher, copied with a stand-in java that runs the test classpath instead of the (unbuilt) jar. */
    private Path launcher() throws IOException {
        Path root = dir.resolve("jtune-home");
        Path repo = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (!Files.isRegularFile(repo.resolve("launcher-env.sh"))) repo = repo.getParent();
        Files.createDirectories(root.resolve("jtune-cli/target"));
        Files.copy(repo.resolve("jtune"), root.resolve("jtune"));
        Files.copy(repo.resolve("launcher-env.sh"), root.resolve("launcher-env.sh"));
        Files.writeString(root.resolve("jtune-cli/target/jtune.jar"), "stand-in");
        Path java = Files.createDirectories(dir.resolve("jdk/bin")).resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nargs=()\nfor a in \"$@\"; do [[ \"$a\" == */jtune.jar ]] && a=\"$TEST_CP\"; args+=(\"$a\"); done\n"
                + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"${args[@]}\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("jtune"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return root.resolve("jtune");
    }

    /** A data file whose rows take far more heap than 48 MiB once read. */
    private Path bigData() throws IOException {
        Path p = dir.resolve("big.tsv");
        StringBuilder b = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < 400_000; i++) b.append("row number ").append(i).append(i % 2 == 0 ? "\tpos\n" : "\tneg\n");
        Files.writeString(p, b, StandardCharsets.UTF_8);
        return p;
    }

    private Process start(Path jtune, Path cwd, String javaOpts, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(jtune.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile());
        pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        pb.environment().put("TEST_CP", System.getProperty("java.class.path"));
        pb.environment().put("JTUNE_HEAP", "48m");
        pb.environment().put("JTUNE_LOG_DIR", dir.resolve("logs").toString());
        pb.environment().put("JTUNE_MALLOC", "glibc");
        pb.environment().put("JTUNE_JAVA_OPTS", javaOpts);
        return pb.start();
    }

    @Test
    void jtuneHomeHoldsTheLaunchersFoldersAndABadInstructionSetCapIsExit2BeforeTheJvm() throws Exception {
        Path jtune = launcher(), cwd = Files.createDirectories(dir.resolve("cwd")), home = dir.resolve("home");
        ProcessBuilder pb = new ProcessBuilder(jtune.toString(), "--version").directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile());
        pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        pb.environment().put("TEST_CP", System.getProperty("java.class.path"));
        pb.environment().put("JTUNE_MALLOC", "glibc");
        pb.environment().remove("JTUNE_LOG_DIR");
        pb.environment().put("JTUNE_HOME", home.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("child.log")));
        assertTrue(Files.isDirectory(home.resolve("logs")), "crash reports go to $JTUNE_HOME/logs");

        pb.environment().put("JTUNE_CPU_ISA", "avx512");
        pb.environment().put("JAVA_HOME", dir.resolve("no-jdk").toString()); // the check runs before any JVM starts
        Process bad = pb.start();
        assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("child.log"));
        assertEquals(ExitCode.INVALID_INPUT, bad.exitValue(), log);
        assertContains(log, "JTUNE_CPU_ISA is 'avx512'");
        assertContains(log, "fix: set JTUNE_CPU_ISA=avx2");
    }

    @Tag("slow")
    @Test
    void outOfHeapInTheRealLauncherIsOneLineAndExit1() throws Exception {
        Path jtune = launcher(), cwd = Files.createDirectories(dir.resolve("cwd"));
        Process p = start(jtune, cwd, "", "explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", bigData().toString());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("child.log"));
        assertEquals(ExitCode.INTERNAL_ERROR, p.exitValue(), log);
        assertContains(log, "internal error: out of memory");
        assertFalse(log.contains("\tat "), log);
        assertFalse(log.contains("Exception in thread"), log);
    }

    @Tag("slow")
    @Test
    void aJvmThatDiesWritesItsReportIntoTheLogFolderNotTheWorkingDirectory() throws Exception {
        Path jtune = launcher(), cwd = Files.createDirectories(dir.resolve("cwd"));
        // -XX:+CrashOnOutOfMemoryError makes the JVM die as on a native crash, writing an hs_err report
        Process p = start(jtune, cwd, "-XX:+CrashOnOutOfMemoryError", "explain", "--model",
                Fixtures.model("tiny-bert").toString(), "--train", bigData().toString());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("child.log"));
        assertTrue(p.exitValue() != 0, log);
        try (Stream<Path> s = Files.list(cwd)) {
            assertEquals(List.of(), s.toList(), "files left in the working directory");
        }
        try (Stream<Path> s = Files.list(dir.resolve("logs"))) {
            assertTrue(s.anyMatch(f -> f.getFileName().toString().startsWith("hs_err_pid")), log);
        }
    }
}
