package dev.jtune.tokenization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact token ids against the golden fixtures (HF fast-tokenizer semantics). */
class TokenizerFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PreTrainedTokenizer tinyBert;

    @BeforeAll
    static void load() {
        tinyBert = AutoTokenizer.fromPretrained(Fixtures.model("tiny-bert"));
    }

    @AfterAll
    static void close() {
        if (tinyBert != null) tinyBert.close();
    }

    static JsonNode read(String caseFile) throws IOException {
        return JSON.readTree(Fixtures.cases().resolve(caseFile).toFile());
    }

    static long[] longs(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = arr.get(i).asLong();
        return out;
    }

    static long[][] matrix(JsonNode arr) {
        long[][] out = new long[arr.size()][];
        for (int i = 0; i < out.length; i++) out[i] = longs(arr.get(i));
        return out;
    }

    static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    /** Checks every case of cases/tokenizer.json, one by one and as one batch. */
    static void assertTokenizerCases(PreTrainedTokenizer tok) throws IOException {
        JsonNode file = read("tokenizer.json");
        int maxLength = file.get("max_length").asInt();
        List<String> texts = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        for (JsonNode c : file.get("cases")) {
            String name = c.get("name").asText();
            String text = c.get("text").asText();
            String pair = textOrNull(c.get("text_pair"));
            texts.add(text);
            pairs.add(pair);
            Encoding e = tok.encode(text, pair, maxLength);
            if ("".equals(pair)) {
                // This fixture came from the batch call of the Rust tokenizer, which keeps an empty second segment
                // ([CLS] A [SEP] [SEP]). Measured against transformers 5.17: its single-example call
                // tok("Hello, World!", "") drops an empty pair (one [SEP]); jtune follows that, since a missing or
                // empty pair cell means "no pair" (shared/fixtures/arch/README.md, tokenize). So the expected
                // encoding is that of the first text alone.
                assertEquals(tok.encode(text, null, maxLength), e, name + ": an empty pair is no pair");
                long[] ids = longs(c.get("input_ids"));
                assertArrayEquals(Arrays.copyOf(ids, ids.length - 1), e.inputIds(), name + ": one separator fewer than the batch fixture");
                continue;
            }
            assertArrayEquals(longs(c.get("input_ids")), e.inputIds(), name + ": input_ids");
            assertArrayEquals(longs(c.get("token_type_ids")), e.tokenTypeIds(), name + ": token_type_ids");
            assertEquals(c.get("truncated").asBoolean(), e.truncated(), name + ": truncated");
            assertEquals(c.get("length_without_truncation").asInt(), e.lengthWithoutTruncation(),
                    name + ": length_without_truncation");
            List<String> expectedTokens = new ArrayList<>();
            c.get("tokens").forEach(t -> expectedTokens.add(t.asText()));
            assertEquals(expectedTokens, tok.tokens(e.inputIds()), name + ": tokens");
        }
        assertEquals(29, texts.size(), "fixture case count");
        List<Encoding> batch = tok.encodeBatch(texts, pairs, maxLength);
        int i = 0;
        for (JsonNode c : file.get("cases")) {
            assertEquals(tok.encode(texts.get(i), pairs.get(i), maxLength), batch.get(i),
                    c.get("name").asText() + ": batch equals single");
            i++;
        }
    }

    @Test
    void tokenizerJsonCases() throws IOException {
        assertTokenizerCases(tinyBert);
    }

    @Test
    void vocabTxtOnlyFolderGivesTheSameIds(@TempDir Path dir) throws IOException {
        Path src = Fixtures.model("tiny-bert");
        Files.copy(src.resolve("vocab.txt"), dir.resolve("vocab.txt"));
        Files.copy(src.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            assertTokenizerCases(tok);
            assertEquals(tinyBert.vocabSize(), tok.vocabSize());
            assertEquals(30522, tok.vocabSize());
        }
    }

    @Test
    void savePretrainedRoundTrip(@TempDir Path dir) throws IOException {
        tinyBert.savePretrained(dir);
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " written");
        }
        assertEquals(Files.readString(Fixtures.model("tiny-bert").resolve("vocab.txt")),
                Files.readString(dir.resolve("vocab.txt")));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            assertTokenizerCases(tok);
        }
        // the saved vocab.txt alone (json removed) still gives the same tokenizer
        Files.delete(dir.resolve("tokenizer.json"));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            assertTokenizerCases(tok);
        }
    }

    @Test
    void vocabOnlyFolderSavesACompleteFolder(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        Files.createDirectories(in);
        Files.copy(Fixtures.model("tiny-bert").resolve("vocab.txt"), in.resolve("vocab.txt"));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(in)) {
            tok.savePretrained(out);
        }
        JsonNode config = JSON.readTree(out.resolve("tokenizer_config.json").toFile());
        assertTrue(config.get("do_lower_case").asBoolean());
        assertEquals(512, config.get("model_max_length").asInt());
        assertEquals("[PAD]", JSON.readTree(out.resolve("special_tokens_map.json").toFile()).get("pad_token").asText());
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(out)) {
            assertTokenizerCases(tok);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"forward-single.json", "forward-single-maxlen16.json", "forward-single-ignore.json",
            "forward-regression.json", "forward-multi.json", "minilm-encoder.json"})
    void forwardCaseBatches(String caseFile) throws IOException {
        JsonNode c = read(caseFile);
        List<String> texts = new ArrayList<>();
        c.get("texts").forEach(t -> texts.add(t.asText()));
        List<String> pairs = null;
        if (c.hasNonNull("text_pairs")) {
            pairs = new ArrayList<>();
            for (JsonNode t : c.get("text_pairs")) pairs.add(textOrNull(t));
        }
        List<Encoding> rows = tinyBert.encodeBatch(texts, pairs, c.get("max_length").asInt());
        BatchEncoding b = new DataCollatorWithPadding(tinyBert).pad(rows);
        JsonNode exp = c.get("expected");
        long[][] ids = matrix(exp.get("input_ids"));
        assertEquals(ids.length, b.batchSize());
        assertEquals(ids[0].length, b.seqLen());
        for (int i = 0; i < ids.length; i++) {
            assertArrayEquals(ids[i], b.inputIds()[i], caseFile + " row " + i + ": input_ids");
            assertArrayEquals(matrix(exp.get("attention_mask"))[i], b.attentionMask()[i], caseFile + " row " + i + ": attention_mask");
            assertArrayEquals(matrix(exp.get("token_type_ids"))[i], b.tokenTypeIds()[i], caseFile + " row " + i + ": token_type_ids");
        }
    }

    /** The MiniLM artifact's own tokenizer.json pads and truncates to 128; jtune must ignore both blocks. */
    @Test
    void miniLmArtifactTokenizerJsonIgnoresItsPaddingAndTruncation() throws IOException {
        String json;
        try (var in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(json.contains("\"Fixed\""), "the artifact still has its fixed padding block");
        JsonNode c = read("minilm-encoder.json");
        List<String> texts = new ArrayList<>();
        c.get("texts").forEach(t -> texts.add(t.asText()));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromTokenizerJson(json, "all-minilm-l6-v2-tokenizer.json")) {
            BatchEncoding b = new DataCollatorWithPadding(tok).pad(tok.encodeBatch(texts, null, 128));
            long[][] ids = matrix(c.get("expected").get("input_ids"));
            assertEquals(ids[0].length, b.seqLen());
            for (int i = 0; i < ids.length; i++) assertArrayEquals(ids[i], b.inputIds()[i], "row " + i);
            assertEquals(30522, tok.vocabSize());
            Encoding cut = tok.encode("one two three four five", 4);
            assertArrayEquals(new long[] {101, 2028, 2048, 102}, cut.inputIds());
        }
    }

    @Test
    void camphrVocabOnlyFolderLoadsAndEncodes() {
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(Fixtures.model("camphr-tiny-bert-ner"))) {
            assertEquals(405, tok.vocabSize()); // vocab.txt has 405 lines; config.json says vocab_size 402
            assertEquals(0, tok.padTokenId());
            assertEquals(101, tok.convertTokensToIds("[CLS]"));
            assertEquals(102, tok.convertTokensToIds("[SEP]"));
            // hand-derived from camphr's vocab.txt: a=170, b=171, !=106, "ab" has no ##b -> [UNK]=100
            Encoding e = tok.encode("A b! ab", 16);
            assertArrayEquals(new long[] {101, 170, 171, 106, 100, 102}, e.inputIds());
            Encoding p = tok.encode("a", "b c", 16);
            assertArrayEquals(new long[] {101, 170, 102, 171, 172, 102}, p.inputIds());
            assertArrayEquals(new long[] {0, 0, 0, 1, 1, 1}, p.tokenTypeIds());
            assertEquals(512, tok.modelMaxLength());
        }
    }

    @Test
    void doLowerCaseFalseIsHonouredOnTheVocabPath(@TempDir Path dir) throws IOException {
        Files.copy(Fixtures.model("tiny-bert").resolve("vocab.txt"), dir.resolve("vocab.txt"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false, \"model_max_length\": 64}");
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            // the uncased vocabulary has no "Hello": one [UNK]; lower case text is found (hello = 7592)
            assertArrayEquals(new long[] {101, 100, 7592, 102}, tok.encode("Hello hello", 32).inputIds());
            assertEquals(64, tok.modelMaxLength());
        }
    }
}
