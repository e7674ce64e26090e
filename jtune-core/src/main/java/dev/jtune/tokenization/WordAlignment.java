package dev.jtune.tokenization;

import java.util.Arrays;
import java.util.List;

/**
 * Word-level tags aligned to sub-word tokens through word ids, as HF's {@code run_ner.py}
 * ({@code tokenize_and_align_labels}): special tokens get −100; the first sub-token of a word gets the word's tag;
 * the other sub-tokens get −100, or with {@code labelAllTokens} the word's tag (a {@code B-} tag becomes its
 * {@code I-} tag, through {@code bToI}). A token's word is the word whose character span holds the token's first
 * character in the words joined by single spaces.
 *
 * @param labels     one label per token (−100 where it does not count), the encoding's length
 * @param wordIds    per token: its word index, or −1 for a special token (HF {@code word_ids()}: None)
 * @param firstToken per word: the index of its first token, or −1 when the word lost all its tokens (truncation)
 * @param lostWords  labelled words with no token left after truncation (their tags are not learned)
 */
public record WordAlignment(long[] labels, int[] wordIds, int[] firstToken, int lostWords) {

    public static final int IGNORE = -100;

    /** Character starts of the words in {@code String.join(" ", words)}. */
    public static int[] wordStarts(List<String> words) {
        int[] s = new int[words.size()];
        int c = 0;
        for (int i = 0; i < s.length; i++) {
            s[i] = c;
            c += words.get(i).length() + 1;
        }
        return s;
    }

    /** Word ids of the tokens of {@code enc}, for words starting at {@code starts} with the given lengths. */
    public static int[] wordIds(OffsetEncoding enc, int[] starts, int[] lengths) {
        int n = enc.encoding().length();
        int[] ids = new int[n];
        for (int t = 0; t < n; t++) {
            int c = enc.charStart()[t];
            if (c < 0) { ids[t] = -1; continue; }
            int w = Arrays.binarySearch(starts, c);
            if (w < 0) w = -w - 2; // the word starting at or before c
            ids[t] = w >= 0 && c < starts[w] + Math.max(lengths[w], 1) ? w : -1;
        }
        return ids;
    }

    /**
     * Aligns {@code tags} (one per word, −100 allowed; null for unlabelled words) to the tokens of {@code enc}.
     *
     * @param bToI tag id → the id of its I- form (identity for non-B tags); used only with {@code labelAllTokens}
     */
    public static WordAlignment align(OffsetEncoding enc, List<String> words, int[] tags, boolean labelAllTokens, int[] bToI) {
        int[] starts = wordStarts(words);
        int[] lengths = words.stream().mapToInt(String::length).toArray();
        int[] wordIds = wordIds(enc, starts, lengths);
        int n = wordIds.length;
        long[] labels = new long[n];
        int[] first = new int[words.size()];
        Arrays.fill(first, -1);
        int prev = -1;
        for (int t = 0; t < n; t++) {
            int w = wordIds[t];
            if (w < 0) { labels[t] = IGNORE; prev = -1; continue; }
            int tag = tags == null ? IGNORE : tags[w];
            if (w != prev) {
                if (first[w] < 0) first[w] = t;
                labels[t] = tag;
            } else {
                labels[t] = labelAllTokens && tag >= 0 ? (bToI == null ? tag : bToI[tag]) : IGNORE;
            }
            prev = w;
        }
        int lost = 0;
        if (tags != null) for (int w = 0; w < first.length; w++) if (first[w] < 0 && tags[w] != IGNORE) lost++;
        return new WordAlignment(labels, wordIds, first, lost);
    }
}
