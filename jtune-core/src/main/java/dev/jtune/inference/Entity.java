package dev.jtune.inference;

/**
 * One entity found in a text (HF pipeline's grouped entity).
 *
 * @param type  the entity type: the tag without its {@code B-}/{@code I-} prefix (HF {@code entity_group})
 * @param text  the entity as it stands in the input (the input's characters from start to end, not a decoding of
 *              its tokens: case, accents and spacing are kept)
 * @param start first character in the input, in Unicode code points (Python {@code str} indices, as HF)
 * @param end   the character after the entity, in code points (exclusive)
 * @param score the mean of its words' scores (HF: {@code np.nanmean})
 */
public record Entity(String type, String text, int start, int end, double score) {}
