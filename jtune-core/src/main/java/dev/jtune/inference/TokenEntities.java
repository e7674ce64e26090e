package dev.jtune.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes per-token tag probabilities into words and entities with the rules of HF's
 * {@code TokenClassificationPipeline} ({@code gather_pre_entities}, {@code aggregate_words}, {@code group_entities}),
 * with character offsets in the input. Pure Java: no model, no tensors.
 *
 * <p>Where jtune differs from HF, on purpose: an entity's {@code text} is the input's characters, not the
 * tokenizer's decoding (which lower-cases and drops accents for uncased models); with a {@code ##}-style prefix a
 * token is a continuation exactly when it carries the prefix (HF compares the token's length with its span's, which
 * also fuses a word whose normalised form has another length, e.g. a decomposed accent, into the word before it);
 * without a prefix, HF's fallback applies (no whitespace on either side of the token's start), with any whitespace
 * character rather than only {@code ' '}.
 */
public final class TokenEntities {
    private TokenEntities() {}

    /** One non-special token: its span (UTF-16 indices), probabilities and whether it continues a word. */
    private record Piece(int start, int end, double[] scores, boolean subword) {}

    /** A scored span with a tag: a word (aggregated pieces) or, for SIMPLE, a piece. */
    private record Tagged(int start, int end, String tag, double score) {}

    /**
     * Marks the continuation tokens of an encoding, as HF's pipeline does.
     *
     * @param text      the input
     * @param charStart per token, first character (UTF-16), or -1 for special tokens
     * @param tokens    the token strings (HF {@code convert_ids_to_tokens})
     * @param ids       the token ids
     * @param prefix    the tokenizer's continuing-subword prefix, or null
     * @param unkId     the unknown token's id (never a continuation), or -1
     */
    public static boolean[] subwords(String text, int[] charStart, List<String> tokens, long[] ids, String prefix, int unkId) {
        boolean[] sub = new boolean[charStart.length];
        for (int t = 0; t < sub.length; t++) {
            int s = charStart[t];
            if (s < 0 || ids[t] == unkId) continue;
            if (prefix != null) {
                sub[t] = tokens.get(t).startsWith(prefix);
            } else {
                sub[t] = s > 0 && !Character.isWhitespace(text.charAt(s - 1)) && s < text.length() && !Character.isWhitespace(text.charAt(s));
            }
        }
        return sub;
    }

    /**
     * Words and entities of one text.
     *
     * @param text      the input
     * @param charStart per token: first character (UTF-16 index), or -1 for a special token (skipped)
     * @param charEnd   per token: end character (UTF-16, exclusive), or -1
     * @param subword   per token: continues the previous token's word (see {@link #subwords})
     * @param probs     per token: the probability of every tag (softmax of its logits)
     * @param id2label  tag names by id
     */
    public static TokenPrediction decode(String text, int[] charStart, int[] charEnd, boolean[] subword, double[][] probs,
                                         Map<Integer, String> id2label, AggregationStrategy strategy) {
        List<Piece> pieces = new ArrayList<>();
        for (int t = 0; t < charStart.length; t++) {
            if (charStart[t] < 0) continue;
            // the first piece of a text always opens a word
            pieces.add(new Piece(charStart[t], charEnd[t], probs[t], subword[t] && !pieces.isEmpty()));
        }
        AggregationStrategy wordRule = strategy == AggregationStrategy.SIMPLE ? AggregationStrategy.FIRST : strategy;
        List<Tagged> words = aggregateWords(pieces, wordRule, id2label);
        List<Tagged> units;
        if (strategy == AggregationStrategy.SIMPLE) {
            units = new ArrayList<>();
            for (Piece p : pieces) {
                int best = argmax(p.scores);
                units.add(new Tagged(p.start, p.end, id2label.get(best), p.scores[best]));
            }
        } else {
            units = words;
        }
        List<TaggedWord> outWords = new ArrayList<>(words.size());
        for (Tagged w : words) {
            outWords.add(new TaggedWord(text.substring(w.start, w.end), cp(text, w.start), cp(text, w.end), w.tag, w.score));
        }
        return new TokenPrediction(text, outWords, groupEntities(text, units));
    }

    private static List<Tagged> aggregateWords(List<Piece> pieces, AggregationStrategy s, Map<Integer, String> id2label) {
        List<Tagged> out = new ArrayList<>();
        List<Piece> group = new ArrayList<>();
        for (Piece p : pieces) {
            if (!group.isEmpty() && !p.subword) {
                out.add(aggregateWord(group, s, id2label));
                group = new ArrayList<>();
            }
            group.add(p);
        }
        if (!group.isEmpty()) out.add(aggregateWord(group, s, id2label));
        return out;
    }

    /** HF {@code aggregate_word}. */
    private static Tagged aggregateWord(List<Piece> g, AggregationStrategy s, Map<Integer, String> id2label) {
        double[] scores;
        switch (s) {
            case MAX -> {
                Piece best = g.get(0);
                for (Piece p : g) if (max(p.scores) > max(best.scores)) best = p; // ties: the first, as Python's max()
                scores = best.scores;
            }
            case AVERAGE -> {
                scores = new double[g.get(0).scores.length];
                for (int c = 0; c < scores.length; c++) {
                    double sum = 0;
                    int n = 0;
                    for (Piece p : g) if (!Double.isNaN(p.scores[c])) { sum += p.scores[c]; n++; }
                    scores[c] = n == 0 ? Double.NaN : sum / n; // np.nanmean
                }
            }
            default -> scores = g.get(0).scores;
        }
        int best = argmax(scores);
        return new Tagged(g.get(0).start, g.get(g.size() - 1).end, id2label.get(best), scores[best]);
    }

    /** HF {@code group_entities} + {@code group_sub_entities}, then the {@code O} groups dropped (ignore_labels). */
    private static List<Entity> groupEntities(String text, List<Tagged> units) {
        List<Entity> out = new ArrayList<>();
        List<Tagged> open = new ArrayList<>();
        for (Tagged u : units) {
            if (!open.isEmpty()) {
                String[] bt = biTag(u.tag), last = biTag(open.get(open.size() - 1).tag);
                if (!(bt[1].equals(last[1]) && !bt[0].equals("B"))) {
                    close(text, open, out);
                    open = new ArrayList<>();
                }
            }
            open.add(u);
        }
        if (!open.isEmpty()) close(text, open, out);
        return out;
    }

    private static void close(String text, List<Tagged> group, List<Entity> out) {
        String tag = group.get(0).tag;
        int dash = tag.indexOf('-');
        String type = dash < 0 ? tag : tag.substring(dash + 1); // Python: tag.split("-", 1)[-1]
        if (type.equals("O")) return;
        double sum = 0;
        int n = 0;
        for (Tagged t : group) if (!Double.isNaN(t.score)) { sum += t.score; n++; }
        int s = group.get(0).start, e = group.get(group.size() - 1).end;
        out.add(new Entity(type, text.substring(s, e), cp(text, s), cp(text, e), n == 0 ? Double.NaN : sum / n));
    }

    /** HF {@code get_tag}: B-X → (B, X); I-X → (I, X); anything else → (I, itself). */
    static String[] biTag(String tag) {
        if (tag.startsWith("B-")) return new String[] {"B", tag.substring(2)};
        if (tag.startsWith("I-")) return new String[] {"I", tag.substring(2)};
        return new String[] {"I", tag};
    }

    /** UTF-16 index → code point index (Python str index). */
    static int cp(String text, int utf16) { return text.codePointCount(0, utf16); }

    static int argmax(double[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b] || (Double.isNaN(v[b]) && !Double.isNaN(v[i]))) b = i;
        return b;
    }

    private static double max(double[] v) { return v[argmax(v)]; }
}
