package dev.jtune.models.bert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.JTuneException;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SaveLoadRoundTripTest {
    @TempDir
    Path tmp;

    private static float[] logits(BertForSequenceClassification m, long[][] ids) {
        m.eval();
        try (PointerScope s = new PointerScope()) {
            Tensor t = Torch.longs(ids);
            return Torch.toFloatArray(m.forward(t, null, null).logits());
        }
    }

    @Test
    void saveThenLoadKeepsLogitsBitIdenticalAndHfNames() throws Exception {
        long[][] ids = {{101, 2023, 2003, 1037, 3231, 102}, {101, 7592, 102, 0, 0, 0}};
        BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(Fixtures.model("tiny-bert-single"));
        float[] before = logits(m, new long[][] {ids[0]});
        // a labelled forward infers the problem type, which must be saved
        try (PointerScope s = new PointerScope()) {
            m.forward(Torch.longs(new long[][] {ids[0]}), null, null, Torch.longs(new long[] {1}, 1));
        }
        Path out = tmp.resolve("saved");
        m.savePretrained(out);
        assertTrue(Files.isRegularFile(out.resolve("config.json")));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        var st = SafeTensors.read(out.resolve("model.safetensors"));
        assertEquals("pt", st.metadata().get("format"));
        assertTrue(st.tensors().containsKey("bert.encoder.layer.1.output.LayerNorm.weight"));
        assertArrayEquals(new long[] {3, 32}, st.tensors().get("classifier.weight").shape());
        JsonNode cfg = Json.read(out.resolve("config.json"));
        assertEquals("single_label_classification", cfg.get("problem_type").asText());
        assertEquals("BertForSequenceClassification", cfg.get("architectures").get(0).asText());
        assertEquals("positive", cfg.get("id2label").get("2").asText());
        assertEquals(2, cfg.get("label2id").get("positive").asInt());

        BertForSequenceClassification back = BertForSequenceClassification.fromPretrained(out);
        assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, back.config().problemType());
        assertTrue(back.loadReport().newlyInitialized().isEmpty());
        assertArrayEquals(before, logits(back, new long[][] {ids[0]}), "bit-identical logits");
    }

    @Test
    void encoderCheckpointGetsNewHeadReportedAsExpected() {
        BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(Fixtures.model("tiny-bert"),
                FromPretrainedOptions.builder().numLabels(5).build());
        assertEquals(List.of("classifier.weight", "classifier.bias"), m.loadReport().newlyInitialized());
        assertTrue(m.loadReport().warnings().isEmpty(), m.loadReport().warnings().toString());
        // the same seed gives the same head
        BertForSequenceClassification m2 = BertForSequenceClassification.fromPretrained(Fixtures.model("tiny-bert"),
                FromPretrainedOptions.builder().numLabels(5).build());
        assertArrayEquals(Torch.toFloatArray(m.namedParameters().get("classifier.weight")),
                Torch.toFloatArray(m2.namedParameters().get("classifier.weight")));
    }

    @Test
    void headSizeMismatchIsAnErrorUnlessIgnored() {
        JTuneException e = assertThrows(JTuneException.class, () -> BertForSequenceClassification.fromPretrained(
                Fixtures.model("tiny-bert-single"), FromPretrainedOptions.builder().numLabels(5).build()));
        assertTrue(e.getMessage().contains("size mismatch for classifier.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("--ignore-mismatched-sizes"), e.getMessage());
        BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(Fixtures.model("tiny-bert-single"),
                FromPretrainedOptions.builder().numLabels(5).ignoreMismatchedSizes(true).build());
        assertEquals(2, m.loadReport().mismatchedReinitialized().size());
        assertEquals(5, m.config().numLabels());
    }
}
