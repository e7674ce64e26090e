package dev.jtune.models;

import dev.jtune.modeling.TaskModel;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every family's key rules on load, for both heads, against a hand-written table (HF's {@code base_model_prefix},
 * head classes and {@code _keys_to_ignore_on_load_unexpected}): whether a key is this head's (initialised when
 * missing), outside the base model (never prefixed) or dropped as expected. The family writes its layout once
 * ({@code XxxModel.LAYOUT}); both heads must read it the same way.
 */
class CheckpointLayoutTest {
    /**
     * family, head ("seq" / "token"), key, head key?, outside the base model?, dropped?, token type ids? ("Outside"
     * only matters for a checkpoint without the family prefix; a head key counts as outside, as in HF.)
     */
    static Stream<Arguments> rules() {
        return Stream.of(
                // BERT: the pooler belongs to the sequence head; the token head drops it; cls.* is another task's
                Arguments.of("bert", "seq", "bert.pooler.dense.weight", true, true, false, true),
                Arguments.of("bert", "token", "bert.pooler.dense.weight", false, true, true, true),
                Arguments.of("bert", "seq", "classifier.weight", true, true, false, true),
                Arguments.of("bert", "token", "classifier.weight", true, true, false, true),
                Arguments.of("bert", "seq", "cls.predictions.bias", false, true, true, true),
                Arguments.of("bert", "token", "bert.embeddings.position_ids", false, false, true, true),
                Arguments.of("bert", "seq", "bert.encoder.layer.0.output.dense.weight", false, false, false, true),
                // RoBERTa / XLM-R: lm_head beside the base model, the pooler unused by both heads
                Arguments.of("roberta", "seq", "lm_head.dense.weight", false, true, true, false),
                Arguments.of("roberta", "token", "lm_head.bias", false, true, true, false),
                Arguments.of("roberta", "seq", "roberta.pooler.dense.weight", false, false, true, false),
                Arguments.of("xlm-roberta", "token", "roberta.pooler.dense.bias", false, false, true, false),
                Arguments.of("xlm-roberta", "seq", "classifier.out_proj.weight", true, true, false, false),
                // ELECTRA: pretraining heads dropped by both
                Arguments.of("electra", "seq", "discriminator_predictions.dense.weight", false, true, true, true),
                Arguments.of("electra", "token", "generator_lm_head.bias", false, true, true, true),
                Arguments.of("electra", "token", "generator_predictions.LayerNorm.weight", false, true, true, true),
                Arguments.of("electra", "seq", "electra.embeddings_project.weight", false, false, false, true),
                // DeBERTa-v2: pooler beside deberta.*, position embeddings ignored when unused
                Arguments.of("deberta-v2", "seq", "pooler.dense.weight", true, true, false, true),
                Arguments.of("deberta-v2", "token", "pooler.dense.weight", false, true, true, true),
                Arguments.of("deberta-v2", "seq", "lm_predictions.lm_head.bias", false, true, true, true),
                Arguments.of("deberta-v2", "token", "mask_predictions.dense.weight", false, true, true, true),
                Arguments.of("deberta-v2", "seq", "deberta.embeddings.position_embeddings.weight", false, false, true, true),
                // DistilBERT: pre_classifier is the sequence head's; vocab_* and qa_outputs are other tasks'
                Arguments.of("distilbert", "seq", "pre_classifier.weight", true, true, false, false),
                Arguments.of("distilbert", "token", "pre_classifier.weight", false, true, true, false),
                Arguments.of("distilbert", "seq", "vocab_projector.bias", false, true, true, false),
                Arguments.of("distilbert", "token", "qa_outputs.weight", false, true, true, false),
                Arguments.of("distilbert", "token", "distilbert.transformer.layer.0.ffn.lin1.weight", false, false, false, false),
                // ModernBERT: both heads have the prediction head; the MLM decoder is dropped
                Arguments.of("modernbert", "seq", "head.dense.weight", true, true, false, false),
                Arguments.of("modernbert", "token", "head.norm.weight", true, true, false, false),
                Arguments.of("modernbert", "token", "decoder.bias", false, true, true, false),
                Arguments.of("modernbert", "seq", "model.layers.0.attn.Wqkv.weight", false, false, false, false));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("rules")
    void familyLayoutDecidesEveryKey(String family, String head, String key, boolean isHead, boolean outside, boolean dropped,
                                     boolean tokenTypes) {
        Path dir = Fixtures.fixtures().resolve("arch").resolve("models").resolve(family);
        TaskModel m = head.equals("seq") ? AutoModelForSequenceClassification.fromPretrained(dir)
                : AutoModelForTokenClassification.fromPretrained(dir);
        assertEquals(isHead, m.isHeadKey(key), "head key");
        assertEquals(outside, m.isOutsideBaseModel(key), "outside the base model");
        assertEquals(dropped, m.isDroppedKey(key), "dropped on load");
        assertEquals(tokenTypes, m.usesTokenTypeIds(), "token type ids");
        assertEquals(family.equals("modernbert") ? "model" : family.equals("xlm-roberta") ? "roberta"
                : family.equals("deberta-v2") ? "deberta" : family, m.basePrefix());
    }
}
