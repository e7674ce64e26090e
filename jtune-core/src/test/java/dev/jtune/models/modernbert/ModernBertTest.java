package dev.jtune.models.modernbert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.io.RawTensor;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.Json;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the arch fixture does not reach: eager and fused attention agree (logits and gradients), the older config.json
 * keys mean what the 5.x ones do, pretraining checkpoints (masked LM, bare encoder) load with HF's key rules, and
 * HF's ModernBERT initialisation scales.
 */
class ModernBertTest {
    @TempDir
    Path tmp;

    static final Path DIR = Fixtures.fixtures().resolve("arch").resolve("models").resolve("modernbert");

    static JsonNode batch() {
        return Json.read(Fixtures.fixtures().resolve("arch").resolve("cases").resolve("modernbert.json")).get("forward");
    }

    /** Logits and the L2 norm of every gradient of the fixture batch (train mode, no dropout). */
    static Map<String, Double> run(AttentionImplementation impl, float[][] logitsOut) {
        JsonNode f = batch();
        ModernBertForSequenceClassification m = ModernBertForSequenceClassification.fromPretrained(DIR,
                FromPretrainedOptions.builder().attnImplementation(impl).build());
        m.train(true);
        Map<String, Double> norms = new LinkedHashMap<>();
        try (PointerScope s = new PointerScope()) {
            long[] labels = new long[f.get("labels_single").size()];
            for (int i = 0; i < labels.length; i++) labels[i] = f.get("labels_single").get(i).asLong();
            var out = m.forward(Torch.longs(Json.longMatrix(f.get("batch").get("input_ids"))),
                    Torch.longs(Json.longMatrix(f.get("batch").get("attention_mask"))), null, Torch.longs(labels, labels.length));
            float[][] l = Torch.toFloatMatrix(out.logits());
            System.arraycopy(l, 0, logitsOut, 0, l.length);
            out.loss().backward();
            m.namedParameters().forEach((k, p) -> norms.put(k, p.grad().norm().item_double()));
        }
        return norms;
    }

    @Test
    void eagerAndFusedAttentionAgree() {
        float[][] eager = new float[8][], sdpa = new float[8][];
        Map<String, Double> ge = run(AttentionImplementation.EAGER, eager);
        Map<String, Double> gs = run(AttentionImplementation.SDPA, sdpa);
        for (int i = 0; i < 8; i++) for (int j = 0; j < eager[i].length; j++) assertEquals(eager[i][j], sdpa[i][j], 1e-5);
        ge.forEach((k, v) -> assertEquals(v, gs.get(k), Math.abs(v) * 1e-4 + 1e-7, k));
    }

    /**
     * Under bf16 autocast a padding query far from the text has every key of a sliding layer masked: float32 min must
     * not become -inf there (NaN would reach the mean pooling through 0 * NaN).
     */
    @Test
    void bf16AutocastStaysFinite() {
        JsonNode f = batch();
        float[][] fp32 = new float[8][];
        run(AttentionImplementation.EAGER, fp32);
        for (AttentionImplementation impl : new AttentionImplementation[] {AttentionImplementation.EAGER, AttentionImplementation.SDPA}) {
            ModernBertForSequenceClassification m = ModernBertForSequenceClassification.fromPretrained(DIR,
                    FromPretrainedOptions.builder().attnImplementation(impl).build());
            m.eval();
            torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
            torch.set_autocast_enabled(torch.DeviceType.CPU, true);
            try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                float[][] l = Torch.toFloatMatrix(m.forward(Torch.longs(Json.longMatrix(f.get("batch").get("input_ids"))),
                        Torch.longs(Json.longMatrix(f.get("batch").get("attention_mask"))), null).logits());
                for (int i = 0; i < l.length; i++) for (int j = 0; j < l[i].length; j++) assertEquals(fp32[i][j], l[i][j], 0.05, impl + " bf16 logit");
            } finally {
                torch.set_autocast_enabled(torch.DeviceType.CPU, false);
                torch.clear_cache();
            }
        }
    }

    @Test
    void legacyConfigKeysMeanTheSame() {
        ObjectNode o = PretrainedConfig.readJsonObject(DIR.resolve("config.json"));
        ModernBertConfig current = ModernBertConfig.fromJsonObject(o, "5.x");
        o.remove("layer_types");
        o.remove("rope_parameters");
        o.put("global_rope_theta", 160000.0);
        o.put("local_rope_theta", 10000.0);
        ModernBertConfig legacy = ModernBertConfig.fromJsonObject(o, "legacy");
        assertEquals(current.layerTypes, legacy.layerTypes);
        assertEquals(List.of("full_attention", "sliding_attention", "sliding_attention"), legacy.layerTypes);
        assertEquals(current.globalRopeTheta, legacy.globalRopeTheta);
        assertEquals(current.localRopeTheta, legacy.localRopeTheta);
        o.remove("pad_token_id");
        assertEquals(50283, ModernBertConfig.fromJsonObject(o, "no pad").padTokenId);
    }

    @Test
    void maskedLmAndBareEncoderCheckpointsLoad() throws Exception {
        Map<String, RawTensor> full = SafeTensors.read(DIR.resolve("model.safetensors")).tensors();
        // ModernBertForMaskedLM: model.*, head.*, decoder.bias (decoder.weight is tied and not saved)
        Map<String, RawTensor> mlm = new LinkedHashMap<>();
        full.forEach((k, v) -> { if (!k.startsWith("classifier.")) mlm.put(k, v); });
        mlm.put("decoder.bias", RawTensor.ofFloats(new long[] {1200}, new float[1200]));
        var report = load(mlm, "mlm");
        assertEquals(List.of("classifier.weight", "classifier.bias"), report.newlyInitialized());
        assertEquals(List.of("decoder.bias"), report.droppedExpected());
        assertTrue(report.unexpected().isEmpty() && report.missingSuspicious().isEmpty(), report.toString());
        // ModernBertModel: keys without the "model." prefix; head and classifier are new
        Map<String, RawTensor> bare = new LinkedHashMap<>();
        full.forEach((k, v) -> { if (k.startsWith("model.")) bare.put(k.substring("model.".length()), v); });
        report = load(bare, "bare");
        assertEquals(4, report.newlyInitialized().size(), report.toString());
        assertTrue(report.unexpected().isEmpty() && report.missingSuspicious().isEmpty(), report.toString());
    }

    private dev.jtune.modeling.LoadReport load(Map<String, RawTensor> tensors, String name) throws Exception {
        Path d = tmp.resolve(name);
        Files.createDirectories(d);
        Files.copy(DIR.resolve("config.json"), d.resolve("config.json"));
        SafeTensors.write(d.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        return ModernBertForSequenceClassification.fromPretrained(d).loadReport();
    }

    @Test
    void initialisationFollowsHf() {
        ModernBertConfig c = ModernBertConfig.fromJsonObject(PretrainedConfig.readJsonObject(DIR.resolve("config.json")), "fixture");
        c.hiddenSize = 256;
        c.intermediateSize = 384;
        dev.jtune.torch.Engine.manualSeed(0);
        ModernBertForSequenceClassification m = new ModernBertForSequenceClassification(c);
        Map<String, Tensor> p = m.namedParameters();
        try (NoGradGuard g = new NoGradGuard()) {
            double range = c.initializerRange;
            assertStd(p.get("model.layers.1.attn.Wqkv.weight"), range);
            assertStd(p.get("model.layers.1.mlp.Wo.weight"), range / Math.sqrt(2.0 * c.numHiddenLayers));
            assertStd(p.get("classifier.weight"), Math.pow(256, -0.5));
            double max = p.get("model.embeddings.tok_embeddings.weight").abs().max().item_double();
            assertTrue(max <= 2.0 * range + 1e-6, "cut at 2 std: " + max);
            assertEquals(1.0, p.get("model.final_norm.weight").mean().item_double());
            assertEquals(0.0, p.get("classifier.bias").abs().max().item_double());
        }
    }

    /** A normal cut at ±2σ has standard deviation 0.88σ. */
    private static void assertStd(Tensor t, double std) {
        assertEquals(0.8796 * std, t.std().item_double(), 0.05 * std);
    }
}
