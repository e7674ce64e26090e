package dev.jtune.data;

import java.util.List;

/**
 * The labels of one token-classification example, in one of two forms: words with one tag id each (aligned to
 * sub-tokens when tokenised, as HF's {@code run_ner.py} does), or labels already one per sub-token, special tokens
 * included (used as given, like a tokenised HF dataset's {@code labels} column).
 *
 * @param words       the words (null for per-token labels)
 * @param tags        one tag id per word (-100 = not counted), or null for unlabelled words
 * @param tokenLabels one label per sub-token (-100 = not counted), or null for words
 */
public record TokenTags(List<String> words, int[] tags, int[] tokenLabels) {

    public TokenTags {
        if (words != null) words = List.copyOf(words);
        if (words != null && tags != null && tags.length != words.size()) {
            throw new IllegalArgumentException(tags.length + " tags for " + words.size() + " words");
        }
    }

    public static TokenTags ofWords(List<String> words, int[] tags) { return new TokenTags(words, tags, null); }

    public static TokenTags ofTokenLabels(int[] tokenLabels) { return new TokenTags(null, null, tokenLabels); }

    /** True when the tags are per word (to be aligned to sub-tokens). */
    public boolean perWord() { return words != null; }
}
