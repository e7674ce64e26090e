package dev.jtune.modeling;

import java.util.List;

/**
 * How one encoder family's checkpoints are laid out, written once per family and shared by its sequence and token
 * heads (HF spreads this over {@code XxxPreTrainedModel.base_model_prefix}, each head's
 * {@code _keys_to_ignore_on_load_unexpected} and the tokenizer's {@code model_input_names}).
 *
 * @param baseModelPrefix        HF's {@code base_model_prefix}: "bert", "roberta", "deberta", "model" (ModernBERT)
 * @param usesTokenTypeIds       whether the family's tokenizer gives token type ids to the model
 * @param otherTaskPrefixes      other tasks' heads beside the base model (RoBERTa's {@code lm_head.}, ELECTRA's
 *                               pretraining heads, ...): never prefixed, dropped on load (BERT's {@code cls.} is
 *                               dropped for every family)
 * @param unusedPrefixes         keys under the base model that neither head has a module for (RoBERTa's pooler):
 *                               dropped on load
 * @param droppedSubstrings      keys containing one of these are dropped when the model has no such parameter
 *                               (DeBERTa's {@code position_embeddings} without absolute positions)
 * @param sequenceHeadPrefixes   the sequence head's keys besides {@code classifier.} (BERT's pooler, DistilBERT's
 *                               {@code pre_classifier.}, ...): initialised when missing; the token head drops them
 * @param tokenHeadPrefixes      the token head's keys besides {@code classifier.} (ModernBERT's {@code head.})
 */
public record CheckpointLayout(String baseModelPrefix, boolean usesTokenTypeIds, List<String> otherTaskPrefixes,
                               List<String> unusedPrefixes, List<String> droppedSubstrings,
                               List<String> sequenceHeadPrefixes, List<String> tokenHeadPrefixes) {

    public CheckpointLayout {
        otherTaskPrefixes = List.copyOf(otherTaskPrefixes);
        unusedPrefixes = List.copyOf(unusedPrefixes);
        droppedSubstrings = List.copyOf(droppedSubstrings);
        sequenceHeadPrefixes = List.copyOf(sequenceHeadPrefixes);
        tokenHeadPrefixes = List.copyOf(tokenHeadPrefixes);
    }

    /** A layout with only a prefix and the token-type flag; add the rest with the {@code with*} methods. */
    public static CheckpointLayout of(String baseModelPrefix, boolean usesTokenTypeIds) {
        return new CheckpointLayout(baseModelPrefix, usesTokenTypeIds, List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public CheckpointLayout withOtherTaskPrefixes(String... p) {
        return new CheckpointLayout(baseModelPrefix, usesTokenTypeIds, List.of(p), unusedPrefixes, droppedSubstrings, sequenceHeadPrefixes, tokenHeadPrefixes);
    }

    public CheckpointLayout withUnusedPrefixes(String... p) {
        return new CheckpointLayout(baseModelPrefix, usesTokenTypeIds, otherTaskPrefixes, List.of(p), droppedSubstrings, sequenceHeadPrefixes, tokenHeadPrefixes);
    }

    public CheckpointLayout withDroppedSubstrings(String... s) {
        return new CheckpointLayout(baseModelPrefix, usesTokenTypeIds, otherTaskPrefixes, unusedPrefixes, List.of(s), sequenceHeadPrefixes, tokenHeadPrefixes);
    }

    public CheckpointLayout withSequenceHeadPrefixes(String... p) {
        return new CheckpointLayout(baseModelPrefix, usesTokenTypeIds, otherTaskPrefixes, unusedPrefixes, droppedSubstrings, List.of(p), tokenHeadPrefixes);
    }

    public CheckpointLayout withTokenHeadPrefixes(String... p) {
        return new CheckpointLayout(baseModelPrefix, usesTokenTypeIds, otherTaskPrefixes, unusedPrefixes, droppedSubstrings, sequenceHeadPrefixes, List.of(p));
    }

    static boolean startsWithAny(String key, List<String> prefixes) {
        for (String p : prefixes) if (key.startsWith(p)) return true;
        return false;
    }

    boolean isOtherTaskKey(String key) { return startsWithAny(key, otherTaskPrefixes); }

    boolean isUnusedKey(String key) {
        if (startsWithAny(key, unusedPrefixes)) return true;
        for (String s : droppedSubstrings) if (key.contains(s)) return true;
        return false;
    }

    /** The sequence head's own keys: {@code classifier.} and {@link #sequenceHeadPrefixes}. */
    boolean isSequenceHeadKey(String key) { return key.startsWith("classifier.") || startsWithAny(key, sequenceHeadPrefixes); }

    /** The token head's own keys: {@code classifier.} and {@link #tokenHeadPrefixes}. */
    boolean isTokenHeadKey(String key) { return key.startsWith("classifier.") || startsWithAny(key, tokenHeadPrefixes); }
}
