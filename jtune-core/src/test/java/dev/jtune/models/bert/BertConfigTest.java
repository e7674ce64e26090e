package dev.jtune.models.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;
import dev.jtune.losses.LossSelection;
import dev.jtune.losses.ProblemType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** config.json rules: defaults, labels, problem_type, classifier_dropout, round trip. */
class BertConfigTest {
    @Test
    void defaultsAreHfs() {
        BertConfig c = BertConfig.fromJson("{\"model_type\":\"bert\"}", "t");
        assertEquals(30522, c.vocabSize);
        assertEquals(768, c.hiddenSize);
        assertEquals(12, c.numHiddenLayers);
        assertEquals(3072, c.intermediateSize);
        assertEquals("gelu", c.hiddenAct);
        assertEquals(1e-12, c.layerNormEps);
        assertEquals(2, c.numLabels(), "num_labels defaults to 2");
        assertEquals("LABEL_1", c.id2label().get(1));
        assertNull(c.problemType());
        assertEquals(0.1, c.effectiveClassifierDropout(), "classifier_dropout falls back to hidden_dropout_prob");
    }

    @Test
    void id2labelWinsOverNumLabelsWithAWarning() {
        BertConfig c = BertConfig.fromJson("{\"num_labels\": 5, \"id2label\": {\"0\": \"neg\", \"1\": \"pos\"}}", "cfg.json");
        assertEquals(2, c.numLabels());
        assertEquals(Map.of("neg", 0, "pos", 1), c.label2id());
        assertTrue(c.warnings().get(0).contains("`num_labels=5` which is incompatible to the `id2label` map of length `2`"));
    }

    @Test
    void legacyNumLabelsAndSetterRegenerateLabels() {
        BertConfig c = BertConfig.fromJson("{\"_num_labels\": 9}", "cfg.json");
        assertEquals(9, c.numLabels());
        c.setNumLabels(3);
        assertEquals(Map.of(0, "LABEL_0", 1, "LABEL_1", 2, "LABEL_2"), c.id2label());
    }

    @Test
    void invalidProblemTypeIsRejectedWithHfText() {
        JTuneException e = assertThrows(JTuneException.class, () -> BertConfig.fromJson("{\"problem_type\": \"multi_label\"}", "c"));
        assertTrue(e.getMessage().startsWith("The config parameter `problem_type` was not understood: received multi_label but only "
                + "'regression', 'single_label_classification' and 'multi_label_classification' are valid."), e.getMessage());
    }

    @Test
    void singleLabelWithOneLabelIsRejectedAsInV5() {
        JTuneException e = assertThrows(JTuneException.class,
                () -> BertConfig.fromJson("{\"num_labels\": 1, \"problem_type\": \"single_label_classification\"}", "c"));
        assertTrue(e.getMessage().contains("requires `num_labels > 1`"), e.getMessage());
    }

    @Test
    void hiddenSizeMustDivideHeads() {
        JTuneException e = assertThrows(JTuneException.class,
                () -> BertConfig.fromJson("{\"hidden_size\": 768, \"num_attention_heads\": 10}", "c"));
        assertTrue(e.getMessage().contains("The hidden size (768) is not a multiple of the number of attention heads (10)"));
    }

    @Test
    void unknownModelTypeAndBadJsonAreClearErrors() {
        assertTrue(assertThrows(JTuneException.class, () -> BertConfig.fromJson("{\"model_type\": \"gpt2\"}", "c"))
                .getMessage().contains("model_type \"gpt2\""));
        assertTrue(assertThrows(JTuneException.class, () -> BertConfig.fromJson("{\"hidden_size\": ", "config.json"))
                .getMessage().contains("config.json is not valid JSON"));
    }

    @Test
    void roundTripKeepsUnknownKeysAndSource() throws Exception {
        String in = "{\"model_type\":\"bert\",\"transformers_version\":\"4.57.0\",\"gradient_checkpointing\":false,"
                + "\"problem_type\":\"regression\",\"num_labels\":1,\"classifier_dropout\":0.3}";
        BertConfig c = BertConfig.fromJson(in, "c");
        assertEquals(LossSelection.Source.CONFIG, c.problemTypeSource());
        assertEquals(0.3, c.effectiveClassifierDropout());
        JsonNode out = new ObjectMapper().readTree(c.toJson());
        assertEquals("4.57.0", out.get("transformers_version").asText());
        assertFalse(out.get("gradient_checkpointing").asBoolean(true));
        assertEquals("regression", out.get("problem_type").asText());
        assertEquals("LABEL_0", out.get("id2label").get("0").asText());
        BertConfig back = BertConfig.fromJson(c.toJson(), "c2");
        assertEquals(c.toJson(), back.toJson(), "stable round trip");
        c.setProblemType(ProblemType.MULTI_LABEL_CLASSIFICATION);
        assertEquals(LossSelection.Source.EXPLICIT, c.problemTypeSource());
    }
}
