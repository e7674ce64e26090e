package dev.jtune.inference;

import dev.jtune.JTuneException;

import java.util.Arrays;
import java.util.Locale;

/**
 * How sub-word predictions become words and entities: HF's {@code TokenClassificationPipeline}
 * {@code aggregation_strategy} (CLI {@code --aggregation-strategy}).
 * <ul>
 *   <li>{@link #FIRST} (jtune's default, as {@code run_ner.py} trains: the first sub-token carries the word's tag):
 *       a word takes the tag and score of its first sub-token;</li>
 *   <li>{@link #AVERAGE}: the sub-tokens' probability vectors are averaged, the word takes the best tag of the mean;</li>
 *   <li>{@link #MAX}: the word takes the tag of its sub-token with the highest probability;</li>
 *   <li>{@link #SIMPLE}: no word fusion; consecutive sub-tokens are grouped into entities by their own tags (a word
 *       may then be split between entities).</li>
 * </ul>
 * Entities are then grouped as HF's {@code group_entities}: a tag continues the open entity when its type is the
 * same and it is not a {@code B-} tag; the entity's score is the mean of its words' (or tokens') scores; {@code O}
 * groups are dropped.
 */
public enum AggregationStrategy {
    FIRST, AVERAGE, MAX, SIMPLE;

    /** HF's name: first, average, max, simple. */
    public String hfName() { return name().toLowerCase(Locale.ROOT); }

    /** Parses HF's name (case-insensitive); {@code flag} names the option in the error. */
    public static AggregationStrategy parse(String s, String flag) {
        if (s == null) return FIRST;
        for (AggregationStrategy a : values()) if (a.hfName().equalsIgnoreCase(s.trim())) return a;
        throw new JTuneException(flag + " \"" + s + "\"",
                "the aggregation strategy is one of " + Arrays.stream(values()).map(AggregationStrategy::hfName).toList()
                        + " (HF TokenClassificationPipeline aggregation_strategy; \"none\" is not offered: it gives sub-tokens, not words)",
                "pass " + flag + " first (the default), average, max or simple");
    }
}
