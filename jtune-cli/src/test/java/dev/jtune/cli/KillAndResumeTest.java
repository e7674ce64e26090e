package dev.jtune.cli;

import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jtune train} SIGKILLed in a child JVM after its first checkpoint, then resumed with
 * {@code --resume-from-checkpoint}, ends with the same model.safetensors bytes as an uninterrupted run; and every
 * {@code checkpoint-N} folder ever seen is complete.
 */
@org.junit.jupiter.api.Tag("slow") // real fine-tunes / child JVMs: `mvn -B test -DexcludedGroups=slow` skips them
class KillAndResumeTest {
    private static final int MAX_STEPS = 60;

    private static List<String> args(Path train, Path out) {
        return new ArrayList<>(List.of("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--output-dir", out.toString(), "--max-steps", String.valueOf(MAX_STEPS), "--per-device-train-batch-size", "4",
                "--max-length", "16", "--save-strategy", "steps", "--save-steps", "10", "--logging-steps", "20",
                "--config-override", "hidden_dropout_prob=0.2,attention_probs_dropout_prob=0.2", "--learning-rate", "1e-3",
                "--no-progress"));
    }

    @Test
    void killedRunResumesBitForBit(@TempDir Path dir) throws Exception {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(40, 7));
        Path killed = dir.resolve("killed");

        // 1. A child JVM, killed (SIGKILL) once a checkpoint exists; every checkpoint-N seen meanwhile is complete.
        List<String> cmd = childJvm();
        cmd.addAll(args(train, killed));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        Map<String, Set<String>> seen = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try {
            while (System.nanoTime() < deadline && p.isAlive()) {
                snapshot(killed, seen);
                if (!seen.isEmpty()) break;
                Thread.sleep(5);
            }
            assertFalse(seen.isEmpty(), "no checkpoint appeared; child log:\n" + Files.readString(dir.resolve("child.log")));
            assertTrue(p.isAlive(), "the child finished before it could be killed; raise MAX_STEPS");
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        snapshot(killed, seen);
        assertFalse(Files.exists(killed.resolve("model.safetensors")), "the killed run must not have finished");

        // 2. Resume (no value: the latest checkpoint in --output-dir) to the end.
        CliTestSupport resume = new CliTestSupport();
        List<String> ra = args(train, killed);
        ra.add("--resume-from-checkpoint");
        assertEquals(0, resume.run(ra), resume.all());
        CliTestSupport.assertContains(resume.out.toString(), "resuming from");

        // 3. The same run, uninterrupted.
        Path full = dir.resolve("full");
        CliTestSupport whole = new CliTestSupport();
        assertEquals(0, whole.run(args(train, full)), whole.all());

        assertArrayEquals(Files.readAllBytes(full.resolve("model.safetensors")), Files.readAllBytes(killed.resolve("model.safetensors")),
                "resumed and uninterrupted runs differ");
        // every checkpoint folder seen at any time had the complete file set of a finished checkpoint
        Set<String> complete = files(full.resolve("checkpoint-10"));
        assertTrue(complete.contains("trainer_state.json") && complete.contains("model.safetensors"), complete.toString());
        seen.forEach((name, files) -> assertEquals(complete, files, name + " was seen incomplete"));
        try (Stream<Path> s = Files.list(killed)) {
            for (Path c : s.filter(Files::isDirectory).toList()) {
                assertTrue(c.getFileName().toString().matches("checkpoint-\\d+"), "stray folder " + c);
                assertEquals(complete, files(c), c + " incomplete");
            }
        }
    }

    /** Ctrl-C (SIGINT) in the middle of training: a checkpoint of the step reached is saved before the JVM exits. */
    @Test
    void ctrlCSavesACheckpointBeforeExiting(@TempDir Path dir) throws Exception {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(40, 7));
        Path out = dir.resolve("interrupted");
        List<String> cmd = childJvm();
        List<String> a = args(train, out);
        a.set(a.indexOf(String.valueOf(MAX_STEPS)), "100000"); // far more steps than it will run
        a.set(a.indexOf("--save-strategy") + 1, "no");          // no scheduled checkpoints: only Ctrl-C saves one
        cmd.addAll(a);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && p.isAlive() && !Files.readString(dir.resolve("child.log")).contains("Training:")) Thread.sleep(20);
            Thread.sleep(1500); // a few steps in
            assertTrue(p.isAlive(), Files.readString(dir.resolve("child.log")));
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child did not exit after SIGINT");
        } finally {
            p.destroyForcibly();
        }
        List<Path> ckpts;
        try (Stream<Path> s = Files.list(out)) {
            ckpts = s.filter(d -> d.getFileName().toString().matches("checkpoint-\\d+")).toList();
        }
        assertEquals(1, ckpts.size(), "one checkpoint saved on Ctrl-C; child log:\n" + Files.readString(dir.resolve("child.log")));
        assertTrue(Files.isRegularFile(ckpts.get(0).resolve("optimizer.pt")), "a resumable checkpoint");
        CliTestSupport.assertContains(Files.readString(dir.resolve("child.log")), "continue with --resume-from-checkpoint");
    }

    /** A child JVM running the jtune main class with the test's classpath and JVM settings. */
    private static List<String> childJvm() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dorg.bytedeco.javacpp.maxbytes=0", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0"));
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        cmd.add(JTune.class.getName());
        return cmd;
    }

    private static void snapshot(Path outDir, Map<String, Set<String>> seen) throws IOException {
        if (!Files.isDirectory(outDir)) return;
        List<Path> dirs;
        try (Stream<Path> s = Files.list(outDir)) {
            dirs = s.filter(d -> d.getFileName().toString().matches("checkpoint-\\d+")).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        for (Path d : dirs) {
            if (seen.containsKey(d.getFileName().toString())) continue;
            try {
                seen.put(d.getFileName().toString(), files(d));
            } catch (java.nio.file.NoSuchFileException e) {
                // rotated away between the listing and the read: nothing was seen
            }
        }
    }

    private static Set<String> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
