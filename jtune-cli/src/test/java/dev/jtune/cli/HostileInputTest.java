package dev.jtune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's hostile inputs through the real command line: each exits 2 with one three-part message naming the
 * field, file or flag and the limit, prints no stack trace, and leaves no output folder.
 */
class HostileInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private Path out() { return dir.resolve("out"); }

    private Path goodTrain() throws IOException {
        return CliTestSupport.tsv(dir.resolve("good.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(16, 1));
    }

    private List<String> train(Path model, Path data, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--train", data.toString(),
                "--output-dir", out().toString(), "--max-steps", "1", "--max-length", "16", "--save-strategy", "no"));
        a.addAll(List.of(extra));
        return a;
    }

    /** Exit 2; the fragments; one "error:" line plus its rule and fix lines; no trace; no output folder. */
    private String assertBad(List<String> args, String... fragments) { return CliTestSupport.assertBadInput(args, out(), fragments); }

    private Path copyModel(String name) throws IOException {
        Path src = Fixtures.model(name), dst = dir.resolve("model-" + name + "-" + System.nanoTime());
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) Files.copy(p, dst.resolve(p.getFileName()));
        }
        return dst;
    }

    private Path editedModel(Consumer<ObjectNode> edit) throws IOException {
        Path m = copyModel("tiny-bert");
        ObjectNode cfg = (ObjectNode) JSON.readTree(m.resolve("config.json").toFile());
        edit.accept(cfg);
        Files.writeString(m.resolve("config.json"), cfg.toString());
        return m;
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static String deep(int depth) { return "[".repeat(depth) + "]".repeat(depth); }

    // ---------------------------------------------------------------- defect 3: config sizes before allocating

    @Test void aBillionLayers() throws IOException {
        assertBad(train(editedModel(c -> c.put("num_hidden_layers", 1_000_000_000)), goodTrain()),
                "num_hidden_layers is 1000000000", "no larger than 1024", "config.json");
    }

    @Test void twoBillionLabels() throws IOException {
        assertBad(train(editedModel(c -> c.put("num_labels", 2_000_000_000)), goodTrain()), "num_labels is 2000000000", "131072");
    }

    @Test void labelsAsAWord() throws IOException {
        assertBad(train(editedModel(c -> c.put("num_labels", "three")), goodTrain()), "num_labels is \"three\"", "positive integer");
    }

    @Test void numLabelsFlagAboveTheBound() throws IOException {
        assertBad(train(Fixtures.model("tiny-bert"), goodTrain(), "--num-labels", "1000000000"), "num_labels is 1000000000", "--num-labels");
    }

    @Test void vocabAboveTheBound() throws IOException {
        assertBad(train(editedModel(c -> c.put("vocab_size", 1L << 31 - 1)), goodTrain()), "vocab_size", "16777216");
    }

    @Test void sizesEachWithinBoundsButTooBigTogether() throws IOException {
        // 1024 layers of hidden 65536: about 18 trillion parameters, refused before a layer is built
        assertBad(train(editedModel(c -> { c.put("num_hidden_layers", 1024); c.put("hidden_size", 65536); c.put("num_attention_heads", 64); }),
                goodTrain()), "billion parameters", "GiB of memory", "num_hidden_layers");
    }

    @Test void negativeTypeVocab() throws IOException {
        assertBad(train(editedModel(c -> c.put("type_vocab_size", -1)), goodTrain()), "type_vocab_size is -1");
    }

    // ---------------------------------------------------------------- defect 5: dropouts and eps

    @Test void dropoutAboveOne() throws IOException {
        assertBad(train(editedModel(c -> c.put("hidden_dropout_prob", 1.5)), goodTrain()), "hidden_dropout_prob is 1.5", "[0, 1]");
    }

    @Test void dropoutNegative() throws IOException {
        assertBad(train(editedModel(c -> c.put("attention_probs_dropout_prob", -0.5)), goodTrain()), "attention_probs_dropout_prob is -0.5");
    }

    @Test void layerNormEpsZero() throws IOException {
        assertBad(train(editedModel(c -> c.put("layer_norm_eps", 0)), goodTrain()), "layer_norm_eps is 0", "positive");
    }

    // ---------------------------------------------------------------- defect 4: nesting depth

    @Test void deepConfigJson() throws IOException {
        Path m = copyModel("tiny-bert");
        String cfg = Files.readString(m.resolve("config.json")).strip();
        Files.writeString(m.resolve("config.json"), cfg.substring(0, cfg.length() - 1) + ", \"deep\": " + deep(100_000) + "}");
        assertBad(train(m, goodTrain()), "config.json is not valid JSON", "nested more than 64 levels");
    }

    @Test void deepArgsJson() throws IOException {
        Path args = write("args.json", "{\"learning_rate\": " + deep(100_000) + "}");
        assertBad(train(Fixtures.model("tiny-bert"), goodTrain(), "--args", args.toString()), "args.json", "nested more than 64 levels");
    }

    @Test void deepJsonlRow() throws IOException {
        Path p = write("deep.jsonl", "{\"text\": \"a\", \"label\": \"pos\"}\n{\"text\": \"b\", \"label\": " + deep(100_000) + "}\n");
        assertBad(train(Fixtures.model("tiny-bert"), p), "deep.jsonl line 2", "nested more than 64 levels");
    }

    @Test void aConfigOf65Levels() throws IOException {
        // 64 levels pass, 65 do not (the limit is exact)
        Path m = copyModel("tiny-bert");
        String cfg = Files.readString(m.resolve("config.json")).strip();
        Files.writeString(m.resolve("config.json"), cfg.substring(0, cfg.length() - 1) + ", \"deep\": " + deep(63) + "}");
        CliTestSupport ok = new CliTestSupport();
        assertEquals(0, ok.run("explain", "--model", m.toString(), "--train", goodTrain().toString()), ok.all());
        Files.writeString(m.resolve("config.json"), cfg.substring(0, cfg.length() - 1) + ", \"deep\": " + deep(64) + "}");
        assertBad(train(m, goodTrain()), "nested more than 64 levels");
    }

    // ---------------------------------------------------------------- defects 1 and 7: data budgets

    @Test void devZeroEndsQuickly() throws IOException {
        long t0 = System.nanoTime();
        assertBad(train(Fixtures.model("tiny-bert"), Path.of("/dev/zero"), "--format", "tsv"),
                "/dev/zero line 1 is longer than 1048576 bytes", "--max-row-bytes");
        assertTrue(System.nanoTime() - t0 < 20e9, "took " + (System.nanoTime() - t0) / 1e9 + " s");
    }

    @Test void aRowAboveTheLimitAndTheFlagThatRaisesIt() throws IOException {
        Path p = write("long.tsv", "sentence\tlabel\n" + "word ".repeat(600) + "\tpos\nshort one\tneg\n");
        assertBad(train(Fixtures.model("tiny-bert"), p, "--max-row-bytes", "1000"), "long.tsv line 2 is longer than 1000 bytes", "--max-row-bytes");
        CliTestSupport ok = new CliTestSupport();
        assertEquals(0, ok.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", p.toString()), ok.all());
    }

    @Test void aFileAboveTheLimit() throws IOException {
        assertBad(train(Fixtures.model("tiny-bert"), goodTrain(), "--max-file-bytes", "100"), "good.tsv is larger than 100 bytes", "--max-file-bytes");
    }

    @Test void tokenDataKeepsTheBudgetsGivenOnTheCommandLine() throws IOException {
        // CoNLL is read by its own reader: the same --max-row-bytes / --max-file-bytes must reach it
        Path conll = write("ner.txt", "EU B-ORG\nrejects O\nGerman B-MISC\ncall O\n\nPeter B-PER\nBlackburn I-PER\n\n");
        assertBad(train(Fixtures.model("tiny-bert"), conll, "--task", "token-classification", "--max-file-bytes", "20"),
                "ner.txt is larger than 20 bytes", "--max-file-bytes");
        assertBad(train(Fixtures.model("tiny-bert"), conll, "--task", "token-classification", "--max-row-bytes", "8"),
                "ner.txt line 2 is longer than 8 bytes", "--max-row-bytes");
    }

    @Test void aSparseFileLargerThanTheHeapIsRefusedWithoutReadingIt() throws IOException {
        Path p = dir.resolve("huge.tsv");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(Runtime.getRuntime().maxMemory() + (1L << 30)); // sparse: no disk used
        }
        long t0 = System.nanoTime();
        assertBad(train(Fixtures.model("tiny-bert"), p), "huge.tsv is larger than", "--max-file-bytes", "JTUNE_HEAP");
        assertTrue(System.nanoTime() - t0 < 10e9);
    }

    @Test void anUnclosedQuoteSaysHowManyLinesItSwallowed() throws IOException {
        StringBuilder b = new StringBuilder("sentence,label\ngood one,pos\n\"never closed,neg\n");
        for (int i = 0; i < 20; i++) b.append("row ").append(i).append(",pos\n");
        CliTestSupport cli = new CliTestSupport();
        int code = cli.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", write("q.csv", b.toString()).toString(),
                "--skip-bad-rows");
        assertContains(cli.all(), "swallowed lines 3-23, 21 lines");
        assertTrue(code == 0 || code == 2, cli.all());
    }

    // ---------------------------------------------------------------- defect 6: ids and lengths vs the embeddings

    @Test void aTokenizerLargerThanTheEmbedding() throws IOException {
        Path m = copyModel("tiny-bert");
        ObjectNode tok = (ObjectNode) JSON.readTree(m.resolve("tokenizer.json").toFile());
        ObjectNode added = ((ArrayNode) tok.get("added_tokens")).addObject();
        added.put("id", 30600).put("content", "zqzqz").put("single_word", false).put("lstrip", false).put("rstrip", false)
                .put("normalized", true).put("special", false);
        Files.writeString(m.resolve("tokenizer.json"), tok.toString());
        Path data = write("z.tsv", "sentence\tlabel\nthe film was great\tpos\nthe zqzqz was awful\tneg\n");
        assertBad(train(m, data), "token id 30522 of row 2", "vocab_size 30522", "30523 tokens", "the tokenizer saved with this model");
    }

    @Test void maxLengthAbovePositionsIsClampedWithAWarning() throws IOException {
        CliTestSupport cli = new CliTestSupport();
        List<String> a = train(Fixtures.model("tiny-bert"), goodTrain());
        a.set(a.indexOf("--max-length") + 1, "100000");
        assertEquals(0, cli.run(a), cli.all());
        assertContains(cli.err.toString(), "warning: max_length 100000 (--max-length) is above the 128 tokens this model accepts "
                + "(max_position_embeddings of config.json): using max_length 128");
        assertContains(cli.out.toString(), "max_length 128,");
        CliTestSupport ex = new CliTestSupport();
        assertEquals(0, ex.run("explain", "--model", Fixtures.model("tiny-bert").toString(), "--train", goodTrain().toString(),
                "--max-length", "4096"), ex.all());
        assertContains(ex.all(), "max_length 4096 (--max-length) is above the 128 tokens this model accepts");
        assertContains(ex.all(), "Tokens (max_length 128)");
    }

    @Test void aConfigJsonOf20MiB() throws IOException {
        Path m = copyModel("tiny-bert");
        String cfg = Files.readString(m.resolve("config.json")).strip();
        Files.writeString(m.resolve("config.json"), cfg.substring(0, cfg.length() - 1) + ", \"junk\": \"" + "x".repeat(20 << 20) + "\"}");
        assertBad(train(m, goodTrain()), "config.json has 20", "more than 16777216");
    }
}
