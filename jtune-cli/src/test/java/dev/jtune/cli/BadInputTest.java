package dev.jtune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.jtune.cli.CliTestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Each bad input exits 2 with a message naming the file/field/value, the rule and the fix, and writes nothing. */
class BadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private Path out() { return dir.resolve("out"); }

    private Path goodTrain() throws IOException {
        return CliTestSupport.tsv(dir.resolve("good.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(16, 1));
    }

    private static Path tinyBert() { return Fixtures.model("tiny-bert"); }

    private List<String> train(Path model, Path data, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", model.toString(), "--train", data.toString(),
                "--output-dir", out().toString(), "--max-steps", "1", "--max-length", "16", "--save-strategy", "no"));
        a.addAll(List.of(extra));
        return a;
    }

    private String assertBad(List<String> args, String... fragments) { return CliTestSupport.assertExit2(args, out(), fragments); }

    private String assertBadInput(List<String> args, String... fragments) { return CliTestSupport.assertBadInput(args, out(), fragments); }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private Path brokenModel(java.util.function.Consumer<ObjectNode> edit) throws IOException {
        Path m = copyModel("tiny-bert");
        ObjectNode cfg = (ObjectNode) JSON.readTree(m.resolve("config.json").toFile());
        edit.accept(cfg);
        Files.writeString(m.resolve("config.json"), cfg.toString());
        return m;
    }

    private Path copyModel(String name) throws IOException {
        Path src = Fixtures.model(name), dst = dir.resolve("model-" + name + "-" + System.nanoTime());
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) Files.copy(p, dst.resolve(p.getFileName()));
        }
        return dst;
    }

    // ---------------------------------------------------------------- data

    @Test void missingFile() { assertBadInput(train(tinyBert(), dir.resolve("nope.tsv")), "nope.tsv"); }

    @Test void emptyFile() throws IOException { assertBadInput(train(tinyBert(), write("empty.tsv", "")), "empty.tsv"); }

    @Test void headerWithoutTheNamedColumn() throws IOException {
        assertBadInput(train(tinyBert(), goodTrain(), "--label-column", "sentiment"), "sentiment", "id, sentence, label");
    }

    @Test void raggedTsvRow() throws IOException {
        assertBadInput(train(tinyBert(), write("r.tsv", "sentence\tlabel\na b\tpos\nc d\tneg\textra\n")), "r.tsv line 3", "header has 2");
    }

    @Test void raggedCsvRow() throws IOException {
        assertBadInput(train(tinyBert(), write("r.csv", "sentence,label\na b,pos\nc d\n")), "r.csv line 3");
    }

    @Test void malformedJsonLine() throws IOException {
        assertBadInput(train(tinyBert(), write("m.jsonl", "{\"text\": \"a\", \"label\": \"pos\"}\n{\"text\": \"b\", \"label\": \n")), "m.jsonl line 2");
    }

    @Test void invalidUtf8() throws IOException {
        Path p = dir.resolve("bad-utf8.tsv");
        Files.write(p, new byte[] {'s', 'e', 'n', 't', 'e', 'n', 'c', 'e', '\t', 'l', 'a', 'b', 'e', 'l', '\n', 'a', (byte) 0xC3, (byte) 0x28, '\t', '1', '\n'});
        assertBadInput(train(tinyBert(), p), "bad-utf8.tsv", "UTF-8");
    }

    @Test void emptyText() throws IOException {
        assertBadInput(train(tinyBert(), write("e.tsv", "sentence\tlabel\na good one\tpos\n\tneg\n")), "e.tsv line 3");
    }

    @Test void labelMissing() throws IOException {
        assertBadInput(train(tinyBert(), write("l.tsv", "sentence\tlabel\na good one\tpos\na bad one\t\n")), "l.tsv line 3");
    }

    @Test void labelNotNumericForRegression() throws IOException {
        assertBadInput(train(tinyBert(), write("n.tsv", "sentence\tlabel\na\t1.5\nb\tpos\n"), "--problem-type", "regression"), "n.tsv line 3", "pos");
    }

    @Test void nanRegressionLabel() throws IOException {
        assertBadInput(train(tinyBert(), write("nan.tsv", "sentence\tscore\na\t1.5\nb\tNaN\n")), "nan.tsv line 3", "finite");
    }

    @Test void infiniteRegressionLabel() throws IOException {
        assertBadInput(train(tinyBert(), write("inf.tsv", "sentence\tscore\na\t1.5\nb\tinf\n")), "inf.tsv line 3");
    }

    @Test void labelOutOfRange() throws IOException {
        assertBadInput(train(tinyBert(), write("o.tsv", "sentence\tlabel\na\t0\nb\t1\nc\t2\n"), "--num-labels", "2"), "num_labels", "2");
    }

    @Test void classInEvalButNotInTrain() throws IOException {
        Path eval = write("eval.tsv", "sentence\tlabel\nx\tpos\ny\tmeh\n");
        assertBadInput(train(tinyBert(), goodTrain(), "--eval", eval.toString()), "\"meh\"");
    }

    @Test void multiLabelRowWithUnknownLabels() throws IOException {
        Path p = write("ml.jsonl", "{\"text\": \"a\", \"labels\": [\"sports\"]}\n{\"text\": \"b\", \"labels\": [\"cooking\"]}\n");
        assertBadInput(train(Fixtures.model("tiny-bert-multi"), p), "cooking");
    }

    @Test void singleClassOnly() throws IOException {
        assertBadInput(train(tinyBert(), write("one.tsv", "sentence\tlabel\na\tpos\nb\tpos\n")), "one.tsv", "at least 2 classes");
    }

    // ---------------------------------------------------------------- model

    @Test void modelFolderMissing() throws IOException {
        assertBadInput(train(dir.resolve("no-such-model"), goodTrain()), "no-such-model");
    }

    @Test void noConfigJson() throws IOException {
        Path m = copyModel("tiny-bert");
        Files.delete(m.resolve("config.json"));
        assertBadInput(train(m, goodTrain()), "config.json");
    }

    @Test void configJsonNotJson() throws IOException {
        Path m = copyModel("tiny-bert");
        Files.writeString(m.resolve("config.json"), "{\"hidden_size\": 32,,}");
        assertBadInput(train(m, goodTrain()), "config.json");
    }

    @Test void unknownModelType() throws IOException {
        assertBadInput(train(brokenModel(c -> c.put("model_type", "gpt2")), goodTrain()), "gpt2");
    }

    @Test void problemTypeInvalid() throws IOException {
        assertBadInput(train(brokenModel(c -> c.put("problem_type", "ranking")), goodTrain()), "ranking");
    }

    @Test void hiddenSizeNotDivisibleByHeads() throws IOException {
        assertBadInput(train(brokenModel(c -> c.put("num_attention_heads", 5)), goodTrain()), "32", "5");
    }

    @Test void weightsMissing() throws IOException {
        Path m = copyModel("tiny-bert");
        Files.delete(m.resolve("model.safetensors"));
        assertBadInput(train(m, goodTrain()), m.toString());
    }

    @Test void tensorShapeDoesNotMatchTheConfig() throws IOException {
        assertBadInput(train(brokenModel(c -> c.put("intermediate_size", 40)), goodTrain()), "intermediate");
    }

    @Test void headWithADifferentNumberOfLabels() throws IOException {
        Path m = copyModel("tiny-bert-single");
        String e = assertBadInput(train(m, goodTrain(), "--num-labels", "2"), "--ignore-mismatched-sizes");
        assertContains(e, "classifier");
    }

    @Test void tokenizerMissing() throws IOException {
        Path m = copyModel("tiny-bert");
        Files.delete(m.resolve("tokenizer.json"));
        Files.delete(m.resolve("vocab.txt"));
        assertBadInput(train(m, goodTrain()), "tokenizer");
    }

    // ---------------------------------------------------------------- arguments

    @Test void loadBestModelAtEndWithMismatchedStrategies() throws IOException {
        assertBadInput(train(tinyBert(), goodTrain(), "--eval", goodTrain().toString(), "--load-best-model-at-end",
                "--eval-strategy", "epoch"), "load_best_model_at_end");
    }

    @Test void fp16AndBf16() throws IOException {
        assertBadInput(train(tinyBert(), goodTrain(), "--fp16", "--bf16"), "fp16");
    }

    @Test void evalStrategyWithoutEvalData() throws IOException {
        assertBadInput(train(tinyBert(), goodTrain(), "--eval-strategy", "steps"), "eval_strategy", "--eval");
    }

    @Test void zeroBatchSize() throws IOException {
        assertBadInput(train(tinyBert(), goodTrain(), "--per-device-train-batch-size", "0"), "per_device_train_batch_size");
    }

    @Test void negativeBatchSize() throws IOException {
        assertBadInput(train(tinyBert(), goodTrain(), "--per_device_train_batch_size", "-4"), "per_device_train_batch_size");
    }

    @Test void learningRateNotPositive() throws IOException {
        assertBadInput(train(tinyBert(), goodTrain(), "--learning-rate", "0"), "learning_rate");
    }

    @Test void unknownFlagSuggestsTheClosest() throws IOException {
        String e = assertBad(train(tinyBert(), goodTrain(), "--learning-rat", "1e-4"), "Unknown options: '--learning-rat'", "Possible solutions: --learning-rate");
        assertContains(e, "--learning-rate");
    }

    @Test void notANumber() throws IOException {
        assertBad(train(tinyBert(), goodTrain(), "--num-train-epochs", "three"), "--num-train-epochs", "three");
    }

    @Test void resumeWithoutCheckpoint() throws IOException {
        assertBadInput(train(tinyBert(), goodTrain(), "--resume-from-checkpoint"), "no checkpoint-N folder");
    }

    @Test void predictWithAnUnknownOutputFormat() throws IOException {
        assertBadInput(List.of("predict", "--model", tinyBert().toString(), "--input", goodTrain().toString(), "--output",
                dir.resolve("out/p.parquet").toString()), "p.parquet");
    }
}
