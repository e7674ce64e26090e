package dev.jtune.tokenization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The BERT special-token strings of a tokenizer ({@code unk_token}, {@code sep_token}, {@code pad_token},
 * {@code cls_token}, {@code mask_token}), read from {@code special_tokens_map.json} and {@code tokenizer_config.json}.
 */
record SpecialTokens(String unk, String sep, String pad, String cls, String mask) {

    static final SpecialTokens BERT = new SpecialTokens("[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]");

    /** Values of {@code config} (tokenizer_config.json), overridden by {@code map} (special_tokens_map.json). */
    static SpecialTokens from(JsonNode config, JsonNode map) {
        return new SpecialTokens(
                pick("unk_token", config, map, BERT.unk),
                pick("sep_token", config, map, BERT.sep),
                pick("pad_token", config, map, BERT.pad),
                pick("cls_token", config, map, BERT.cls),
                pick("mask_token", config, map, BERT.mask));
    }

    String[] all() {
        return new String[] {pad, unk, cls, sep, mask};
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("unk_token", unk);
        o.put("sep_token", sep);
        o.put("pad_token", pad);
        o.put("cls_token", cls);
        o.put("mask_token", mask);
        return o;
    }

    private static String pick(String key, JsonNode config, JsonNode map, String dflt) {
        String fromMap = text(map == null ? null : map.get(key));
        if (fromMap != null) return fromMap;
        String fromConfig = text(config == null ? null : config.get(key));
        return fromConfig != null ? fromConfig : dflt;
    }

    /** A token given as a string or as an AddedToken object {@code {"content": "[PAD]", ...}}. */
    private static String text(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (n.isTextual()) return n.asText();
        if (n.isObject() && n.path("content").isTextual()) return n.get("content").asText();
        return null;
    }
}
