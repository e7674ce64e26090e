package dev.jtune.tokenization;

/**
 * The {@code longest_first} truncation rule of HF's Rust (fast) tokenizers: how many tokens of each text to keep.
 *
 * <p>With budget {@code n} (the maximum length minus the special tokens): if everything fits nothing is cut; a
 * single text is cut to {@code n}; for a pair, if the shorter text has at most {@code n/2} tokens only the longer
 * one is cut, to {@code n - short}; otherwise the shorter is cut to {@code n / 2} and the longer to
 * {@code n / 2 + n % 2} (on equal lengths the first counts as the shorter, so the second gets the odd token).
 * HF's slow Python tokenizer differs on that odd token; jtune follows the fast one, as {@code AutoTokenizer} does.
 * Tokens are always removed from the end.
 */
public final class LongestFirstTruncation {
    private LongestFirstTruncation() {}

    /**
     * @param lengthA tokens of the first text
     * @param lengthB tokens of the second text, or -1 when there is none
     * @param budget  tokens allowed for the texts together ({@code >= 0})
     * @return {@code {keepA, keepB}} ({@code keepB} is -1 when there is no second text)
     */
    public static int[] keep(int lengthA, int lengthB, int budget) {
        if (lengthA < 0 || budget < 0) {
            throw new IllegalArgumentException("lengthA " + lengthA + " and budget " + budget + " must be >= 0");
        }
        if (lengthB < 0) {
            return new int[] {Math.min(lengthA, budget), -1};
        }
        if (lengthA + lengthB <= budget) {
            return new int[] {lengthA, lengthB};
        }
        boolean firstIsShorter = lengthA <= lengthB;
        int shorter = firstIsShorter ? lengthA : lengthB;
        int keepShort;
        int keepLong;
        if (2 * shorter <= budget) {
            keepShort = shorter;
            keepLong = budget - shorter;
        } else {
            keepShort = budget / 2;
            keepLong = budget / 2 + budget % 2;
        }
        return firstIsShorter ? new int[] {keepShort, keepLong} : new int[] {keepLong, keepShort};
    }
}
