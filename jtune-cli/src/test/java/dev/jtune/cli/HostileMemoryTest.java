package dev.jtune.cli;

import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's amplifying inputs, each in a child JVM with a 128 MiB heap: every one ends with exit 2 and one message,
 * quickly, with the child's peak RSS under a stated bound (where GNU time is installed to measure it).
 */
@Tag("slow") // child JVMs
class HostileMemoryTest {
    /** The JVM and libtorch's natives; a hostile file adds nothing measurable to it. */
    private static final long PEAK_RSS_MB = 768;

    @TempDir Path dir;

    private Path data() throws IOException {
        return CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(16, 1));
    }

    private Path modelWith(String configEdit, boolean torchBin) throws IOException {
        Path src = Fixtures.model("tiny-bert"), m = Files.createDirectories(dir.resolve("m" + System.nanoTime()));
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) {
                if (torchBin && p.getFileName().toString().equals("model.safetensors")) continue;
                Files.copy(p, m.resolve(p.getFileName()));
            }
        }
        if (configEdit != null) {
            String cfg = Files.readString(m.resolve("config.json")).strip();
            Files.writeString(m.resolve("config.json"), cfg.substring(0, cfg.length() - 1) + ", " + configEdit + "}");
        }
        return m;
    }

    /** A deflated pytorch_model.bin of a few KB whose pickle memoizes 1.1 million dicts. */
    private static void memoBomb(Path file) throws IOException {
        ByteArrayOutputStream pkl = new ByteArrayOutputStream();
        pkl.write(0x80);
        pkl.write(2);
        for (int i = 0; i < 1_100_000; i++) { pkl.write('}'); pkl.write(0x94); pkl.write('0'); }
        pkl.write('}');
        pkl.write('.');
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(pkl.toByteArray());
            z.closeEntry();
            z.putNextEntry(new ZipEntry("archive/version"));
            z.write("3\n".getBytes());
            z.closeEntry();
        }
        assertTrue(Files.size(file) < 100_000, "a small file: " + Files.size(file));
    }

    private String child(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) cmd.addAll(List.of("/usr/bin/time", "-f", "maxrss_kb=%M"));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dorg.bytedeco.javacpp.maxbytes=0", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0"));
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        cmd.add(JTune.class.getName());
        cmd.addAll(List.of(args));
        Path log = dir.resolve("child-" + System.nanoTime() + ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child did not finish");
        String out = Files.readString(log);
        assertEquals(ExitCode.INVALID_INPUT, p.exitValue(), out);
        assertEquals(1, out.lines().filter(l -> l.startsWith("error: ")).count(), out);
        assertFalse(out.contains("\tat "), out);
        assertTrue(System.nanoTime() - t0 < 60e9, "took " + (System.nanoTime() - t0) / 1e9 + " s");
        if (timed) {
            Matcher m = Pattern.compile("maxrss_kb=(\\d+)").matcher(out);
            assertTrue(m.find(), out);
            long mb = Long.parseLong(m.group(1)) / 1024;
            System.out.println("HostileMemoryTest " + String.join(" ", args).replaceAll("/tmp/junit-\\d+/", "") + ": peak RSS " + mb + " MB");
            assertTrue(mb < PEAK_RSS_MB, "peak RSS " + mb + " MB: " + out);
        }
        return out;
    }

    private List<String> train(Path model, Path data, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--train", data.toString(),
                "--output-dir", dir.resolve("out").toString(), "--max-steps", "1", "--save-strategy", "no"));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void everyAmplifyingInputEndsWithExit2InBoundedMemory() throws Exception {
        // data that never ends, and a file far larger than the heap (sparse)
        assertContains(child(train(Fixtures.model("tiny-bert"), Path.of("/dev/zero"), "--format", "tsv").toArray(String[]::new)),
                "--max-row-bytes");
        Path huge = dir.resolve("huge.tsv");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) { f.setLength(3L << 30); }
        assertContains(child(train(Fixtures.model("tiny-bert"), huge).toArray(String[]::new)), "--max-file-bytes");
        // a 50 MB row
        Path row = dir.resolve("row.tsv");
        try (var w = Files.newBufferedWriter(row)) {
            w.write("sentence\tlabel\n");
            for (int i = 0; i < 10_000_000; i++) w.write("word ");
            w.write("\tpos\n");
        }
        assertContains(child(train(Fixtures.model("tiny-bert"), row, "--max-file-bytes", "100000000").toArray(String[]::new)),
                "row.tsv line 2 is longer than");
        // config sizes and nesting
        assertContains(child(train(modelWith("\"num_labels\": 2000000000", false), data()).toArray(String[]::new)), "num_labels");
        assertContains(child(train(modelWith("\"num_hidden_layers\": 1000000000", false), data()).toArray(String[]::new)), "num_hidden_layers");
        assertContains(child(train(modelWith("\"deep\": " + "[".repeat(100_000) + "]".repeat(100_000), false), data()).toArray(String[]::new)),
                "nested more than 64");
        // a pickle that memoizes a million dicts
        Path bomb = modelWith(null, true);
        memoBomb(bomb.resolve("pytorch_model.bin"));
        assertContains(child(train(bomb, data()).toArray(String[]::new)), "memo entries");
        assertFalse(Files.exists(dir.resolve("out")), "no output folder");
    }
}
