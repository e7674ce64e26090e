package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 17 item 7: predict from stdin / to stdout, --delimiter, file modes, label names, columns named, plurals. */
class FilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void stdinToStdoutIntegerLabelNamesAndFileModes(@TempDir Path dir) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String[] r : CliTestSupport.sentiment(24, 1)) rows.add(new String[] {r[0], r[1], r[2].equals("pos") ? "1" : "0"});
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", rows);
        Path out = dir.resolve("out");
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--output-dir", out.toString(), "--max-steps", "2", "--max-length", "16", "--save-strategy", "no", "--no-progress"), cli.all());
        assertContains(cli.out.toString(), "label map:   {0=0, 1=1}");
        assertContains(cli.out.toString(), "columns:     text sentence, no pair column, label label (of [id, sentence, label])");
        assertContains(cli.out.toString(), "Training: 24 examples,");
        // integer labels keep their names in config.json ("0", "1"), as run_glue.py sets id2label
        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("0", cfg.path("id2label").path("0").asText());
        assertEquals("1", cfg.path("id2label").path("1").asText());

        // the same rows from a file and from standard input give the same predictions
        Path fromFile = dir.resolve("file.jsonl");
        CliTestSupport pf = new CliTestSupport();
        assertEquals(0, pf.run("predict", "--model", out.toString(), "--input", train.toString(), "--output", fromFile.toString(), "--no-progress"), pf.all());
        assertContains(pf.out.toString(), "Wrote 24 predictions to " + fromFile);
        InputStream stdin = System.in;
        CliTestSupport ps = new CliTestSupport();
        try {
            System.setIn(new ByteArrayInputStream(Files.readAllBytes(train)));
            assertEquals(0, ps.run("predict", "--model", out.toString(), "--input", "-", "--output", "-", "--no-progress"), ps.all());
        } finally {
            System.setIn(stdin);
        }
        List<String> stdoutLines = ps.out.toString().lines().toList();
        assertEquals(Files.readAllLines(fromFile), stdoutLines, "stdout holds exactly the predictions");
        assertContains(ps.err.toString(), "Wrote 24 predictions to standard output");
        for (String l : stdoutLines) assertTrue(List.of("0", "1").contains(JSON.readTree(l).path("label").asText()), l);

        // one row: singular; CSV to stdout
        CliTestSupport p1 = new CliTestSupport();
        try {
            System.setIn(new ByteArrayInputStream("sentence\nthe film was great\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, p1.run("predict", "--model", out.toString(), "--input", "-", "--output", "-", "--output-format", "csv",
                    "--no-progress"), p1.all());
        } finally {
            System.setIn(stdin);
        }
        assertContains(p1.err.toString(), "Wrote 1 prediction to standard output");
        assertEquals("label,score,probabilities,logits", p1.out.toString().lines().findFirst().orElse(""));

        // files get the user's umask, like any file the user creates (not 0600)
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            Path reference = Files.createFile(dir.resolve("reference"));
            for (Path f : List.of(fromFile, out.resolve("config.json"), out.resolve("training_args.json"), out.resolve("report.html"))) {
                assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(f), f.toString());
            }
        }
    }

    @Test
    void delimiterAndAHintWhenTheFileIsNotCommaSeparated(@TempDir Path dir) throws IOException {
        StringBuilder b = new StringBuilder("sentence;label\n");
        for (String[] r : CliTestSupport.sentiment(12, 1)) b.append(r[1]).append(';').append(r[2]).append('\n');
        Path csv = Files.writeString(dir.resolve("semi.csv"), b.toString());
        CliTestSupport bad = new CliTestSupport();
        assertEquals(ExitCode.INVALID_INPUT, bad.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", csv.toString()));
        assertContains(bad.err.toString(), "semi.csv line 1 (header) is one column \"sentence;label\": the file looks separated by ';', not ','");
        assertContains(bad.err.toString(), "--delimiter ';'");
        assertFalse(bad.err.toString().contains("quote fields that contain commas"));

        CliTestSupport ok = new CliTestSupport();
        assertEquals(0, ok.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", csv.toString(), "--delimiter", ";"), ok.all());
        assertContains(ok.out.toString(), "columns:     text sentence, no pair column, label label (of [sentence, label])");
        assertContains(ok.out.toString(), "label map:   {neg=0, pos=1}");
        assertContains(ok.out.toString(), "rows:        12");

        CliTestSupport json = new CliTestSupport();
        assertEquals(0, json.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", csv.toString(), "--delimiter", ";", "--json"), json.all());
        JsonNode j = JSON.readTree(json.out.toString());
        assertEquals("sentence", j.path("data").path("text_column").asText());
        assertTrue(j.path("data").path("text_pair_column").isNull());
        assertEquals("label", j.path("data").path("label_column").asText());

        CliTestSupport bad2 = new CliTestSupport();
        assertEquals(ExitCode.INVALID_INPUT, bad2.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", csv.toString(), "--delimiter", ";;"));
        assertContains(bad2.err.toString(), "the CSV delimiter is one character");
    }
}
