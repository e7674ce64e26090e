package dev.jtune.tokenization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code tokenizer.json} that transformers' {@code BertConverter} would make from a {@code vocab.txt}
 * and {@code tokenizer_config.json} (for folders of slow {@code BertTokenizer}s that ship no tokenizer.json).
 */
final class WordPieceTokenizerJson {
    private WordPieceTokenizerJson() {}

    /**
     * @param vocabLines the lines of vocab.txt (line i = id i)
     * @param config     tokenizer_config.json, or null
     */
    static ObjectNode build(List<String> vocabLines, JsonNode config, SpecialTokens specials, String source) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < vocabLines.size(); i++) vocab.put(vocabLines.get(i), i); // later duplicates win, as in HF
        for (String required : new String[] {specials.unk(), specials.cls(), specials.sep()}) {
            if (!vocab.containsKey(required)) {
                throw new JTuneException(
                        "tokenizer " + source + "/vocab.txt: special token '" + required + "' is not in the vocabulary",
                        "a BERT WordPiece tokenizer needs its unk_token, cls_token and sep_token in vocab.txt",
                        "add the token to vocab.txt or set unk_token/cls_token/sep_token in tokenizer_config.json");
            }
        }
        boolean lowercase = bool(config, "do_lower_case", true);
        boolean chinese = bool(config, "tokenize_chinese_chars", true);
        JsonNode strip = config == null ? null : config.get("strip_accents");

        ObjectNode root = f.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");

        ArrayNode added = root.putArray("added_tokens");
        List<Map.Entry<String, Integer>> specialsInVocab = new ArrayList<>();
        for (String s : specials.all()) {
            Integer id = vocab.get(s);
            if (id != null && specialsInVocab.stream().noneMatch(e -> e.getKey().equals(s))) {
                specialsInVocab.add(Map.entry(s, id));
            }
        }
        specialsInVocab.sort(Map.Entry.comparingByValue());
        for (Map.Entry<String, Integer> e : specialsInVocab) {
            ObjectNode t = added.addObject();
            t.put("id", e.getValue());
            t.put("content", e.getKey());
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }

        ObjectNode norm = root.putObject("normalizer");
        norm.put("type", "BertNormalizer");
        norm.put("clean_text", true);
        norm.put("handle_chinese_chars", chinese);
        if (strip == null || strip.isNull()) norm.putNull("strip_accents"); // null: follows lowercase
        else norm.put("strip_accents", strip.asBoolean());
        norm.put("lowercase", lowercase);

        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");

        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, specials.cls(), 0);
        sequence(single, "A", 0);
        special(single, specials.sep(), 0);
        ArrayNode pair = post.putArray("pair");
        special(pair, specials.cls(), 0);
        sequence(pair, "A", 0);
        special(pair, specials.sep(), 0);
        sequence(pair, "B", 1);
        special(pair, specials.sep(), 1);
        ObjectNode st = post.putObject("special_tokens");
        for (String s : new String[] {specials.cls(), specials.sep()}) {
            ObjectNode o = st.putObject(s);
            o.put("id", s);
            o.putArray("ids").add(vocab.get(s));
            o.putArray("tokens").add(s);
        }

        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "WordPiece");
        dec.put("prefix", "##");
        dec.put("cleanup", true);

        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece");
        model.put("unk_token", specials.unk());
        model.put("continuing_subword_prefix", "##");
        model.put("max_input_chars_per_word", 100);
        ObjectNode v = model.putObject("vocab");
        for (Map.Entry<String, Integer> e : vocab.entrySet()) v.put(e.getKey(), e.getValue());
        return root;
    }

    private static boolean bool(JsonNode config, String key, boolean dflt) {
        JsonNode n = config == null ? null : config.get(key);
        return n == null || n.isNull() ? dflt : n.asBoolean(dflt);
    }

    private static void special(ArrayNode list, String token, int typeId) {
        ObjectNode s = list.addObject().putObject("SpecialToken");
        s.put("id", token);
        s.put("type_id", typeId);
    }

    private static void sequence(ArrayNode list, String id, int typeId) {
        ObjectNode s = list.addObject().putObject("Sequence");
        s.put("id", id);
        s.put("type_id", typeId);
    }
}
