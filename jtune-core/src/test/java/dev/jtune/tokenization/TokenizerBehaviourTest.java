package dev.jtune.tokenization;

import dev.jtune.JTuneException;
import dev.jtune.testing.Fixtures;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Truncation rule, padding and error messages. */
class TokenizerBehaviourTest {

    @Test
    void truncationRuleOnHandPickedLengths() {
        // budget 13 = max_length 16 - 3 (the shapes of forward-single-maxlen16.json)
        assertArrayEquals(new int[] {6, 7}, LongestFirstTruncation.keep(20, 20, 13)); // tie: second gets the odd one
        assertArrayEquals(new int[] {6, 7}, LongestFirstTruncation.keep(7, 9, 13));   // both long, first shorter
        assertArrayEquals(new int[] {7, 6}, LongestFirstTruncation.keep(20, 19, 13)); // first longer
        assertArrayEquals(new int[] {3, 10}, LongestFirstTruncation.keep(3, 20, 13)); // only second cut
        assertArrayEquals(new int[] {10, 3}, LongestFirstTruncation.keep(20, 3, 13)); // only first cut
        assertArrayEquals(new int[] {6, 7}, LongestFirstTruncation.keep(6, 20, 13));  // 2*6 <= 13: only second
        assertArrayEquals(new int[] {6, 7}, LongestFirstTruncation.keep(6, 7, 13));   // fits: nothing cut
        assertArrayEquals(new int[] {5, 5}, LongestFirstTruncation.keep(6, 6, 10));   // even budget
        assertArrayEquals(new int[] {0, 0}, LongestFirstTruncation.keep(4, 4, 0));
        assertArrayEquals(new int[] {13, -1}, LongestFirstTruncation.keep(20, -1, 13));
        assertArrayEquals(new int[] {4, -1}, LongestFirstTruncation.keep(4, -1, 13));
    }

    /** Against HF tokenizers' own formulation (swap so n1 <= n2, n2 = max(n1, max - n1), halve if still over). */
    @Property(tries = 500)
    void truncationRuleMatchesTheRustFormulation(@ForAll @IntRange(max = 60) int a, @ForAll @IntRange(max = 60) int b,
                                                 @ForAll @IntRange(max = 50) int budget) {
        int[] got = LongestFirstTruncation.keep(a, b, budget);
        int n1 = a, n2 = b;
        if (n1 + n2 > budget) {
            boolean swap = n1 > n2;
            if (swap) { int t = n1; n1 = n2; n2 = t; }
            n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
            if (n1 + n2 > budget) { n1 = budget / 2; n2 = n1 + budget % 2; }
            if (swap) { int t = n1; n1 = n2; n2 = t; }
        }
        assertArrayEquals(new int[] {n1, n2}, got);
        assertTrue(got[0] + got[1] <= budget || a + b <= budget);
        assertTrue(got[0] <= a && got[1] <= b);
    }

    @Test
    void paddingShapeAndValues() {
        DataCollatorWithPadding collator = new DataCollatorWithPadding(7, 0);
        BatchEncoding b = collator.pad(List.of(
                new Encoding(new long[] {101, 5, 102}, new long[] {0, 0, 0}, false, 3),
                new Encoding(new long[] {101, 5, 102, 6, 102}, new long[] {0, 0, 0, 1, 1}, false, 5)));
        assertEquals(2, b.batchSize());
        assertEquals(5, b.seqLen());
        assertArrayEquals(new long[] {101, 5, 102, 7, 7, 101, 5, 102, 6, 102}, b.flatInputIds());
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, b.flatAttentionMask());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, b.flatTokenTypeIds());
        assertArrayEquals(new int[] {3, 5}, b.lengths());
        assertArrayEquals(new long[] {2, 5}, b.shape());

        BatchEncoding m = new DataCollatorWithPadding(0, 8).pad(List.of(
                new Encoding(new long[] {101, 102}, new long[] {0, 0}, false, 2)));
        assertEquals(8, m.seqLen());
        assertArrayEquals(new long[] {101, 102, 0, 0, 0, 0, 0, 0}, m.inputIds()[0]);
        assertEquals(8, new DataCollatorWithPadding(0, 8).pad(List.of(new Encoding(new long[8], new long[8], false, 8))).seqLen());
        assertThrows(IllegalArgumentException.class, () -> collator.pad(List.of()));
    }

    @Test
    void maxLengthTooSmallOrTooLarge() {
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(Fixtures.model("tiny-bert"))) {
            JTuneException single = assertThrows(JTuneException.class, () -> tok.encode("hello", 1));
            assertTrue(single.getMessage().contains("max_length 1"), single.getMessage());
            assertTrue(single.rule().contains("at least 2"), single.rule());
            JTuneException pair = assertThrows(JTuneException.class, () -> tok.encode("a", "b", 2));
            assertTrue(pair.rule().contains("at least 3"), pair.rule());
            assertArrayEquals(new long[] {101, 102}, tok.encode("hello world", 2).inputIds());
            assertArrayEquals(new long[] {101, 102, 102}, tok.encode("hello", "world", 3).inputIds());

            assertTrue(tok.notes().isEmpty());
            String longText = String.join(" ", java.util.Collections.nCopies(600, "word"));
            Encoding e = tok.encode(longText, 1000);
            assertEquals(512, e.length());
            assertTrue(e.truncated());
            assertEquals(602, e.lengthWithoutTruncation());
            assertEquals(1, tok.notes().size());
            assertTrue(tok.notes().get(0).contains("clamped to 512"), tok.notes().get(0));
        }
    }

    @Test
    void batchInputErrors() {
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(Fixtures.model("tiny-bert"))) {
            JTuneException sizes = assertThrows(JTuneException.class,
                    () -> tok.encodeBatch(List.of("a", "b"), List.of("c"), 16));
            assertTrue(sizes.getMessage().contains("1 second texts for 2 first texts"), sizes.getMessage());
            JTuneException nullText = assertThrows(JTuneException.class,
                    () -> tok.encodeBatch(Arrays.asList("a", null), null, 16));
            assertTrue(nullText.getMessage().contains("row 1"), nullText.getMessage());
            // a null pair entry is a single-text row
            List<Encoding> mixed = tok.encodeBatch(List.of("hello", "hello"), Arrays.asList("world", null), 16);
            assertEquals(tok.encode("hello", "world", 16), mixed.get(0));
            assertEquals(tok.encode("hello", 16), mixed.get(1));
            assertTrue(tok.encodeBatch(List.of(), null, 16).isEmpty());
            assertThrows(JTuneException.class, () -> tok.convertIdsToTokens(30522));
        }
    }

    @Test
    void missingFolderAndMissingFiles(@TempDir Path dir) throws IOException {
        JTuneException missing = assertThrows(JTuneException.class,
                () -> AutoTokenizer.fromPretrained(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("model.safetensors"), "x");
        JTuneException empty = assertThrows(JTuneException.class, () -> AutoTokenizer.fromPretrained(dir));
        assertTrue(empty.what().contains("found: config.json, model.safetensors"), empty.what());
        assertTrue(empty.rule().contains("tokenizer.json") && empty.rule().contains("vocab.txt"), empty.rule());
    }

    @Test
    void badFilesGiveJTuneExceptions(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": ");
        JTuneException badJson = assertThrows(JTuneException.class, () -> AutoTokenizer.fromPretrained(dir));
        assertTrue(badJson.what().contains("invalid JSON") && badJson.what().contains("tokenizer.json"), badJson.what());

        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nonsense\", \"vocab\": {\"a\": 0}}}");
        JTuneException badModel = assertThrows(JTuneException.class, () -> AutoTokenizer.fromPretrained(dir));
        assertTrue(badModel.what().contains("could not be loaded"), badModel.what());

        Files.delete(dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\nhello\n");
        JTuneException noCls = assertThrows(JTuneException.class, () -> AutoTokenizer.fromPretrained(dir));
        assertTrue(noCls.what().contains("'[CLS]' is not in the vocabulary"), noCls.what());

        Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
        Files.writeString(dir.resolve("tokenizer_config.json"), "[1, 2]");
        JTuneException notObject = assertThrows(JTuneException.class, () -> AutoTokenizer.fromPretrained(dir));
        assertTrue(notObject.what().contains("expected a JSON object"), notObject.what());

        Files.delete(dir.resolve("tokenizer_config.json"));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            Encoding e = tok.encode("Hello [SEP] bye", 10);
            assertArrayEquals(new long[] {2, 4, 3, 1, 3}, e.inputIds());
            assertFalse(e.truncated());
            assertEquals(5, tok.vocabSize());
        }
    }
}
