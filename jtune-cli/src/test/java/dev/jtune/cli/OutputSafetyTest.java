package dev.jtune.cli;

import dev.jtune.testing.Fixtures;
import dev.jtune.trainer.OutputDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, defects 8-10 and the output folder rules: checked before the first step, one writer per folder, no
 * mixing of runs, resume only of the same run, damaged checkpoint files named with the checkpoint to use instead,
 * outputs with the user's umask.
 */
class OutputSafetyTest {
    @TempDir Path dir;

    private Path data() throws IOException {
        return CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(16, 1));
    }

    private List<String> train(Path out, String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", data().toString(),
                "--output-dir", out.toString(), "--max-steps", "2", "--max-length", "16", "--save-strategy", "no", "--no-progress"));
        a.addAll(List.of(extra));
        return a;
    }

    private String bad(List<String> args, String... fragments) {
        CliTestSupport cli = new CliTestSupport();
        assertEquals(ExitCode.INVALID_INPUT, cli.run(args), cli.all());
        String e = cli.err.toString();
        for (String f : fragments) assertContains(e, f);
        assertEquals(1, e.lines().filter(l -> l.startsWith("error: ")).count(), e);
        assertFalse(e.contains("\tat "), e);
        assertFalse(cli.out.toString().contains("Training done"), cli.all());
        return e;
    }

    private CliTestSupport ok(List<String> args) {
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run(args), cli.all());
        return cli;
    }

    // ---------------------------------------------------------------- defect 8: checked before the first step

    @Test void outputDirIsAFile() throws IOException {
        Path f = Files.writeString(dir.resolve("out"), "mine");
        bad(train(f), "output folder " + f + " is a file", "--output-dir");
        assertEquals("mine", Files.readString(f));
    }

    @Test void outputDirIsADanglingLink() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("out"), dir.resolve("gone"));
        bad(train(link), "is a link to something that does not exist");
        assertFalse(Files.exists(dir.resolve("gone")));
    }

    @Test void outputDirUnderAFile() throws IOException {
        Path f = Files.writeString(dir.resolve("afile"), "x");
        bad(train(f.resolve("out")), "cannot be created", "afile is not a folder");
    }

    @Test void outputDirNotWritable() throws IOException {
        Path ro;
        if (!"root".equals(System.getProperty("user.name"))) {
            ro = Files.createDirectories(dir.resolve("ro"));
            Files.setPosixFilePermissions(ro, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
        } else {
            // root writes into a mode-500 folder, so use a folder no user may write: a process folder of procfs
            ro = Path.of("/proc/1");
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(ro) && !Files.isWritable(ro), "/proc/1 is writable here");
        }
        bad(train(ro.resolve("out")), "is not writable");
    }

    // ---------------------------------------------------------------- no mixing of runs

    @Test void aNonEmptyFolderIsRefusedAndOverwriteClearsTheOldRun() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectories(out.resolve("checkpoint-19"));
        Files.writeString(out.resolve("checkpoint-19/trainer_state.json"), "{}");
        Files.writeString(out.resolve("eval_results.json"), "{\"eval_accuracy\": 0.99}");
        bad(train(out), "already exists and is not empty", "checkpoint-19", "--overwrite-output-dir");
        assertTrue(Files.exists(out.resolve("eval_results.json")), "nothing removed without --overwrite-output-dir");

        CliTestSupport cli = ok(train(out, "--overwrite-output-dir"));
        assertContains(cli.out.toString(), "removed 2 entries of an earlier run");
        assertFalse(Files.exists(out.resolve("checkpoint-19")));
        assertFalse(Files.exists(out.resolve("eval_results.json")));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        assertFalse(Files.exists(out.resolve(OutputDir.LOCK_FILE)), "the lock is released");
    }

    @Test void outputsGetTheUmaskNotOwnerOnly() throws IOException {
        Path out = dir.resolve("out");
        ok(train(out));
        Set<PosixFilePermission> umaskMode = Files.getPosixFilePermissions(Files.createFile(dir.resolve("probe")));
        for (String f : List.of("train_results.json", "all_results.json", "report.html", "config.json", "model.safetensors")) {
            assertEquals(umaskMode, Files.getPosixFilePermissions(out.resolve(f)), f);
        }
    }

    // ---------------------------------------------------------------- one writer per folder

    @Test void aSecondRunOnALockedFolderNamesTheFirst() throws Exception {
        Path out = dir.resolve("out");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), out.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            bad(train(out), "is in use by another jtune run", "pid " + holder.pid());
        } finally {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        // the holder died without cleaning up (as under SIGKILL): its lock went with it, and the stale file is no obstacle
        assertTrue(Files.exists(out.resolve(OutputDir.LOCK_FILE)));
        ok(train(out));
    }

    /** Holds an output folder's lock until killed. */
    public static final class LockHolder {
        public static void main(String[] a) throws InterruptedException {
            OutputDir.lock(Path.of(a[0]));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    // ---------------------------------------------------------------- resume: same run, readable files

    private Path checkpointedRun() throws IOException {
        Path out = dir.resolve("run");
        List<String> a = train(out);
        a.set(a.indexOf("--save-strategy") + 1, "steps");
        a.addAll(List.of("--save-steps", "1"));
        ok(a);
        assertTrue(Files.isDirectory(out.resolve("checkpoint-2")));
        return out;
    }

    private List<String> resume(Path out, Path checkpoint, String... extra) throws IOException {
        List<String> a = train(out, extra);
        a.addAll(List.of("--resume-from-checkpoint", checkpoint.toString()));
        a.set(a.indexOf("--max-steps") + 1, "3");
        return a;
    }

    @Test void resumeWithAnotherBatchSizeIsRefused() throws IOException {
        Path out = checkpointedRun();
        List<String> a = resume(out, out.resolve("checkpoint-2"), "--per-device-train-batch-size", "4");
        a.set(a.indexOf("--max-steps") + 1, "2");
        bad(a, "belongs to another run", "per_device_train_batch_size 8 in the checkpoint, 4 now");
    }

    @Test void resumeWithOtherDataIsRefused() throws IOException {
        Path out = checkpointedRun();
        List<String> a = resume(out, out.resolve("checkpoint-2"));
        a.set(a.indexOf("--max-steps") + 1, "2");
        Path other = CliTestSupport.tsv(dir.resolve("other.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(16, 99));
        a.set(a.indexOf("--train") + 1, other.toString());
        bad(a, "belongs to another run", "other.tsv, 16 rows) is not the data the checkpoint was trained on");
    }

    @Test void aTruncatedOptimizerNamesTheFileAndTheCheckpointToUse() throws IOException {
        Path out = checkpointedRun();
        try (RandomAccessFile f = new RandomAccessFile(out.resolve("checkpoint-2/optimizer.pt").toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        bad(resume(out, out.resolve("checkpoint-2")), "checkpoint-2: optimizer.pt cannot be read",
                "resume from " + out.resolve("checkpoint-1"));
    }

    @Test void aNegativeGlobalStepNamesTheFileAndTheCheckpointToUse() throws IOException {
        Path out = checkpointedRun();
        Path st = out.resolve("checkpoint-2/trainer_state.json");
        Files.writeString(st, Files.readString(st).replaceFirst("\"global_step\": *2", "\"global_step\": -5"));
        bad(resume(out, out.resolve("checkpoint-2")), "trainer_state.json has global_step -5", "resume from " + out.resolve("checkpoint-1"));
    }

    @Test void aTruncatedTrainerStateNamesTheFile() throws IOException {
        Path out = checkpointedRun();
        Path st = out.resolve("checkpoint-2/trainer_state.json");
        Files.writeString(st, Files.readString(st).substring(0, 40));
        bad(resume(out, out.resolve("checkpoint-2")), "trainer_state.json is not valid JSON", "resume from " + out.resolve("checkpoint-1"));
    }

    @Test void theDemoRunsTwiceInOneFolder() {
        for (int i = 0; i < 2; i++) {
            CliTestSupport cli = new CliTestSupport();
            assertEquals(0, cli.run("demo", "--model", Fixtures.model("tiny-bert").toString(), "--output-dir", dir.resolve("demo").toString(),
                    "--num-train-epochs", "1", "--no-progress"), cli.all());
        }
    }
}
