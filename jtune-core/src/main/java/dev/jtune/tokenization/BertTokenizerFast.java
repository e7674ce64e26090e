package dev.jtune.tokenization;

import dev.jtune.io.AtomicFiles;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BERT WordPiece tokenizer backed by HF's Rust {@code tokenizers} through DJL (mirrors transformers
 * {@code BertTokenizerFast}); truncation ({@code longest_first}, fast rule) and special tokens are applied in Java.
 */
public final class BertTokenizerFast implements PreTrainedTokenizer {
    static {
        System.setProperty("ai.djl.offline", "true"); // before any DJL class initialises: no network at all
    }

    static final int DEFAULT_MODEL_MAX_LENGTH = 512;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final ObjectNode tokenizerJson;
    private final ObjectNode tokenizerConfig;
    private final ObjectNode specialTokensMap;
    private final List<String> vocabLines;
    private final HuggingFaceTokenizer hf;
    private final Map<String, Integer> tokenToId = new HashMap<>();
    private final String[] idToToken;
    private final PostProcessorTemplate template;
    private final SpecialTokens specialTokens;
    private final int padTokenId;
    private final int modelMaxLength;
    /** Whether {@code token_type_ids} is among the tokenizer's {@code model_input_names}; if not, they are all 0. */
    private final boolean returnTokenTypeIds;
    private final Set<String> notes = Collections.synchronizedSet(new LinkedHashSet<>());

    /**
     * @param tokenizerJson    the tokenizer.json content (its truncation and padding are reset to null here)
     * @param tokenizerConfig  tokenizer_config.json, or null
     * @param specialTokensMap special_tokens_map.json, or null
     * @param vocabLines       the vocab.txt lines when the folder has one, else null
     * @param source           where it came from, for messages
     */
    BertTokenizerFast(ObjectNode tokenizerJson, ObjectNode tokenizerConfig, ObjectNode specialTokensMap,
                      List<String> vocabLines, String source) {
        this.source = source;
        this.tokenizerJson = tokenizerJson;
        tokenizerJson.putNull("truncation");
        tokenizerJson.putNull("padding");
        this.specialTokens = SpecialTokens.from(tokenizerConfig, specialTokensMap);
        this.tokenizerConfig = tokenizerConfig;
        this.specialTokensMap = specialTokensMap;
        this.template = PostProcessorTemplate.parse(tokenizerJson.get("post_processor"), source);

        int maxId = readVocab(tokenizerJson);
        this.idToToken = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : tokenToId.entrySet()) idToToken[e.getValue()] = e.getKey();
        this.vocabLines = vocabLines != null ? List.copyOf(vocabLines) : wordPieceVocabLines();

        Integer pad = tokenToId.get(specialTokens.pad());
        this.padTokenId = pad != null ? pad : 0;
        if (pad == null) {
            notes.add("pad_token '" + specialTokens.pad() + "' is not in the vocabulary of " + source
                    + "; padding with id 0");
        }
        this.modelMaxLength = readModelMaxLength(tokenizerConfig);
        this.returnTokenTypeIds = readReturnTokenTypeIds(tokenizerConfig);

        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "false");
        options.put("truncation", "false");
        options.put("padding", "false");
        options.put("withOverflowingTokens", "false");
        options.put("modelMaxLength", String.valueOf(Integer.MAX_VALUE));
        try {
            byte[] bytes = JSON.writeValueAsBytes(tokenizerJson);
            this.hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
        } catch (IOException | RuntimeException e) {
            throw new JTuneException(
                    "tokenizer " + source + " could not be loaded by HF tokenizers: " + firstLine(e),
                    "tokenizer.json must be a valid Hugging Face tokenizers file",
                    "regenerate tokenizer.json with transformers (tokenizer.save_pretrained), or remove it and "
                            + "keep vocab.txt + tokenizer_config.json", e);
        }
    }

    /** Loads a folder; see {@link AutoTokenizer#fromPretrained(Path)}. */
    public static BertTokenizerFast fromPretrained(Path dir) {
        return AutoTokenizer.load(dir);
    }

    /** Where this tokenizer was loaded from. */
    public String source() {
        return source;
    }

    @Override
    public Encoding encode(String text, String textPair, int maxLength) {
        requireText(text, "text", 0);
        if (textPair != null && textPair.isEmpty()) textPair = null; // transformers 5.17: an empty pair is no pair
        int ml = effectiveMaxLength(maxLength, textPair != null);
        long[] a = hf.encode(text, false, false).getIds();
        long[] b = textPair == null ? null : hf.encode(textPair, false, false).getIds();
        return assemble(a, b, ml);
    }

    @Override
    public String continuingSubwordPrefix() {
        JsonNode p = tokenizerJson.path("model").path("continuing_subword_prefix");
        return p.isTextual() && !p.asText().isEmpty() ? p.asText() : null;
    }

    @Override
    public int unkTokenId() {
        Integer id = specialTokens.unk() == null ? null : tokenToId.get(specialTokens.unk());
        return id == null ? -1 : id;
    }

    @Override
    public OffsetEncoding encodeWithOffsets(String text, int maxLength) {
        requireText(text, "text", 0);
        int ml = effectiveMaxLength(maxLength, false);
        ai.djl.huggingface.tokenizers.Encoding enc = hf.encode(text, false, false);
        long[] a = enc.getIds();
        ai.djl.huggingface.tokenizers.jni.CharSpan[] spans = enc.getCharTokenSpans();
        Encoding e = assemble(a, null, ml);
        int n = e.length();
        int[] start = new int[n], end = new int[n];
        java.util.Arrays.fill(start, -1);
        java.util.Arrays.fill(end, -1);
        int[] keep = LongestFirstTruncation.keep(a.length, -1, ml - template.numSpecialTokens(false));
        int pos = 0;
        int[] cpToChar = null;
        for (PostProcessorTemplate.Piece p : template.pieces(false)) {
            if (p.isSpecial()) {
                pos += p.specialIds().length;
            } else if (p.sequence() == 'A') {
                for (int i = 0; i < keep[0]; i++) {
                    ai.djl.huggingface.tokenizers.jni.CharSpan sp = spans[i];
                    if (sp == null) continue;
                    if (cpToChar == null) cpToChar = codePointToCharIndex(text);
                    // the Rust library counts Unicode scalar values; Java strings index UTF-16 units
                    start[pos + i] = cpToChar[Math.min(sp.getStart(), cpToChar.length - 1)];
                    end[pos + i] = cpToChar[Math.min(sp.getEnd(), cpToChar.length - 1)];
                }
                pos += keep[0];
            }
        }
        return new OffsetEncoding(e, start, end, a.length);
    }

    /** Index i → the UTF-16 index of code point i (length = code points + 1, the last entry = text.length()). */
    private static int[] codePointToCharIndex(String text) {
        int cps = text.codePointCount(0, text.length());
        int[] m = new int[cps + 1];
        int ci = 0;
        for (int i = 0; i < cps; i++) {
            m[i] = ci;
            ci += Character.charCount(text.codePointAt(ci));
        }
        m[cps] = text.length();
        return m;
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts, List<String> pairs, int maxLength) {
        if (texts == null) throw new IllegalArgumentException("texts is null");
        if (pairs != null && pairs.size() != texts.size()) {
            throw new JTuneException(
                    "text pairs: " + pairs.size() + " second texts for " + texts.size() + " first texts",
                    "text and text_pair need one entry per row",
                    "give every row a second text (or null), or pass no text pairs");
        }
        String[] first = new String[texts.size()];
        for (int i = 0; i < first.length; i++) first[i] = requireText(texts.get(i), "text", i);
        List<Integer> pairRows = new ArrayList<>();
        List<String> second = new ArrayList<>();
        if (pairs != null) {
            for (int i = 0; i < pairs.size(); i++) {
                if (pairs.get(i) != null && !pairs.get(i).isEmpty()) { // empty second text = no pair (as encode)
                    pairRows.add(i);
                    second.add(pairs.get(i));
                }
            }
        }
        int mlSingle = pairRows.size() < first.length ? effectiveMaxLength(maxLength, false) : -1;
        int mlPair = pairRows.isEmpty() ? -1 : effectiveMaxLength(maxLength, true);
        if (first.length == 0) return List.of();

        ai.djl.huggingface.tokenizers.Encoding[] encA = hf.batchEncode(first, false, false);
        long[][] idsB = new long[first.length][];
        if (!second.isEmpty()) {
            ai.djl.huggingface.tokenizers.Encoding[] encB =
                    hf.batchEncode(second.toArray(new String[0]), false, false);
            for (int j = 0; j < encB.length; j++) idsB[pairRows.get(j)] = encB[j].getIds();
        }
        List<Encoding> out = new ArrayList<>(first.length);
        for (int i = 0; i < first.length; i++) {
            out.add(assemble(encA[i].getIds(), idsB[i], idsB[i] == null ? mlSingle : mlPair));
        }
        return out;
    }

    /** Truncates the content ids with the fast longest_first rule, then adds the template's special tokens. */
    private Encoding assemble(long[] a, long[] b, int maxLength) {
        boolean isPair = b != null;
        int specials = template.numSpecialTokens(isPair);
        int[] keep = LongestFirstTruncation.keep(a.length, isPair ? b.length : -1, maxLength - specials);
        int total = specials + keep[0] + (isPair ? keep[1] : 0);
        long[] ids = new long[total];
        long[] types = new long[total];
        int pos = 0;
        for (PostProcessorTemplate.Piece p : template.pieces(isPair)) {
            long[] src;
            int n;
            if (p.isSpecial()) {
                src = p.specialIds();
                n = src.length;
            } else if (p.sequence() == 'A') {
                src = a;
                n = keep[0];
            } else {
                src = isPair ? b : new long[0];
                n = isPair ? keep[1] : 0;
            }
            System.arraycopy(src, 0, ids, pos, n);
            if (returnTokenTypeIds) Arrays.fill(types, pos, pos + n, p.typeId());
            pos += n;
        }
        boolean truncated = keep[0] < a.length || (isPair && keep[1] < b.length);
        int untruncated = specials + a.length + (isPair ? b.length : 0);
        return new Encoding(ids, types, truncated, untruncated);
    }

    private int effectiveMaxLength(int maxLength, boolean isPair) {
        int min = template.numSpecialTokens(isPair);
        if (maxLength < min) {
            throw new JTuneException(
                    "max_length " + maxLength + " is too small for " + (isPair ? "a text pair" : "a single text")
                            + " (HF max_length, CLI --max-length)",
                    "max_length counts the special tokens, so it must be at least " + min
                            + (isPair ? " ([CLS] A [SEP] B [SEP])" : " ([CLS] A [SEP])"),
                    "use a max_length of " + min + " or more (128 or 512 are usual for BERT)");
        }
        if (maxLength > modelMaxLength) {
            notes.add("max_length " + maxLength + " is above the tokenizer's model_max_length " + modelMaxLength
                    + " (tokenizer_config.json of " + source + "); clamped to " + modelMaxLength);
            return modelMaxLength;
        }
        return maxLength;
    }

    private static String requireText(String text, String field, int row) {
        if (text == null) {
            throw new JTuneException(
                    field + " of row " + row + " is missing (null)",
                    "every row needs a first text to tokenize",
                    "fill in or drop the rows without text");
        }
        return text;
    }

    @Override
    public int padTokenId() {
        return padTokenId;
    }

    @Override
    public int vocabSize() {
        return tokenToId.size();
    }

    @Override
    public int modelMaxLength() {
        return modelMaxLength;
    }

    @Override
    public String convertIdsToTokens(long id) {
        if (id < 0 || id >= idToToken.length || idToToken[(int) id] == null) {
            throw new JTuneException(
                    "token id " + id + " is not in the vocabulary of " + source + " (" + vocabSize() + " tokens)",
                    "ids must come from this tokenizer's vocabulary",
                    "use the tokenizer the ids were made with");
        }
        return idToToken[(int) id];
    }

    @Override
    public List<String> tokens(long[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (long id : ids) out.add(convertIdsToTokens(id));
        return out;
    }

    @Override
    public int convertTokensToIds(String token) {
        Integer id = tokenToId.get(token);
        return id == null ? -1 : id;
    }

    @Override
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return hf.decode(ids, skipSpecialTokens);
    }

    @Override
    public List<String> notes() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    @Override
    public void savePretrained(Path dir) {
        try {
            ObjectMapper pretty = JSON.copy();
            AtomicFiles.write(dir.resolve("tokenizer.json"), pretty.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(tokenizerJson));
            AtomicFiles.write(dir.resolve("tokenizer_config.json"), pretty.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(tokenizerConfig != null ? tokenizerConfig : generatedConfig()));
            AtomicFiles.write(dir.resolve("special_tokens_map.json"), pretty.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(specialTokensMap != null ? specialTokensMap : specialTokens.toJson()));
            if (vocabLines != null) {
                StringBuilder sb = new StringBuilder();
                for (String line : vocabLines) sb.append(line).append('\n');
                AtomicFiles.write(dir.resolve("vocab.txt"), sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new JTuneException(
                    "could not write the tokenizer into " + dir + ": " + e,
                    "save_pretrained needs a writable folder",
                    "choose another output folder (CLI --output-dir) or fix its permissions", e);
        }
    }

    @Override
    public void close() {
        hf.close();
    }

    private ObjectNode generatedConfig() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        JsonNode norm = tokenizerJson.path("normalizer");
        c.put("do_lower_case", norm.path("lowercase").asBoolean(true));
        JsonNode strip = norm.get("strip_accents");
        if (strip == null || strip.isNull()) c.putNull("strip_accents");
        else c.put("strip_accents", strip.asBoolean());
        c.put("tokenize_chinese_chars", norm.path("handle_chinese_chars").asBoolean(true));
        c.put("model_max_length", modelMaxLength);
        c.setAll(specialTokens.toJson());
        c.put("tokenizer_class", "BertTokenizer");
        return c;
    }

    /** Fills token/id maps from model.vocab and added_tokens; returns the largest id. */
    private int readVocab(ObjectNode json) {
        JsonNode vocab = json.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                tokenToId.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...]
            for (int i = 0; i < vocab.size(); i++) tokenToId.put(vocab.get(i).path(0).asText(), i);
        }
        for (JsonNode t : json.path("added_tokens")) {
            tokenToId.put(t.path("content").asText(), t.path("id").asInt());
        }
        if (tokenToId.isEmpty()) {
            throw new JTuneException(
                    "tokenizer " + source + " has an empty vocabulary (model.vocab)",
                    "a tokenizer needs a vocabulary",
                    "check that tokenizer.json is complete");
        }
        int max = 0;
        for (int id : tokenToId.values()) {
            if (id < 0) {
                throw new JTuneException("tokenizer " + source + " has a negative token id " + id,
                        "token ids are >= 0", "repair tokenizer.json");
            }
            max = Math.max(max, id);
        }
        return max;
    }

    /** vocab.txt lines for a WordPiece vocabulary whose ids are 0..n-1, else null. */
    private List<String> wordPieceVocabLines() {
        if (!"WordPiece".equals(tokenizerJson.path("model").path("type").asText())) return null;
        for (String t : idToToken) if (t == null) return null;
        return List.of(idToToken);
    }

    /**
     * {@code model_input_names} of tokenizer_config.json when present; otherwise the tokenizer class decides, as in
     * transformers (RoBERTa, XLM-R, DistilBERT, ModernBERT-style tokenizers give no token_type_ids).
     */
    private static boolean readReturnTokenTypeIds(JsonNode config) {
        if (config == null) return true;
        JsonNode names = config.get("model_input_names");
        if (names != null && names.isArray()) {
            for (JsonNode n : names) if ("token_type_ids".equals(n.asText())) return true;
            return false;
        }
        String cls = config.path("tokenizer_class").asText("");
        return !(cls.startsWith("Roberta") || cls.startsWith("XLMRoberta") || cls.startsWith("DistilBert")
                || cls.startsWith("Camembert") || cls.startsWith("Longformer"));
    }

    /** Whether encodings carry real token type ids (HF {@code "token_type_ids" in tokenizer.model_input_names}). */
    public boolean returnsTokenTypeIds() {
        return returnTokenTypeIds;
    }

    private static int readModelMaxLength(JsonNode config) {
        JsonNode n = config == null ? null : config.get("model_max_length");
        if (n == null || n.isNull() || !n.isNumber()) return DEFAULT_MODEL_MAX_LENGTH;
        double v = n.asDouble();
        if (v < 1) return DEFAULT_MODEL_MAX_LENGTH;
        return v >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
