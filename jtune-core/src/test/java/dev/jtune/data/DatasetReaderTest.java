package dev.jtune.data;

import dev.jtune.JTuneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetReaderTest {
    @TempDir Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static ReadOptions.Builder opts() { return ReadOptions.builder(); }

    private static JTuneException fails(Path p, ReadOptions o) {
        return assertThrows(JTuneException.class, () -> DatasetReader.read(p, o));
    }

    private static void assertContains(String haystack, String... needles) {
        for (String n : needles) assertTrue(haystack.contains(n), () -> "expected \"" + n + "\" in:\n" + haystack);
    }

    // ---- formats ----

    @Test
    void tsvSplitsOnTabAndKeepsQuotesLiteral() throws IOException {
        Path p = file("a.tsv", "sentence\tlabel\n\"quoted\" start, with comma\t1\nit 's \" odd\t0\n");
        Dataset d = DatasetReader.read(p);
        assertEquals(2, d.size());
        assertEquals("\"quoted\" start, with comma", d.examples().get(0).text());
        assertEquals("it 's \" odd", d.examples().get(1).text());
        assertEquals(List.of("sentence", "label"), d.columns());
        assertEquals(2, d.examples().get(0).sourceLine());
        assertEquals(3, d.examples().get(1).sourceLine());
    }

    @Test
    void csvFollowsRfc4180() throws IOException {
        Path p = file("a.csv", "text,label\r\n\"a, b\",x\r\n\"say \"\"hi\"\"\",y\r\n\"two\nlines\",x\r\nplain,y\r\n");
        Dataset d = DatasetReader.read(p);
        assertEquals(List.of("a, b", "say \"hi\"", "two\nlines", "plain"), d.examples().stream().map(Example::text).toList());
        assertEquals(List.of(2L, 3L, 4L, 6L), d.examples().stream().map(Example::sourceLine).toList());
        assertEquals(List.of("x", "y"), d.labelMap().id2label());
    }

    @Test
    void csvEmptyQuotedFieldAndTrailingEmptyField() throws IOException {
        Path p = file("a.csv", "text,label,note\nhello,1,\n\"\"\"q\"\"\",0,\"\"\n");
        Dataset d = DatasetReader.read(p);
        assertEquals("\"q\"", d.examples().get(1).text());
    }

    @Test
    void csvUnclosedQuoteIsAnError() throws IOException {
        Path p = file("a.csv", "text,label\n\"never closed,1\nb,0\n");
        assertContains(fails(p, opts().build()).getMessage(), "line 2", "never closed");
    }

    @Test
    void csvTextAfterClosingQuoteIsAnError() throws IOException {
        Path p = file("a.csv", "text,label\n\"a\"b,1\n");
        assertContains(fails(p, opts().build()).getMessage(), "line 2", "closing quote");
    }

    @Test
    void jsonlReadsObjectsAndUnionOfKeys() throws IOException {
        Path p = file("a.jsonl", "{\"text\": \"caf\u00e9 \uD83D\uDE00\", \"label\": \"pos\"}\n\n{\"label\": \"neg\", \"text\": \"b\", \"idx\": 7}\n");
        Dataset d = DatasetReader.read(p);
        assertEquals(List.of("text", "label", "idx"), d.columns());
        assertEquals("caf\u00e9 \uD83D\uDE00", d.examples().get(0).text());
        assertEquals("7", d.examples().get(1).id());
        assertEquals(3, d.examples().get(1).sourceLine());
    }

    @Test
    void formatFromOptionsOverridesExtension() throws IOException {
        Path p = file("data.txt", "text\tlabel\na,b\t1\nc\t0\n");
        assertContains(fails(p, opts().build()).getMessage(), "cannot tell its format", "--format");
        Dataset d = DatasetReader.read(p, opts().format(DataFormat.TSV).build());
        assertEquals("a,b", d.examples().get(0).text());
        assertEquals(DataFormat.JSONL, DataFormat.fromFileName(Path.of("x.json")));
        assertEquals(DataFormat.CSV, DataFormat.parse("CSV"));
    }

    @Test
    void blankLinesAreSkippedButEmptyFieldsAreNot() throws IOException {
        Dataset d = DatasetReader.read(file("a.tsv", "sentence\tlabel\nx\t1\n\n   \ny\t0\n"));
        assertEquals(List.of(2L, 5L), d.examples().stream().map(Example::sourceLine).toList());
        assertContains(fails(file("b.tsv", "sentence\tlabel\nx\t1\n\t\n"), opts().build()).getMessage(), "line 3", "empty");
    }

    @Test
    void byteOrderMarkIsIgnored() throws IOException {
        Path p = dir.resolve("bom.tsv");
        Files.write(p, ("\uFEFFsentence\tlabel\nx\t1\ny\t0\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("sentence", DatasetReader.read(p).textColumn());
    }

    // ---- column guesses ----

    @Test
    void guessesTextPairLabelAndId() throws IOException {
        Path p = file("a.tsv", "idx\tsentence1\tsentence2\tscore\n0\ta\tb\t1.5\n1\tc\td\t4\n");
        Dataset d = DatasetReader.read(p);
        assertEquals("sentence1", d.textColumn());
        assertEquals("sentence2", d.textPairColumn());
        assertEquals("score", d.labelColumn());
        assertEquals("b", d.examples().get(0).textPair());
        assertEquals("1", d.examples().get(1).id());
    }

    @Test
    void guessOrderPrefersSentenceThenTextAndLabelThenLabels() throws IOException {
        Path p = file("a.tsv", "text\tsentence\tlabels\tlabel\tid\nT\tS\tx\t1\tq\nT2\tS2\ty\t0\tr\n");
        Dataset d = DatasetReader.read(p);
        assertEquals("sentence", d.textColumn());
        assertEquals("label", d.labelColumn());
        assertNull(d.textPairColumn());
        assertEquals("q", d.examples().get(0).id());
    }

    @Test
    void namedColumnsWin() throws IOException {
        Path p = file("a.csv", "review,stars,question\ngood,5,q1\nbad,1,q2\n");
        Dataset d = DatasetReader.read(p, opts().textColumn("review").textPairColumn("question").labelColumn("stars").build());
        assertEquals("good", d.examples().get(0).text());
        assertEquals("q1", d.examples().get(0).textPair());
        assertEquals(LabelKind.CLASS_INDEX, d.labelKind());
        assertEquals(6, d.numLabels());
    }

    @Test
    void noLabelColumnMeansUnlabeled() throws IOException {
        Dataset d = DatasetReader.read(file("a.tsv", "sentence\nhello\n"));
        assertEquals(LabelKind.NONE, d.labelKind());
        assertEquals(0, d.numLabels());
        assertContains(assertThrows(JTuneException.class, d::validateForTraining).getMessage(), "no label column", "--label-column");
    }

    @Test
    void missingNamedColumnListsColumnsFound() throws IOException {
        Path p = file("a.tsv", "sentence\tlabel\nx\t1\n");
        assertContains(fails(p, opts().labelColumn("target").build()).getMessage(),
                "\"target\"", "--label-column", "[sentence, label]");
        assertContains(fails(file("b.tsv", "body\tlabel\nx\t1\n"), opts().build()).getMessage(),
                "no text column", "[body, label]", "--text-column", "[sentence, text, sentence1]");
    }

    // ---- label typing ----

    @Test
    void integersAreClassIds() throws IOException {
        Dataset d = DatasetReader.read(file("a.tsv", "sentence\tlabel\na\t0\nb\t2\nc\t-100\nd\t2\n"));
        assertEquals(LabelKind.CLASS_INDEX, d.labelKind());
        assertEquals(List.of(0, 2, -100, 2), d.examples().stream().map(Example::classId).toList());
        assertEquals(Map.of("0", 1, "1", 0, "2", 2), d.labelCounts());
        assertEquals(3, d.numLabels());
    }

    @Test
    void namesGetIdsInSortedOrder() throws IOException {
        Dataset d = DatasetReader.read(file("a.tsv", "sentence\tlabel\na\tpos\nb\tneg\nc\tneutral\nd\tpos\n"));
        assertEquals(List.of("neg", "neutral", "pos"), d.labelMap().id2label());
        assertEquals(List.of(2, 0, 1, 2), d.examples().stream().map(Example::classId).toList());
        assertEquals(List.of("neg", "neutral", "pos"), List.copyOf(d.labelCounts().keySet()));
        assertEquals(2, d.labelCounts().get("pos"));
    }

    @Test
    void sortedOrderIsPythonCodePointOrder() {
        // U+FF5E (BMP) sorts before U+1F600 in Python; Java's UTF-16 compareTo puts the surrogate pair first.
        LabelMap m = LabelMap.sorted(List.of("\uD83D\uDE00", "\uFF5E", "B", "a"));
        assertEquals(List.of("B", "a", "\uFF5E", "\uD83D\uDE00"), m.id2label());
    }

    @Test
    void givenLabel2idIsUsedWhenItCoversTheNames() throws IOException {
        Path p = file("a.tsv", "sentence\tlabel\na\tpos\nb\tneg\n");
        Dataset d = DatasetReader.read(p, opts().label2id(Map.of("pos", 0, "neg", 1, "mixed", 2)).build());
        assertEquals(List.of("pos", "neg", "mixed"), d.labelMap().id2label());
        assertEquals(List.of(0, 1), d.examples().stream().map(Example::classId).toList());
    }

    @Test
    void unknownLabelNameWithGivenLabel2id() throws IOException {
        Path p = file("a.tsv", "sentence\tlabel\na\tpos\nb\tpositve\n");
        JTuneException e = fails(p, opts().label2id(Map.of("pos", 0, "neg", 1)).build());
        assertContains(e.getMessage(), "line 3", "\"positve\"", "[pos, neg]");
        Dataset d = DatasetReader.read(p, opts().label2id(Map.of("pos", 0, "neg", 1)).skipBadRows(true).build());
        assertEquals(1, d.size());
        assertEquals(3, d.skipped().get(0).line());
    }

    @Test
    void badLabel2idIsRejected() throws IOException {
        Path p = file("a.tsv", "sentence\tlabel\na\tpos\n");
        assertContains(fails(p, opts().label2id(Map.of("pos", 0, "neg", 2)).build()).getMessage(), "ids must be 0..1");
    }

    @Test
    void anyNonIntegerNumberMakesRegression() throws IOException {
        Dataset d = DatasetReader.read(file("a.tsv", "sentence\tlabel\na\t1\nb\t2.5\nc\t3\nd\t1e-1\n"));
        assertEquals(LabelKind.REGRESSION, d.labelKind());
        assertEquals(1, d.numLabels());
        assertNull(d.labelMap());
        assertEquals(List.of(1f, 2.5f, 3f, 0.1f), d.examples().stream().map(Example::value).toList());
    }

    @Test
    void forcedRegressionReadsIntegerScores() throws IOException {
        Path p = file("a.tsv", "sentence\tlabel\na\t0\nb\t5\nc\t3\n");
        Dataset d = DatasetReader.read(p, opts().problemType("regression").build());
        assertEquals(LabelKind.REGRESSION, d.labelKind());
        assertEquals(5f, d.examples().get(1).value());
    }

    @Test
    void forcedRegressionRejectsNames() throws IOException {
        Path p = file("a.tsv", "sentence\tlabel\na\t1\nb\thigh\n");
        assertContains(fails(p, opts().problemType("regression").build()).getMessage(), "line 3", "\"label\"", "high", "not a number");
    }

    @Test
    void unknownProblemTypeIsRejected() {
        JTuneException e = assertThrows(JTuneException.class, () -> opts().problemType("classification"));
        assertContains(e.getMessage(), "--problem-type", "single_label_classification");
    }

    @Test
    void forcedSingleLabelRejectsFractions() throws IOException {
        Path p = file("a.tsv", "sentence\tlabel\na\t1\nb\t0.5\n");
        assertContains(fails(p, opts().problemType("single_label_classification").build()).getMessage(),
                "line 3", "0.5", "not an integer class id");
    }

    @Test
    void nanAndInfiniteRegressionLabels() throws IOException {
        assertContains(fails(file("a.tsv", "sentence\tlabel\na\t1.5\nb\tnan\n"), opts().build()).getMessage(),
                "line 3", "nan", "finite");
        assertContains(fails(file("b.jsonl", "{\"text\":\"a\",\"label\":0.5}\n{\"text\":\"b\",\"label\":\"x\"}\n"), opts().problemType("regression").build()).getMessage(),
                "line 2", "not a number");
        assertContains(fails(file("c.tsv", "sentence\tlabel\na\t-Infinity\nb\t0.5\n"), opts().build()).getMessage(),
                "line 2", "-Infinity", "finite");
    }

    @Test
    void mixedTypesNameTheFirstOffendingRow() throws IOException {
        Path p = file("a.tsv", "sentence\tlabel\na\t1\nb\t0\nc\tpositive\nd\tnegative\n");
        JTuneException e = fails(p, opts().build());
        assertContains(e.what(), "line 4", "positive", "class names", "numbers", "first at line 2");
        Dataset d = DatasetReader.read(p, opts().skipBadRows(true).build());
        assertEquals(2, d.size());
        assertEquals(List.of(4L, 5L), d.skipped().stream().map(SkippedRow::line).toList());
    }

    @Test
    void negativeClassIdOtherThanIgnoreIndex() throws IOException {
        JTuneException e = fails(file("a.tsv", "sentence\tlabel\na\t1\nb\t-1\n"), opts().build());
        assertContains(e.getMessage(), "line 3", "class id -1", "-100");
    }

    @Test
    void missingLabel() throws IOException {
        assertContains(fails(file("a.tsv", "sentence\tlabel\na\t1\nb\t\n"), opts().build()).getMessage(), "line 3", "missing or empty");
        assertContains(fails(file("b.jsonl", "{\"text\":\"a\",\"label\":1}\n{\"text\":\"b\"}\n"), opts().build()).getMessage(), "line 2", "missing");
        assertContains(fails(file("c.jsonl", "{\"text\":\"a\",\"label\":null}\n"), opts().build()).getMessage(), "line 1", "missing");
    }

    @Test
    void jsonArraysOfNamesAreMultiLabel() throws IOException {
        Path p = file("a.jsonl", "{\"text\":\"a\",\"labels\":[\"sports\",\"health\"]}\n{\"text\":\"b\",\"labels\":[\"food\"]}\n{\"text\":\"c\",\"labels\":[]}\n");
        Dataset d = DatasetReader.read(p);
        assertEquals(LabelKind.MULTI_HOT, d.labelKind());
        assertEquals(List.of("food", "health", "sports"), d.labelMap().id2label());
        assertArrayEquals(new float[] {0, 1, 1}, d.examples().get(0).multiHot());
        assertArrayEquals(new float[] {1, 0, 0}, d.examples().get(1).multiHot());
        assertArrayEquals(new float[] {0, 0, 0}, d.examples().get(2).multiHot());
        assertEquals(Map.of("food", 1, "health", 1, "sports", 1), d.labelCounts());
    }

    @Test
    void jsonArraysOfNumbersAreMultiHot() throws IOException {
        Path p = file("a.jsonl", "{\"text\":\"a\",\"label\":[0,1,1]}\n{\"text\":\"b\",\"label\":[1,0,0]}\n");
        Dataset d = DatasetReader.read(p);
        assertEquals(LabelKind.MULTI_HOT, d.labelKind());
        assertEquals(3, d.numLabels());
        assertArrayEquals(new float[] {0, 1, 1}, d.examples().get(0).multiHot());
        assertContains(fails(file("b.jsonl", "{\"text\":\"a\",\"label\":[0,1]}\n{\"text\":\"b\",\"label\":[1,0,0]}\n"), opts().build()).getMessage(),
                "line 2", "3 entries");
        assertContains(fails(file("c.jsonl", "{\"text\":\"a\",\"label\":[0,0.5]}\n"), opts().build()).getMessage(), "not 0 or 1");
    }

    @Test
    void labelSeparatorMakesMultiLabel() throws IOException {
        Path p = file("a.csv", "text,labels\na,\"sports, health\"\nb,food\n");
        Dataset d = DatasetReader.read(p, opts().labelSeparator(",").build());
        assertEquals(LabelKind.MULTI_HOT, d.labelKind());
        assertEquals(List.of("food", "health", "sports"), d.labelMap().id2label());
        assertArrayEquals(new float[] {0, 1, 1}, d.examples().get(0).multiHot());
    }

    @Test
    void forcedMultiLabelTakesSingleNamesAndGivenLabel2id() throws IOException {
        Path p = file("a.jsonl", "{\"text\":\"a\",\"labels\":\"x\"}\n{\"text\":\"b\",\"labels\":[\"y\",\"x\"]}\n");
        Dataset d = DatasetReader.read(p, opts().problemType("multi_label_classification").label2id(Map.of("y", 0, "x", 1, "z", 2)).build());
        assertArrayEquals(new float[] {0, 1, 0}, d.examples().get(0).multiHot());
        assertArrayEquals(new float[] {1, 1, 0}, d.examples().get(1).multiHot());
        JTuneException e = fails(file("b.jsonl", "{\"text\":\"a\",\"labels\":[\"q\"]}\n"), opts().label2id(Map.of("y", 0)).build());
        assertContains(e.getMessage(), "\"q\"", "[y]");
    }

    @Test
    void mixedListAndScalar() throws IOException {
        Path p = file("a.jsonl", "{\"text\":\"a\",\"label\":[\"x\"]}\n{\"text\":\"b\",\"label\":\"y\"}\n");
        assertContains(fails(p, opts().build()).getMessage(), "line 2", "lists of label names", "first at line 1");
    }

    @Test
    void jsonTypedValues() throws IOException {
        // JSON 1.0 is a float (as in Python): the column becomes regression; strings "1" are names.
        assertEquals(LabelKind.REGRESSION, DatasetReader.read(file("a.jsonl", "{\"text\":\"a\",\"label\":1}\n{\"text\":\"b\",\"label\":1.0}\n")).labelKind());
        Dataset d = DatasetReader.read(file("b.jsonl", "{\"text\":\"a\",\"label\":\"1\"}\n{\"text\":\"b\",\"label\":\"0\"}\n"));
        assertEquals(List.of("0", "1"), d.labelMap().id2label());
        assertContains(fails(file("c.jsonl", "{\"text\":\"a\",\"label\":{\"x\":1}}\n"), opts().build()).getMessage(), "JSON object");
        assertContains(fails(file("d.jsonl", "{\"text\":5,\"label\":1}\n"), opts().build()).getMessage(), "line 1", "not a string");
    }

    // ---- errors ----

    @Test
    void missingFile() {
        JTuneException e = fails(dir.resolve("nope.tsv"), opts().build());
        assertContains(e.getMessage(), "nope.tsv", "does not exist");
    }

    @Test
    void emptyFile() throws IOException {
        assertContains(fails(file("a.tsv", ""), opts().build()).getMessage(), "is empty");
        assertContains(fails(file("b.jsonl", "\n  \n"), opts().build()).getMessage(), "is empty");
        assertContains(fails(file("c.tsv", "sentence\tlabel\n"), opts().build()).getMessage(), "no usable rows");
    }

    @Test
    void raggedRows() throws IOException {
        JTuneException e = fails(file("a.tsv", "sentence\tlabel\na\t1\nb\t0\textra\n"), opts().build());
        assertContains(e.getMessage(), "line 3", "3 fields", "header has 2", "--skip-bad-rows");
        assertContains(fails(file("b.csv", "text,label\na, b,1\n"), opts().build()).getMessage(), "line 2", "quote fields");
        Dataset d = DatasetReader.read(file("c.tsv", "sentence\tlabel\na\t1\nb\t0\textra\nc\t0\n"), opts().skipBadRows(true).build());
        assertEquals(2, d.size());
        assertEquals(List.of(new SkippedRow(3, "has 3 fields but the header has 2 [sentence, label]")), d.skipped());
    }

    @Test
    void malformedJsonLine() throws IOException {
        Path p = file("a.jsonl", "{\"text\":\"a\",\"label\":1}\n{\"text\":\"b\",\"label\":0\n{\"text\":\"c\",\"label\":0}\n[1]\n");
        assertContains(fails(p, opts().build()).getMessage(), "line 2", "malformed JSON");
        Dataset d = DatasetReader.read(p, opts().skipBadRows(true).build());
        assertEquals(2, d.size());
        assertEquals(List.of(2L, 4L), d.skipped().stream().map(SkippedRow::line).toList());
        assertContains(d.skipped().get(1).reason(), "not an object");
    }

    @Test
    void jsonArrayFileGetsAHint() throws IOException {
        assertContains(fails(file("a.json", "[{\"text\":\"a\"}]\n"), opts().build()).getMessage(), "JSON array", "jq -c");
    }

    @Test
    void invalidUtf8NamesFileAndLine() throws IOException {
        Path p = dir.resolve("bad.tsv");
        byte[] head = "sentence\tlabel\nok\t1\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'c', 'a', 'f', (byte) 0xE9, '\t', '0', '\n'}; // Latin-1 e-acute
        byte[] tail = "fine\t0\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);
        Files.write(p, all);
        JTuneException e = fails(p, opts().build());
        assertContains(e.getMessage(), "bad.tsv", "line 3", "UTF-8");
        Dataset d = DatasetReader.read(p, opts().skipBadRows(true).build());
        assertEquals(List.of("ok", "fine"), d.examples().stream().map(Example::text).toList());
    }

    @Test
    void emptyText() throws IOException {
        assertContains(fails(file("a.tsv", "sentence\tlabel\n  \t1\n"), opts().build()).getMessage(), "line 2", "\"sentence\" is empty");
        assertContains(fails(file("b.tsv", "sentence1\tsentence2\tlabel\na\t\t1\n"), opts().build()).getMessage(), "\"sentence2\" is empty");
    }

    @Test
    void singleClassFailsTrainingValidation() throws IOException {
        Dataset d = DatasetReader.read(file("a.tsv", "sentence\tlabel\na\tpos\nb\tpos\n"));
        JTuneException e = assertThrows(JTuneException.class, d::validateForTraining);
        assertContains(e.getMessage(), "same class", "[pos]", "at least 2 classes");
        Dataset ok = DatasetReader.read(file("b.tsv", "sentence\tlabel\na\tpos\nb\tneg\n"));
        assertEquals(ok, ok.validateForTraining());
    }

    @Test
    void evalClassNotInTrain() throws IOException {
        Dataset train = DatasetReader.read(file("train.tsv", "sentence\tlabel\na\t0\nb\t1\n"));
        Dataset eval = DatasetReader.read(file("eval.tsv", "sentence\tlabel\na\t0\nb\t2\n"));
        JTuneException e = assertThrows(JTuneException.class, () -> Dataset.checkCompatible(train, eval));
        assertContains(e.getMessage(), "class \"2\"", "first at line 3", "[0, 1]");
        Dataset ok = DatasetReader.read(file("eval2.tsv", "sentence\tlabel\na\t1\n"));
        Dataset.checkCompatible(train, ok); // a subset of train's classes is fine
    }

    @Test
    void evalWithDifferentIdsOrKind() throws IOException {
        Dataset train = DatasetReader.read(file("train.tsv", "sentence\tlabel\na\tneg\nb\tneu\nc\tpos\n"));
        Dataset eval = DatasetReader.read(file("eval.tsv", "sentence\tlabel\na\tneg\nb\tpos\n"));
        assertContains(assertThrows(JTuneException.class, () -> Dataset.checkCompatible(train, eval)).getMessage(), "label2id");
        Dataset evalFixed = DatasetReader.read(eval.file(), opts().label2id(train.labelMap().label2id()).build());
        Dataset.checkCompatible(train, evalFixed);
        assertEquals(List.of(0, 2), evalFixed.examples().stream().map(Example::classId).toList());
        Dataset reg = DatasetReader.read(file("reg.tsv", "sentence\tlabel\na\t0.5\n"));
        assertContains(assertThrows(JTuneException.class, () -> Dataset.checkCompatible(train, reg)).getMessage(), "regression");
    }

    @Test
    void skipBadRowsCountsEveryKindOfProblem() throws IOException {
        Path p = file("a.tsv", "sentence\tlabel\na\t1\n\t0\nb\t\nc\t-3\nd\t0\te\n");
        Dataset d = DatasetReader.read(p, opts().skipBadRows(true).build());
        assertEquals(1, d.size());
        assertEquals(List.of(3L, 4L, 5L, 6L), d.skipped().stream().map(SkippedRow::line).toList());
    }
}
