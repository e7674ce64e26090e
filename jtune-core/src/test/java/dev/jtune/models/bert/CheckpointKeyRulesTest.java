package dev.jtune.models.bert;

import dev.jtune.io.DType;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.io.RawTensor;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.testing.Fixtures;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** HF's key rules on load: gamma/beta renamed, bert. prefix added/stripped, cls.* and position_ids dropped. */
class CheckpointKeyRulesTest {
    @TempDir
    Path tmp;

    private static float[] logits(BertForSequenceClassification m) {
        m.eval();
        try (PointerScope s = new PointerScope()) {
            return Torch.toFloatArray(m.forward(Torch.longs(new long[][] {{101, 7592, 2088, 102}}), null, null).logits());
        }
    }

    @Test
    void legacyNamesAndPretrainingHeadsLoadAsHfDoes() throws Exception {
        Path src = Fixtures.model("tiny-bert-single");
        Map<String, RawTensor> st = SafeTensors.read(src.resolve("model.safetensors")).tensors();
        // a TF-era bare-encoder checkpoint: no "bert." prefix, LayerNorm.gamma/beta, pretraining heads, position_ids
        Map<String, RawTensor> legacy = new LinkedHashMap<>();
        st.forEach((k, v) -> {
            if (k.startsWith("classifier.")) return;
            String nk = k.substring("bert.".length()).replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta");
            legacy.put(nk, v);
        });
        legacy.put("cls.predictions.bias", RawTensor.ofFloats(new long[] {30522}, new float[30522]));
        legacy.put("cls.seq_relationship.weight", RawTensor.ofFloats(new long[] {2, 32}, new float[64]));
        ByteBuffer pos = ByteBuffer.allocate(128 * 8);
        legacy.put("embeddings.position_ids", new RawTensor(DType.I64, new long[] {1, 128}, pos));
        Path dir = tmp.resolve("legacy");
        Files.createDirectories(dir);
        SafeTensors.write(dir.resolve("model.safetensors"), legacy, Map.of("format", "pt"));
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));

        BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(dir);
        var r = m.loadReport();
        assertEquals(List.of("classifier.weight", "classifier.bias"), r.newlyInitialized());
        assertTrue(r.droppedExpected().containsAll(List.of("cls.predictions.bias", "cls.seq_relationship.weight", "bert.embeddings.position_ids")),
                r.droppedExpected().toString());
        assertEquals(10, r.renamed().size(), "5 LayerNorms (embeddings + 2 per layer) x gamma/beta renamed");
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());

        // the encoder equals the original: copying the original head in gives the original logits exactly
        BertForSequenceClassification original = BertForSequenceClassification.fromPretrained(src);
        Torch.copyInto(m.namedParameters().get("classifier.weight"), original.namedParameters().get("classifier.weight"));
        Torch.copyInto(m.namedParameters().get("classifier.bias"), original.namedParameters().get("classifier.bias"));
        assertArrayEquals(logits(original), logits(m));
    }

    @Test
    void bareEncoderFromATaskCheckpointStripsThePrefixAndIgnoresTheHead() {
        BertModel enc = BertModel.fromPretrained(Fixtures.model("tiny-bert-single"), true);
        assertTrue(enc.loadReport().newlyInitialized().isEmpty());
        assertEquals(java.util.Set.of("classifier.weight", "classifier.bias"), java.util.Set.copyOf(enc.loadReport().unexpected()));
    }

    @Test
    void configOverridesReachTheModel() {
        BertForSequenceClassification m = BertForSequenceClassification.fromPretrained(Fixtures.model("tiny-bert-single"),
                FromPretrainedOptions.builder().configOverride("hidden_dropout_prob", 0.0).configOverride("classifier_dropout", 0.25).build());
        assertEquals(0.0, m.config().hiddenDropoutProb);
        assertEquals(0.25, m.config().effectiveClassifierDropout());
        assertThrows(dev.jtune.JTuneException.class, () -> BertForSequenceClassification.fromPretrained(Fixtures.model("tiny-bert-single"),
                FromPretrainedOptions.builder().configOverride("hiden_dropout_prob", 0.0).build()));
    }
}
