package dev.jtune.tokenization;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.JTuneException;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code post_processor} of a {@code tokenizer.json} as a template of special tokens and sequences, so that
 * jtune can truncate the texts itself and then add the special tokens the way the Rust tokenizer would.
 */
final class PostProcessorTemplate {

    /** One template piece: a special token (ids) or sequence A/B, with its type id. */
    record Piece(long[] specialIds, char sequence, int typeId) {
        boolean isSpecial() {
            return specialIds != null;
        }
    }

    private final List<Piece> single;
    private final List<Piece> pair;

    PostProcessorTemplate(List<Piece> single, List<Piece> pair) {
        this.single = List.copyOf(single);
        this.pair = List.copyOf(pair);
    }

    List<Piece> pieces(boolean isPair) {
        return isPair ? pair : single;
    }

    /** Number of special tokens the template adds. */
    int numSpecialTokens(boolean isPair) {
        int n = 0;
        for (Piece p : pieces(isPair)) if (p.isSpecial()) n += p.specialIds().length;
        return n;
    }

    static PostProcessorTemplate parse(JsonNode pp, String source) {
        if (pp == null || pp.isNull()) {
            return new PostProcessorTemplate(
                    List.of(new Piece(null, 'A', 0)), List.of(new Piece(null, 'A', 0), new Piece(null, 'B', 1)));
        }
        String type = pp.path("type").asText("");
        switch (type) {
            case "BertProcessing": {
                long[] cls = {pp.path("cls").path(1).asLong()};
                long[] sep = {pp.path("sep").path(1).asLong()};
                return new PostProcessorTemplate(
                        List.of(new Piece(cls, ' ', 0), new Piece(null, 'A', 0), new Piece(sep, ' ', 0)),
                        List.of(new Piece(cls, ' ', 0), new Piece(null, 'A', 0), new Piece(sep, ' ', 0),
                                new Piece(null, 'B', 1), new Piece(sep, ' ', 1)));
            }
            case "RobertaProcessing": {
                // <s> A </s> and <s> A </s></s> B </s> (tokenizers' RobertaProcessing; type ids 0, as RoBERTa has one type)
                long[] cls = {pp.path("cls").path(1).asLong()};
                long[] sep = {pp.path("sep").path(1).asLong()};
                return new PostProcessorTemplate(
                        List.of(new Piece(cls, ' ', 0), new Piece(null, 'A', 0), new Piece(sep, ' ', 0)),
                        List.of(new Piece(cls, ' ', 0), new Piece(null, 'A', 0), new Piece(sep, ' ', 0),
                                new Piece(sep, ' ', 0), new Piece(null, 'B', 0), new Piece(sep, ' ', 0)));
            }
            case "Sequence": {
                // e.g. [ByteLevel, TemplateProcessing]: ByteLevel only trims offsets, the other one adds the specials
                PostProcessorTemplate found = null;
                for (JsonNode p : pp.path("processors")) {
                    if ("ByteLevel".equals(p.path("type").asText())) continue;
                    if (found != null) {
                        throw new JTuneException("tokenizer " + source + ": post_processor Sequence has more than one processor that adds tokens",
                                "jtune adds special tokens from one TemplateProcessing, RobertaProcessing or BertProcessing",
                                "simplify the post_processor of tokenizer.json");
                    }
                    found = parse(p, source);
                }
                return found != null ? found : parse(null, source);
            }
            case "ByteLevel":
                return parse(null, source);
            case "TemplateProcessing": {
                JsonNode specials = pp.path("special_tokens");
                List<Piece> single = pieces(pp.path("single"), specials, source);
                List<Piece> pair = pieces(pp.path("pair"), specials, source);
                return new PostProcessorTemplate(single, pair);
            }
            default:
                throw new JTuneException(
                        "tokenizer " + source + ": post_processor type '" + type + "' is not supported",
                        "jtune adds special tokens from a TemplateProcessing, RobertaProcessing or BertProcessing post_processor",
                        "regenerate tokenizer.json with transformers (AutoTokenizer.from_pretrained(...).save_pretrained(dir))");
        }
    }

    private static List<Piece> pieces(JsonNode list, JsonNode specials, String source) {
        List<Piece> out = new ArrayList<>();
        for (JsonNode item : list) {
            if (item.has("Sequence")) {
                JsonNode s = item.get("Sequence");
                out.add(new Piece(null, s.path("id").asText("A").charAt(0), s.path("type_id").asInt(0)));
            } else if (item.has("SpecialToken")) {
                JsonNode s = item.get("SpecialToken");
                String id = s.path("id").asText();
                JsonNode ids = specials.path(id).path("ids");
                if (!ids.isArray() || ids.isEmpty()) {
                    throw new JTuneException(
                            "tokenizer " + source + ": post_processor special token '" + id + "' has no ids",
                            "every SpecialToken of a TemplateProcessing template needs an entry in special_tokens",
                            "repair or regenerate tokenizer.json (or remove it and keep vocab.txt)");
                }
                long[] arr = new long[ids.size()];
                for (int i = 0; i < arr.length; i++) arr[i] = ids.get(i).asLong();
                out.add(new Piece(arr, ' ', s.path("type_id").asInt(0)));
            }
        }
        return out;
    }
}
