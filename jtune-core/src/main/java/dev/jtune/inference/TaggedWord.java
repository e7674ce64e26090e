package dev.jtune.inference;

/**
 * One word of a token-classification prediction: a run of sub-tokens that the tokenizer marks as one word (HF's
 * pipeline rule: continuation tokens carry the tokenizer's {@code ##} prefix; without such a prefix, a token
 * glued to the previous one, with no whitespace between them).
 *
 * @param word  the word as it stands in the input
 * @param start first character of the word in the input, in Unicode code points (Python {@code str} indices, as
 *              HF's pipeline reports them)
 * @param end   the character after the word, in code points (exclusive)
 * @param tag   the predicted tag (by the aggregation strategy; {@code simple}: the first sub-token's)
 * @param score the tag's probability (for {@code average}: its mean over the sub-tokens)
 */
public record TaggedWord(String word, int start, int end, String tag, double score) {}
