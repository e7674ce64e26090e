package dev.jtune.cli;

import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 17 item 7: the loss line describes the labels as the data has them (not "integer labels" for strings), explain
 * names the text, pair and label columns it chose, and counts are worded in the singular when there is one.
 */
class LabelWordingTest {

    private static String explain(Path train, String... extra) {
        CliTestSupport cli = new CliTestSupport();
        List<String> a = new java.util.ArrayList<>(List.of("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString()));
        a.addAll(List.of(extra));
        assertEquals(0, cli.run(a), cli.all());
        return cli.out.toString();
    }

    @Test
    void stringLabelsAreCalledStringLabels(@TempDir Path dir) throws IOException {
        String o = explain(CliTestSupport.tsv(dir.resolve("t.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(12, 1)));
        assertContains(o, "Loss: problem_type single_label_classification inferred from num_labels=2 and string labels (neg, pos) mapped to class ids → CrossEntropyLoss");
        assertFalse(o.contains("integer labels"), o);
    }

    @Test
    void integerLabelsAreCalledIntegerLabels(@TempDir Path dir) throws IOException {
        List<String[]> rows = CliTestSupport.sentiment(12, 1).stream().map(r -> new String[] {r[1], r[2].equals("pos") ? "1" : "0"}).toList();
        String o = explain(CliTestSupport.tsv(dir.resolve("t.tsv"), "sentence\tlabel", rows));
        assertContains(o, "inferred from num_labels=2 and integer labels → CrossEntropyLoss");
    }

    @Test
    void manyStringClassesAreShortened(@TempDir Path dir) throws IOException {
        StringBuilder b = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < 12; i++) b.append("text ").append(i).append('\t').append("c").append((char) ('a' + i % 6)).append('\n');
        Files.writeString(dir.resolve("t.tsv"), b);
        assertContains(explain(dir.resolve("t.tsv")), "num_labels=6 and string labels (ca, cb, cc, ... cf) mapped to class ids");
    }

    @Test
    void labelListsAreCalledLabelLists(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.jsonl");
        Files.writeString(f, "{\"text\": \"a b\", \"labels\": [\"x\", \"y\"]}\n{\"text\": \"c d\", \"labels\": [\"y\"]}\n{\"text\": \"e f\", \"labels\": [\"z\"]}\n");
        assertContains(explain(f), "problem_type multi_label_classification inferred from num_labels=3 and lists of label names (multi-hot rows) → BCEWithLogitsLoss");
    }

    @Test
    void explainNamesThePairColumnItUses(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("p.tsv");
        Files.writeString(f, "q\tp\tscore\na b\tc d\tneg\ne f\tg h\tpos\ni j\tk l\tneg\n");
        String o = explain(f, "--text-column", "q", "--text-pair-column", "p", "--label-column", "score");
        assertContains(o, "columns:     text q, pair p, label score (of [q, p, score])");
    }

    @Test
    void oneExampleIsOneExample(@TempDir Path dir) throws IOException {
        // a class of the label map that the subsample leaves out of training, with one eval row: "1 example"
        Path train = CliTestSupport.tsv(dir.resolve("t.tsv"), "sentence\tlabel",
                List.of(new String[] {"a", "neg"}, new String[] {"b", "pos"}, new String[] {"c", "odd"}));
        Path eval = CliTestSupport.tsv(dir.resolve("e.tsv"), "sentence\tlabel", List.of(new String[] {"a", "neg"}, new String[] {"c", "odd"}));
        CliTestSupport cli = new CliTestSupport();
        assertEquals(0, cli.run("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(), "--eval",
                eval.toString(), "--output-dir", dir.resolve("o").toString(), "--max-train-samples", "2", "--max-steps", "1",
                "--save-strategy", "no", "--no-progress"), cli.all());
        assertContains(cli.err.toString(), "warning: class \"odd\" occurs in eval " + eval + " (1 example) but in none of the first 2 rows");
        assertContains(cli.out.toString(), "Training: 2 examples,");
    }
}
