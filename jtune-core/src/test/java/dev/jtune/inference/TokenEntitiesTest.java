package dev.jtune.inference;

import dev.jtune.testing.Fixtures;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.OffsetEncoding;
import dev.jtune.tokenization.PreTrainedTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * HF pipeline's aggregation strategies on hand-built probabilities (every expected tag, span and score computed by
 * hand), and entity offsets through a real tokenizer on text with accents, an emoji and runs of spaces.
 */
class TokenEntitiesTest {
    static final Map<Integer, String> TAGS = Map.of(0, "O", 1, "B-PER", 2, "I-PER", 3, "B-LOC", 4, "I-LOC");

    // "Ann Smithson in Paris": [CLS] ann smith ##son in paris [SEP]
    static final String TEXT = "Ann Smithson in Paris";
    static final int[] START = {-1, 0, 4, 9, 13, 16, -1};
    static final int[] END = {-1, 3, 9, 12, 15, 21, -1};
    static final boolean[] SUB = {false, false, false, true, false, false, false};
    static final double[][] PROBS = {
            {1, 0, 0, 0, 0},
            {0.05, 0.9, 0.03, 0.01, 0.01},   // ann: B-PER 0.9
            {0.15, 0.0, 0.65, 0.1, 0.1},     // smith: I-PER 0.65 (its max)
            {0.7, 0.0, 0.3, 0.0, 0.0},       // ##son: O 0.7 (the larger max); mean with smith: O 0.425, I-PER 0.475
            {0.95, 0.01, 0.02, 0.01, 0.01},  // in: O
            {0.1, 0.02, 0.03, 0.8, 0.05},    // paris: B-LOC 0.8
            {1, 0, 0, 0, 0}};

    static TokenPrediction run(AggregationStrategy s) {
        return TokenEntities.decode(TEXT, START, END, SUB, PROBS, TAGS, s);
    }

    static void assertEntity(Entity e, String type, String text, int start, int end, double score) {
        assertEquals(type, e.type());
        assertEquals(text, e.text());
        assertEquals(start, e.start(), "start of " + text);
        assertEquals(end, e.end(), "end of " + text);
        assertEquals(score, e.score(), 1e-12, "score of " + text);
    }

    @Test
    void firstTakesTheFirstSubToken() {
        TokenPrediction p = run(AggregationStrategy.FIRST);
        assertEquals(List.of("Ann", "Smithson", "in", "Paris"), p.words().stream().map(TaggedWord::word).toList());
        assertEquals(List.of("B-PER", "I-PER", "O", "B-LOC"), p.words().stream().map(TaggedWord::tag).toList());
        assertEquals(0.65, p.words().get(1).score(), 1e-12);
        assertEquals(4, p.words().get(1).start());
        assertEquals(12, p.words().get(1).end());
        assertEquals(2, p.entities().size());
        assertEntity(p.entities().get(0), "PER", "Ann Smithson", 0, 12, (0.9 + 0.65) / 2);
        assertEntity(p.entities().get(1), "LOC", "Paris", 16, 21, 0.8);
    }

    @Test
    void averageTakesTheBestMeanTag() {
        TokenPrediction p = run(AggregationStrategy.AVERAGE);
        assertEquals("I-PER", p.words().get(1).tag());
        assertEquals(0.475, p.words().get(1).score(), 1e-12);
        assertEntity(p.entities().get(0), "PER", "Ann Smithson", 0, 12, (0.9 + 0.475) / 2);
        assertEntity(p.entities().get(1), "LOC", "Paris", 16, 21, 0.8);
    }

    @Test
    void maxTakesTheMostConfidentSubToken() {
        TokenPrediction p = run(AggregationStrategy.MAX);
        assertEquals("O", p.words().get(1).tag());
        assertEquals(0.7, p.words().get(1).score(), 1e-12);
        assertEquals(2, p.entities().size());
        assertEntity(p.entities().get(0), "PER", "Ann", 0, 3, 0.9);
        assertEntity(p.entities().get(1), "LOC", "Paris", 16, 21, 0.8);
    }

    @Test
    void simpleGroupsSubTokensByTheirOwnTags() {
        TokenPrediction p = run(AggregationStrategy.SIMPLE);
        // the entity ends inside the word: "Smith" is I-PER, "##son" is O
        assertEntity(p.entities().get(0), "PER", "Ann Smith", 0, 9, (0.9 + 0.65) / 2);
        assertEntity(p.entities().get(1), "LOC", "Paris", 16, 21, 0.8);
        assertEquals("I-PER", p.words().get(1).tag(), "words under simple are tagged by their first sub-token");
    }

    @Test
    void groupingFollowsHfGroupEntities() {
        // words: A(B-PER) B(B-PER) C(I-LOC) D(I-LOC) E(LOC, no prefix) F(O)
        String text = "Aa Bb Cc Dd Ee Ff";
        int[] s = {0, 3, 6, 9, 12, 15}, e = {2, 5, 8, 11, 14, 17};
        Map<Integer, String> tags = Map.of(0, "O", 1, "B-PER", 2, "I-LOC", 3, "LOC");
        int[] tag = {1, 1, 2, 2, 3, 0};
        double[][] probs = new double[6][4];
        for (int i = 0; i < 6; i++) probs[i][tag[i]] = 0.6 + 0.05 * i;
        TokenPrediction p = TokenEntities.decode(text, s, e, new boolean[6], probs, tags, AggregationStrategy.FIRST);
        // B- after B- opens a new entity; I-LOC after B-PER opens one (another type); a tag without prefix counts as I-
        assertEquals(3, p.entities().size(), p.entities().toString());
        assertEntity(p.entities().get(0), "PER", "Aa", 0, 2, 0.6);
        assertEntity(p.entities().get(1), "PER", "Bb", 3, 5, 0.65);
        assertEntity(p.entities().get(2), "LOC", "Cc Dd Ee", 6, 14, (0.7 + 0.75 + 0.8) / 3);
    }

    @Test
    void offsetsCountCodePointsNotUtf16Units() {
        // "🙂 Ann": the emoji is two UTF-16 units but one character (Python str index)
        String text = "\uD83D\uDE42 Ann";
        TokenPrediction p = TokenEntities.decode(text, new int[] {0, 3}, new int[] {2, 6}, new boolean[2],
                new double[][] {{0.9, 0.1, 0, 0, 0}, {0.2, 0.8, 0, 0, 0}}, TAGS, AggregationStrategy.FIRST);
        assertEntity(p.entities().get(0), "PER", "Ann", 2, 5, 0.8);
        assertEquals(0, p.words().get(0).start());
        assertEquals(1, p.words().get(0).end());
    }

    /**
     * A real WordPiece tokenizer (bert-base-uncased's vocabulary: accents stripped, the emoji unknown): words and
     * entities land on the input's characters, checked by hand, across double and triple spaces.
     */
    @Test
    void realTokenizerOffsetsWithAccentsEmojiAndSpaces() {
        String text = "Zoë  met José   Müller in \uD83D\uDE42 São Paulo.";
        // hand-counted code points: Z0 o1 ë2 _3 _4 m5 e6 t7 _8 J9 o10 s11 é12 _13 _14 _15 M16 ü17 l18 l19 e20 r21 _22
        // i23 n24 _25 🙂26 _27 S28 ã29 o30 _31 P32 a33 u34 l35 o36 .37
        List<Object[]> words = List.of(new Object[] {"Zoë", 0, 3, "B-PER"}, new Object[] {"met", 5, 8, "O"},
                new Object[] {"José", 9, 13, "B-PER"}, new Object[] {"Müller", 16, 22, "I-PER"}, new Object[] {"in", 23, 25, "O"},
                new Object[] {"\uD83D\uDE42", 26, 27, "O"}, new Object[] {"São", 28, 31, "B-LOC"}, new Object[] {"Paulo", 32, 37, "I-LOC"},
                new Object[] {".", 37, 38, "O"});
        Map<String, Integer> ids = Map.of("O", 0, "B-PER", 1, "I-PER", 2, "B-LOC", 3, "I-LOC", 4);
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(Fixtures.model("tiny-bert"))) {
            OffsetEncoding oe = tok.encodeWithOffsets(text, 128);
            long[] tokIds = oe.encoding().inputIds();
            int n = tokIds.length;
            double[][] probs = new double[n][5];
            for (int t = 0; t < n; t++) {
                int tag = 0;
                if (oe.charStart()[t] >= 0) {
                    int cp = text.codePointCount(0, oe.charStart()[t]);
                    for (Object[] w : words) {
                        if (cp >= (int) w[1] && cp < (int) w[2]) tag = ids.get((String) w[3]);
                    }
                }
                probs[t][tag] = 0.9;
                for (int c = 0; c < 5; c++) if (c != tag) probs[t][c] = 0.025;
            }
            boolean[] sub = TokenEntities.subwords(text, oe.charStart(), tok.tokens(tokIds), tokIds, tok.continuingSubwordPrefix(), tok.unkTokenId());
            assertEquals("##", tok.continuingSubwordPrefix());
            TokenPrediction p = TokenEntities.decode(text, oe.charStart(), oe.charEnd(), sub, probs, TAGS, AggregationStrategy.FIRST);
            List<String> got = new ArrayList<>();
            for (TaggedWord w : p.words()) got.add(w.word() + "@" + w.start() + "-" + w.end() + ":" + w.tag());
            List<String> want = new ArrayList<>();
            for (Object[] w : words) want.add(w[0] + "@" + w[1] + "-" + w[2] + ":" + w[3]);
            assertEquals(want, got, "tokens " + tok.tokens(tokIds));
            assertEquals(3, p.entities().size(), p.entities().toString());
            assertEntity(p.entities().get(0), "PER", "Zoë", 0, 3, 0.9);
            assertEntity(p.entities().get(1), "PER", "José   Müller", 9, 22, 0.9);
            assertEntity(p.entities().get(2), "LOC", "São Paulo", 28, 37, 0.9);
            // the offsets index the input as Python does: code points
            int[] cps = text.codePoints().toArray();
            for (Entity e : p.entities()) assertEquals(e.text(), new String(cps, e.start(), e.end() - e.start()));
        }
    }

    @Test
    void strategyNamesAreHfs() {
        assertEquals(AggregationStrategy.AVERAGE, AggregationStrategy.parse("Average", "--aggregation-strategy"));
        assertEquals(AggregationStrategy.FIRST, AggregationStrategy.parse(null, "--aggregation-strategy"));
        var e = assertThrows(dev.jtune.JTuneException.class, () -> AggregationStrategy.parse("none", "--aggregation-strategy"));
        assertTrue(e.getMessage().contains("--aggregation-strategy"), e.getMessage());
    }
}
