package dev.jtune.inference;

import java.util.List;

/**
 * A token-classification prediction for one text.
 *
 * @param text     the input text
 * @param words    every word with its tag and probability, in order
 * @param entities the entities (no {@code O}), in order
 */
public record TokenPrediction(String text, List<TaggedWord> words, List<Entity> entities) {
    public TokenPrediction {
        words = List.copyOf(words);
        entities = List.copyOf(entities);
    }
}
