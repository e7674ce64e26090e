package dev.jtune.cli;

import dev.jtune.data.Dataset;
import dev.jtune.data.DatasetReader;
import dev.jtune.data.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataReportTest {
    @TempDir Path dir;

    private Dataset read(String name, String content, ReadOptions o) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return DatasetReader.read(p, o);
    }

    private static String text(DataReport r) {
        StringWriter w = new StringWriter();
        r.print(new PrintWriter(w));
        return w.toString();
    }

    @Test
    void countsImbalanceAndFewExamplesWarning() throws IOException {
        StringBuilder sb = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < 30; i++) sb.append("good ").append(i).append("\tpos\n");
        for (int i = 0; i < 6; i++) sb.append("bad ").append(i).append("\tneg\n");
        DataReport r = DataReport.of(read("a.tsv", sb.toString(), ReadOptions.defaults()));
        assertEquals(36, r.rows());
        assertEquals(5.0, r.imbalanceRatio(), 1e-12);
        assertEquals(List.of("class \"neg\" has only 6 examples (fewer than 10): its predictions will be unreliable"), r.warnings());
        String t = text(r);
        assertTrue(t.contains("single-label classification, 2 classes"), t);
        assertTrue(t.contains("{neg=0, pos=1}"), t);
        assertTrue(t.contains("neg       6   16.7%"), t);
        assertTrue(t.contains("5.00 (largest class / smallest class)"), t);
    }

    @Test
    void singleClassAndEmptyClassAndSkippedRows() throws IOException {
        Dataset d = read("b.tsv", "sentence\tlabel\na\t1\nb\t1\nc\t1\textra\n", ReadOptions.builder().skipBadRows(true).build());
        DataReport r = DataReport.of(d);
        assertTrue(Double.isInfinite(r.imbalanceRatio()));
        assertTrue(r.warnings().get(0).startsWith("only one class [1] occurs"), r.warnings().toString());
        assertTrue(r.warnings().contains("class \"0\" has no examples"), r.warnings().toString());
        assertTrue(r.warnings().contains("1 row was skipped (first: line 4: has 3 fields but the header has 2 [sentence, label])"),
                r.warnings().toString());
        assertTrue(text(r).contains("rows:        2 (1 skipped)"));
    }

    @Test
    void regressionShowsTheRange() throws IOException {
        DataReport r = DataReport.of(read("c.tsv", "sentence\tscore\na\t0.5\nb\t4.5\nc\t1\n", ReadOptions.defaults()));
        assertNull(r.labelMap());
        assertTrue(Double.isNaN(r.imbalanceRatio()));
        assertEquals(0.5, r.valueRange()[0], 1e-6);
        assertEquals(4.5, r.valueRange()[1], 1e-6);
        assertEquals(2.0, r.valueRange()[2], 1e-6);
        assertTrue(r.warnings().isEmpty());
        assertTrue(text(r).contains("targets:     min 0.500, max 4.500, mean 2.000"), text(r));
    }

    @Test
    void demoMultiLabelHasNoWarnings() {
        DataReport r = DataReport.of(DatasetReader.read(DemoDataTest.demo("multilabel-train.jsonl")));
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        assertEquals(6, r.labelCounts().size());
        assertTrue(r.imbalanceRatio() >= 1 && r.imbalanceRatio() < 2);
    }
}
