package dev.jtune.cli;

import dev.jtune.data.Dataset;
import dev.jtune.data.DatasetReader;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.data.ReadOptions;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled demo data sets: sizes, balance, no duplicates and no overlap between train and eval. */
class DemoDataTest {

    static Path demo(String name) {
        URL url = DemoDataTest.class.getResource("/dev/jtune/cli/demo/" + name);
        assertNotNull(url, name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertDistinctAndDisjoint(Dataset train, Dataset eval, Function<Example, String> key) {
        Set<String> seen = new HashSet<>();
        for (Example e : train.examples()) assertTrue(seen.add(key.apply(e)), "duplicate in train: " + key.apply(e));
        Set<String> evalSeen = new HashSet<>();
        for (Example e : eval.examples()) {
            assertTrue(evalSeen.add(key.apply(e)), "duplicate in eval: " + key.apply(e));
            assertTrue(!seen.contains(key.apply(e)), "in train and eval: " + key.apply(e));
        }
    }

    @Test
    void sentiment() {
        Dataset train = DatasetReader.read(demo("sentiment-train.tsv")).validateForTraining();
        Dataset eval = DatasetReader.read(demo("sentiment-eval.tsv"),
                ReadOptions.builder().label2id(train.labelMap().label2id()).build());
        Dataset.checkCompatible(train, eval);
        assertEquals(LabelKind.CLASS_INDEX, train.labelKind());
        assertEquals(List.of("negative", "positive"), train.labelMap().id2label());
        // 512 training sentences; 80 held-out ones written to be harder (negations, contrasts, new products)
        assertEquals(512, train.size());
        assertEquals(80, eval.size());
        assertEquals(Map.of("negative", train.size() / 2, "positive", train.size() / 2), train.labelCounts());
        assertEquals(Map.of("negative", eval.size() / 2, "positive", eval.size() / 2), eval.labelCounts());
        assertDistinctAndDisjoint(train, eval, e -> e.text().toLowerCase(Locale.ROOT));
        assertTrue(train.skipped().isEmpty() && eval.skipped().isEmpty());
    }

    @Test
    void regression() {
        Dataset train = DatasetReader.read(demo("regression-train.tsv")).validateForTraining();
        Dataset eval = DatasetReader.read(demo("regression-eval.tsv"));
        Dataset.checkCompatible(train, eval);
        assertEquals(LabelKind.REGRESSION, train.labelKind());
        assertEquals("sentence2", train.textPairColumn());
        int total = train.size() + eval.size();
        assertTrue(total >= 180 && total <= 260, "rows " + total);
        for (Dataset d : List.of(train, eval)) {
            assertTrue(d.examples().stream().allMatch(e -> e.value() >= 0 && e.value() <= 5));
        }
        // the scores span the scale: some near-paraphrases and some unrelated pairs
        assertTrue(train.examples().stream().anyMatch(e -> e.value() >= 4.5));
        assertTrue(train.examples().stream().anyMatch(e -> e.value() <= 0.5));
        assertDistinctAndDisjoint(train, eval, e -> e.text() + "\t" + e.textPair());
    }

    @Test
    void multiLabel() {
        Dataset train = DatasetReader.read(demo("multilabel-train.jsonl")).validateForTraining();
        Dataset eval = DatasetReader.read(demo("multilabel-eval.jsonl"),
                ReadOptions.builder().label2id(train.labelMap().label2id()).build());
        Dataset.checkCompatible(train, eval);
        assertEquals(LabelKind.MULTI_HOT, train.labelKind());
        assertEquals(6, train.numLabels());
        int total = train.size() + eval.size();
        assertTrue(total >= 220 && total <= 260, "rows " + total);
        for (Dataset d : List.of(train, eval)) {
            for (Example e : d.examples()) {
                int n = 0;
                for (float v : e.multiHot()) n += (int) v;
                assertTrue(n >= 1 && n <= 3, "line " + e.sourceLine() + " has " + n + " labels");
            }
        }
        // every topic is well represented in train
        train.labelCounts().forEach((k, v) -> assertTrue(v >= 30, k + ": " + v));
        assertDistinctAndDisjoint(train, eval, Example::text);
    }
}
