package dev.jtune.data;

import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the shared GLUE/GoEmotions samples and checks them against the counts their README states. */
class SampleDataTest {

    @Test
    void sst2() {
        Dataset d = DatasetReader.read(Fixtures.data("sst2-train-4k.tsv")).validateForTraining();
        assertEquals(4000, d.size());
        assertEquals(LabelKind.CLASS_INDEX, d.labelKind());
        assertEquals(Map.of("0", 1805, "1", 2195), d.labelCounts());
        assertEquals("sentence", d.textColumn());
        assertTrue(d.skipped().isEmpty());
        // TSV has no quoting: a sentence with a literal quote survives as written
        assertTrue(d.examples().stream().anyMatch(e -> e.text().contains("\"") || e.text().contains("`")));
        assertEquals("sharply", d.examples().get(1).text());
    }

    @Test
    void stsb() {
        Dataset d = DatasetReader.read(Fixtures.data("stsb-train.tsv")).validateForTraining();
        assertEquals(5749, d.size());
        assertEquals(LabelKind.REGRESSION, d.labelKind());
        assertEquals("sentence2", d.textPairColumn());
        Example first = d.examples().get(0);
        assertEquals("A plane is taking off.", first.text());
        assertEquals("An air plane is taking off.", first.textPair());
        assertEquals(5.0f, first.value());
        assertEquals(3.8f, d.examples().get(1).value());
        assertTrue(d.examples().stream().allMatch(e -> e.value() >= 0 && e.value() <= 5));
    }

    @Test
    void goemotions() throws IOException {
        Dataset d = DatasetReader.read(Fixtures.data("goemotions-train-5k.jsonl")).validateForTraining();
        assertEquals(5000, d.size());
        assertEquals(LabelKind.MULTI_HOT, d.labelKind());
        assertEquals("labels", d.labelColumn());
        List<String> names = Files.readAllLines(Fixtures.data("goemotions-labels.txt"));
        assertEquals(names.stream().sorted().toList(), d.labelMap().id2label());
        for (Example e : d.examples()) {
            float n = 0;
            for (float v : e.multiHot()) n += v;
            assertTrue(n >= 1 && n <= 5, "line " + e.sourceLine());
        }
        // with the data set's own id order as label2id, ids follow goemotions-labels.txt
        Map<String, Integer> l2i = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) l2i.put(names.get(i), i);
        Dataset byFile = DatasetReader.read(Fixtures.data("goemotions-train-5k.jsonl"), ReadOptions.builder().label2id(l2i).build());
        assertEquals(names, byFile.labelMap().id2label());
        assertEquals(d.labelCounts().get("neutral"), byFile.labelCounts().get("neutral"));
    }
}
