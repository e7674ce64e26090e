package dev.jtune.tokenization;

/**
 * An {@link Encoding} of a single text with each token's character span in that text (HF's
 * {@code return_offsets_mapping}), as Java string indices (UTF-16), end exclusive; special tokens have -1.
 *
 * @param encoding  the ids, truncated to max_length, special tokens added
 * @param charStart per token: first character, or -1 for a special token
 * @param charEnd   per token: end character (exclusive), or -1 for a special token
 * @param contentTokensBeforeTruncation how many content (non-special) tokens the text gave before truncation
 */
public record OffsetEncoding(Encoding encoding, int[] charStart, int[] charEnd, int contentTokensBeforeTruncation) {}
