package dev.jtune.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.cli.JTune;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A local[2] session, the CLI run in-process, and small data files cut from the shared samples. */
final class SparkTestSupport {
    private SparkTestSupport() {}

    static SparkSession localSpark() {
        return SparkSession.builder().master("local[2]").appName("jtune-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /** Runs {@code jtune ARGS} in-process; fails with its output unless it exits 0. */
    static String jtune(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = JTune.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        assertEquals(0, code, () -> "jtune " + String.join(" ", args) + "\n" + out + "\n" + err);
        return out.toString();
    }

    /** The lines [from, to) of a data file (after its header line for TSV), header first. */
    static List<String> lines(Path file, boolean header, int from, int to) throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        int off = header ? 1 : 0;
        if (header) out.add(all.get(0));
        out.addAll(all.subList(off + from, off + to));
        return out;
    }

    static Path write(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    /** The rows of a JSONL file written by {@code jtune predict}. */
    static List<JsonNode> jsonl(Path file) throws IOException {
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!l.isBlank()) rows.add(m.readTree(l));
        return rows;
    }
}
