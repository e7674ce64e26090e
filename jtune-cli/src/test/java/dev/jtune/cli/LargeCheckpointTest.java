package dev.jtune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, defect 2: a safetensors checkpoint far larger than the Java heap loads (tensors are memory-mapped and
 * only the used ones are read). The file is sparse: 3.2 GB long, a few MB on disk; the child JVM has a 256 MiB heap.
 */
@Tag("slow") // a child JVM
class LargeCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long UNUSED_FLOATS = 400_000_000L; // 1.6 GB per unused tensor, two of them

    /** The stated bound: the JVM, libtorch and the tokenizer, never the file's size (3,200 MB). */
    private static final long PEAK_RSS_MB = 1024;

    @TempDir Path dir;

    /** tiny-bert's weights plus two 1.6 GB tensors the model does not use, the file's tail left as a hole. */
    private Path bigModel() throws IOException {
        Path src = Fixtures.model("tiny-bert"), m = Files.createDirectories(dir.resolve("big-model"));
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) if (!p.getFileName().toString().equals("model.safetensors")) Files.copy(p, m.resolve(p.getFileName()));
        }
        byte[] orig = Files.readAllBytes(src.resolve("model.safetensors"));
        long n = ByteBuffer.wrap(orig, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) JSON.readTree(new String(orig, 8, (int) n, StandardCharsets.UTF_8));
        long end = 0;
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = header.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().has("data_offsets")) end = Math.max(end, e.getValue().get("data_offsets").get(1).asLong());
        }
        long dataLen = orig.length - 8 - n;
        assertEquals(dataLen, end);
        for (String name : List.of("unused.pretraining_head_a.weight", "unused.pretraining_head_b.weight")) {
            ObjectNode t = header.putObject(name);
            t.put("dtype", "F32");
            t.putArray("shape").add(UNUSED_FLOATS);
            t.putArray("data_offsets").add(end).add(end + 4 * UNUSED_FLOATS);
            end += 4 * UNUSED_FLOATS;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        Path out = m.resolve("model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            f.write(len.array());
            f.write(json);
            for (int i = json.length; i < padded; i++) f.write(' ');
            f.write(orig, (int) (8 + n), (int) dataLen);
            f.setLength(8 + padded + end); // the unused tensors: a hole, no disk blocks
        }
        assertTrue(Files.size(out) > 3_200_000_000L);
        return m;
    }

    @Test
    void aCheckpointOf3GbLoadsWithA256MibHeap() throws Exception {
        Path m = bigModel();
        Path input = CliTestSupport.tsv(dir.resolve("in.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(8, 3));
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) cmd.addAll(List.of("/usr/bin/time", "-f", "maxrss_kb=%M")); // GNU time: the child's peak RSS
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dorg.bytedeco.javacpp.maxbytes=0", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0"));
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        cmd.addAll(List.of(JTune.class.getName(), "explain", "--model", m.toString(), "--train", input.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the child did not finish");
        String log = Files.readString(dir.resolve("child.log"));
        assertEquals(0, p.exitValue(), log);
        assertContains(log, "newly initialised");
        assertContains(log, "unused.pretraining_head_a.weight");
        if (timed) {
            java.util.regex.Matcher rss = java.util.regex.Pattern.compile("maxrss_kb=(\\d+)").matcher(log);
            assertTrue(rss.find(), log);
            long mb = Long.parseLong(rss.group(1)) / 1024;
            System.out.println("LargeCheckpointTest: peak RSS " + mb + " MB for a " + (Files.size(m.resolve("model.safetensors")) >> 20) + " MiB checkpoint");
            assertTrue(mb < PEAK_RSS_MB, "peak RSS " + mb + " MB");
        }
    }
}
