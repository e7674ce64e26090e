package dev.jtune.models.distilbert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.LoadReport;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.io.RawTensor;
import dev.jtune.modeling.SequenceClassifierOutput;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * DistilBERT beyond the shared arch fixture test: the eager attention path against the same transformers numbers
 * (the fixture test runs AUTO, which is SDPA in fp32), the sinusoidal position table, and pretraining-head keys.
 */
class DistilBertTest {
    @TempDir
    Path tmp;

    static Path dir() { return Fixtures.fixtures().resolve("arch").resolve("models").resolve("distilbert"); }

    static JsonNode cases() { return Json.read(Fixtures.fixtures().resolve("arch").resolve("cases").resolve("distilbert.json")); }

    static Tensor longs(JsonNode n) { return Torch.longs(Json.longMatrix(n)); }

    static long[] labels(JsonNode f) {
        long[] l = new long[f.get("labels_single").size()];
        for (int i = 0; i < l.length; i++) l[i] = f.get("labels_single").get(i).asLong();
        return l;
    }

    @Test
    void eagerAttentionMatchesTransformersLogitsAndGradients() {
        JsonNode c = cases();
        JsonNode f = c.get("forward");
        JsonNode batch = f.get("batch");
        Map<String, Object> overrides = new LinkedHashMap<>();
        c.get("config_overrides_for_train").fields().forEachRemaining(e -> overrides.put(e.getKey(), e.getValue().asDouble()));
        var eval = DistilBertForSequenceClassification.fromPretrained(dir(),
                FromPretrainedOptions.builder().attnImplementation(AttentionImplementation.EAGER).build());
        eval.eval();
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            float[][] want = Json.floatMatrix(f.get("logits"));
            float[][] got = Torch.toFloatMatrix(eval.forward(longs(batch.get("input_ids")), longs(batch.get("attention_mask")), null).logits());
            for (int i = 0; i < want.length; i++) for (int j = 0; j < want[i].length; j++) assertEquals(want[i][j], got[i][j], 1e-4);
        }
        var model = DistilBertForSequenceClassification.fromPretrained(dir(), FromPretrainedOptions.builder()
                .configOverrides(overrides).attnImplementation(AttentionImplementation.EAGER).build());
        model.train(true);
        try (PointerScope s = new PointerScope()) {
            long[] l = labels(f);
            SequenceClassifierOutput out = model.forward(longs(batch.get("input_ids")), longs(batch.get("attention_mask")), null,
                    Torch.longs(l, l.length));
            double loss = c.get("grads").get("loss").asDouble();
            assertEquals(loss, out.loss().item_double(), loss * 1e-5);
            out.loss().backward();
            Map<String, Tensor> params = model.namedParameters();
            c.get("grads").get("grad_norms").fields().forEachRemaining(e -> {
                double want = e.getValue().asDouble();
                assertEquals(want, params.get(e.getKey()).grad().norm().item_double(), want * 1e-4 + 1e-7, e.getKey());
            });
        }
    }

    @Test
    void trainingWithDropoutRunsOnBothAttentionPaths() {
        for (AttentionImplementation impl : AttentionImplementation.values()) {
            var model = DistilBertForSequenceClassification.fromPretrained(dir(), FromPretrainedOptions.builder().attnImplementation(impl).build());
            model.train(true);
            try (PointerScope s = new PointerScope()) {
                JsonNode batch = cases().get("forward").get("batch");
                SequenceClassifierOutput out = model.forward(longs(batch.get("input_ids")), longs(batch.get("attention_mask")), null,
                        Torch.longs(new long[] {0, 1, 2, 0, 1, 2, 0, 1}, 8));
                out.loss().backward();
                assertTrue(Double.isFinite(out.loss().item_double()), impl + " loss");
                assertTrue(model.namedParameters().get("distilbert.transformer.layer.0.attention.q_lin.weight").grad().defined(), impl + " grads");
            }
        }
    }

    static DistilBertConfig sinusoidalConfig() {
        var o = PretrainedConfig.readJsonObject(dir().resolve("config.json"));
        o.put("sinusoidal_pos_embds", true);
        return DistilBertConfig.fromJsonObject(o, "sinusoidal test config");
    }

    @Test
    void sinusoidalPositionTableIsHfsAndFrozen() {
        DistilBertConfig config = sinusoidalConfig();
        var model = new DistilBertForSequenceClassification(config);
        Tensor table = model.namedParameters().get("distilbert.embeddings.position_embeddings.weight");
        assertFalse(table.requires_grad(), "HF's create_sinusoidal_embeddings sets requires_grad = False");
        float[][] t = Torch.toFloatMatrix(table);
        int dim = config.dim;
        for (int pos : new int[] {0, 1, 7, config.maxPositionEmbeddings - 1}) {
            for (int j : new int[] {0, 1, 2, 3, dim - 2, dim - 1}) {
                double angle = pos / Math.pow(10000, 2.0 * (j / 2) / dim);
                assertEquals(j % 2 == 0 ? Math.sin(angle) : Math.cos(angle), t[pos][j], 1e-6, "row " + pos + " column " + j);
            }
        }
        model.train(true);
        try (PointerScope s = new PointerScope()) {
            JsonNode batch = cases().get("forward").get("batch");
            model.forward(longs(batch.get("input_ids")), longs(batch.get("attention_mask")), null, Torch.longs(new long[8], 8)).loss().backward();
            assertFalse(table.grad().defined(), "the sinusoidal table gets no gradient");
            assertTrue(model.namedParameters().get("distilbert.embeddings.word_embeddings.weight").grad().defined());
        }
        assertTrue(model.stateDict().containsKey("distilbert.embeddings.position_embeddings.weight"), "the table is saved, as HF saves it");
    }

    @Test
    void pretrainingHeadKeysAreDroppedAndTheNewHeadIsInitialised() throws Exception {
        var src = DistilBertForSequenceClassification.fromPretrained(dir());
        Map<String, RawTensor> ckpt = new LinkedHashMap<>();
        src.stateDict().forEach((k, v) -> { if (!k.startsWith("classifier.") && !k.startsWith("pre_classifier.")) ckpt.put(k, v); });
        int dim = src.config().dim, vocab = src.config().vocabSize;
        ckpt.put("vocab_transform.weight", RawTensor.ofFloats(new long[] {dim, dim}, new float[dim * dim]));
        ckpt.put("vocab_transform.bias", RawTensor.ofFloats(new long[] {dim}, new float[dim]));
        ckpt.put("vocab_layer_norm.weight", RawTensor.ofFloats(new long[] {dim}, new float[dim]));
        ckpt.put("vocab_layer_norm.bias", RawTensor.ofFloats(new long[] {dim}, new float[dim]));
        ckpt.put("vocab_projector.bias", RawTensor.ofFloats(new long[] {vocab}, new float[vocab]));
        Path out = tmp.resolve("mlm");
        Files.createDirectories(out);
        SafeTensors.write(out.resolve("model.safetensors"), ckpt, Map.of("format", "pt"));
        Files.copy(dir().resolve("config.json"), out.resolve("config.json"));
        LoadReport r = DistilBertForSequenceClassification.fromPretrained(out).loadReport();
        assertTrue(r.unexpected().isEmpty() && r.missingSuspicious().isEmpty(), r.toString());
        assertEquals(5, r.droppedExpected().size(), r.toString());
        assertEquals(4, r.newlyInitialized().size(), r.toString());
    }

    @Test
    void configReadsHfNamesAndRejectsBadHeads() {
        DistilBertConfig c = DistilBertForSequenceClassification.loadConfig(dir(), FromPretrainedOptions.defaults());
        assertEquals(32, c.dim);
        assertEquals(37, c.hiddenDim);
        assertEquals(0.2, c.classifierDropout());
        assertFalse(new DistilBertForSequenceClassification(c).usesTokenTypeIds());
        var o = PretrainedConfig.readJsonObject(dir().resolve("config.json"));
        o.put("n_heads", 5);
        var e = assertThrows(dev.jtune.JTuneException.class, () -> DistilBertConfig.fromJsonObject(o, "bad"));
        assertTrue(e.getMessage().contains("n_heads"), e.getMessage());
    }
}
