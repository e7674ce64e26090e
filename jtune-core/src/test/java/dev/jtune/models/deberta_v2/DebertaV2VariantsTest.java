package dev.jtune.models.deberta_v2;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The DeBERTa-v2 settings the v3 fixture does not exercise (the fixture test is ArchFixtureParityTest): v2-xlarge
 * style (conv layer, separate position projections, absolute positions, token types, embed_proj, a "p2c|c2p"
 * string, no buckets), the log buckets at v3-base's size, padding invariance, and HF's legacy DeBERTa loss.
 */
class DebertaV2VariantsTest {

    static DebertaV2Config config(String extra) {
        String json = "{\"model_type\": \"deberta-v2\", \"vocab_size\": 50, \"hidden_size\": 32, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 4, \"intermediate_size\": 37, \"max_position_embeddings\": 24,"
                + " \"relative_attention\": true, \"initializer_range\": 0.1, \"num_labels\": 3" + extra + "}";
        return DebertaV2Config.fromJsonObject(PretrainedConfig.parseJsonObject(json, "test"), "test");
    }

    static final String V2_XLARGE_STYLE = ", \"pos_att_type\": \"p2c|c2p\", \"share_att_key\": false, \"max_relative_positions\": 6,"
            + " \"conv_kernel_size\": 3, \"conv_act\": \"gelu\", \"norm_rel_ebd\": \"layer_norm\", \"type_vocab_size\": 2,"
            + " \"embedding_size\": 16, \"position_biased_input\": true";

    @Test
    void logBucketsAtV3BaseSizeFollowHfFormula() {
        // HF make_log_bucket_position(rel, 256, 512) in float32 (numpy), at rel = -600, -563, ..., 584
        long[] want = {-270, -264, -258, -251, -244, -236, -228, -218, -208, -196, -182, -166, -147, -119, -82, -45, -8, 29, 66,
                103, 137, 158, 176, 190, 203, 214, 224, 233, 241, 248, 255, 262, 268};
        try (PointerScope s = new PointerScope()) {
            long[] rel = new long[want.length];
            for (int i = 0; i < rel.length; i++) rel[i] = -600 + 37L * i;
            Tensor got = RelativePositions.logBucket(Torch.longs(rel, rel.length), 256, 512).to(org.bytedeco.pytorch.global.torch.ScalarType.Long);
            assertArrayEquals(want, Torch.toLongArray(got));
            Tensor built = RelativePositions.build(3, 3, -1, -1); // no buckets: q - k
            assertArrayEquals(new long[] {0, -1, -2, 1, 0, -1, 2, 1, 0}, Torch.toLongArray(built.reshape(-1)));
        }
    }

    @Test
    void v2XlargeStyleHasHfKeysAndIsPaddingInvariant() {
        DebertaV2Config c = config(V2_XLARGE_STYLE);
        assertEquals(List.of("p2c", "c2p"), c.posAttType);
        Engine.manualSeed(0);
        DebertaV2ForSequenceClassification m = new DebertaV2ForSequenceClassification(c);
        Set<String> keys = new TreeSet<>(m.namedParameters().keySet());
        for (String k : List.of("deberta.embeddings.position_embeddings.weight", "deberta.embeddings.token_type_embeddings.weight",
                "deberta.embeddings.embed_proj.weight", "deberta.encoder.conv.conv.weight", "deberta.encoder.conv.conv.bias",
                "deberta.encoder.conv.LayerNorm.weight", "deberta.encoder.rel_embeddings.weight", "deberta.encoder.LayerNorm.bias",
                "deberta.encoder.layer.1.attention.self.pos_key_proj.weight", "deberta.encoder.layer.1.attention.self.pos_query_proj.bias",
                "pooler.dense.weight", "classifier.weight")) {
            assertTrue(keys.contains(k), k + " in " + keys);
        }
        assertFalse(keys.contains("deberta.embeddings.embed_proj.bias"), "embed_proj has no bias in HF");
        assertArrayEquals(new long[] {12, 32}, Torch.shape(m.namedParameters().get("deberta.encoder.rel_embeddings.weight")));
        assertArrayEquals(new long[] {32, 32, 3}, Torch.shape(m.namedParameters().get("deberta.encoder.conv.conv.weight")));
        m.eval();
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor alone = m.forward(Torch.longs(new long[][] {{1, 7, 8, 9, 2}}), Torch.longs(new long[][] {{1, 1, 1, 1, 1}}),
                    Torch.longs(new long[][] {{0, 0, 0, 1, 1}})).logits();
            Tensor padded = m.forward(Torch.longs(new long[][] {{1, 7, 8, 9, 2, 0, 0, 0}, {1, 5, 2, 0, 0, 0, 0, 0}}),
                    Torch.longs(new long[][] {{1, 1, 1, 1, 1, 0, 0, 0}, {1, 1, 1, 0, 0, 0, 0, 0}}),
                    Torch.longs(new long[][] {{0, 0, 0, 1, 1, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0}})).logits();
            float[] a = Torch.toFloatMatrix(alone)[0], p = Torch.toFloatMatrix(padded)[0];
            for (int i = 0; i < a.length; i++) assertEquals(a[i], p[i], 1e-5, "logit " + i + " with and without padding");
        }
    }

    @Test
    void trainsBackwardThroughEveryParameter() {
        DebertaV2Config c = config(V2_XLARGE_STYLE);
        Engine.manualSeed(0);
        DebertaV2ForSequenceClassification m = new DebertaV2ForSequenceClassification(c);
        m.train(true);
        try (PointerScope s = new PointerScope()) {
            Tensor loss = m.forward(Torch.longs(new long[][] {{1, 7, 8, 9, 2}, {1, 5, 2, 0, 0}}),
                    Torch.longs(new long[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}}), Torch.longs(new long[][] {{0, 0, 0, 1, 1}, {0, 0, 0, 0, 0}}),
                    Torch.longs(new long[] {0, 2}, 2)).loss();
            assertTrue(Double.isFinite(loss.item_double()));
            loss.backward();
            m.namedParameters().forEach((k, p) -> {
                if (k.endsWith("word_embeddings.weight") || k.endsWith("position_embeddings.weight") || k.endsWith("token_type_embeddings.weight")) return;
                assertTrue(p.grad().defined() && p.grad().norm().item_double() > 0, "gradient reaches " + k);
            });
        }
    }

    @Test
    void bf16AutocastRunsAndStaysNearFloat32() {
        // v3 settings: padded query rows are fully masked, so the fill value must be finite in bf16 (else NaN)
        DebertaV2Config c = config(", \"pos_att_type\": [\"p2c\", \"c2p\"], \"position_buckets\": 4, \"share_att_key\": true,"
                + " \"position_biased_input\": false, \"norm_rel_ebd\": \"layer_norm\", \"hidden_dropout_prob\": 0, \"attention_probs_dropout_prob\": 0");
        Engine.manualSeed(0);
        DebertaV2ForSequenceClassification m = new DebertaV2ForSequenceClassification(c);
        m.train(true);
        Tensor ids = Torch.longs(new long[][] {{1, 7, 8, 9, 10, 11, 2}, {1, 5, 2, 0, 0, 0, 0}});
        Tensor mask = Torch.longs(new long[][] {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0, 0}});
        try (PointerScope s = new PointerScope()) {
            double fp32 = m.forward(ids, mask, null, Torch.longs(new long[] {0, 2}, 2)).loss().item_double();
            org.bytedeco.pytorch.global.torch.set_autocast_dtype(org.bytedeco.pytorch.global.torch.DeviceType.CPU,
                    org.bytedeco.pytorch.global.torch.ScalarType.BFloat16);
            org.bytedeco.pytorch.global.torch.set_autocast_enabled(org.bytedeco.pytorch.global.torch.DeviceType.CPU, true);
            Tensor loss;
            try {
                loss = m.forward(ids, mask, null, Torch.longs(new long[] {0, 2}, 2)).loss();
            } finally {
                org.bytedeco.pytorch.global.torch.set_autocast_enabled(org.bytedeco.pytorch.global.torch.DeviceType.CPU, false);
            }
            assertEquals(fp32, loss.item_double(), 0.05, "bf16 loss near fp32");
            loss.backward();
            m.namedParameters().forEach((k, p) -> {
                if (p.grad().defined()) assertTrue(Double.isFinite(p.grad().norm().item_double()), "finite gradient of " + k);
            });
        }
    }

    @Test
    void legacyLossWhileProblemTypeIsUnset() {
        DebertaV2Config c = config(", \"pos_att_type\": [\"p2c\", \"c2p\"], \"position_buckets\": 4, \"share_att_key\": true, \"position_biased_input\": false");
        Engine.manualSeed(0);
        DebertaV2ForSequenceClassification m = new DebertaV2ForSequenceClassification(c);
        m.eval();
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor ids = Torch.longs(new long[][] {{1, 7, 8, 2}, {1, 5, 2, 0}});
            Tensor mask = Torch.longs(new long[][] {{1, 1, 1, 1}, {1, 1, 1, 0}});
            float[][] logits = Torch.toFloatMatrix(m.forward(ids, mask, null).logits());
            // soft-label rows: -(log_softmax(logits) * labels).sum(-1).mean(), not BCE
            float[][] rows = {{0, 1, 0}, {0.5f, 0, 0.5f}};
            double want = 0;
            for (int i = 0; i < 2; i++) {
                double max = Math.max(logits[i][0], Math.max(logits[i][1], logits[i][2])), z = 0;
                for (float v : logits[i]) z += Math.exp(v - max);
                for (int j = 0; j < 3; j++) want -= rows[i][j] * (logits[i][j] - max - Math.log(z));
            }
            assertEquals(want / 2, m.forward(ids, mask, null, Torch.floats(rows)).loss().item_double(), 1e-5);
            assertNull(c.problemType(), "HF's DeBERTa head records no problem type");
            // class ids: examples with a negative label are left out
            double ce0 = Math.log(Math.exp(logits[0][0]) + Math.exp(logits[0][1]) + Math.exp(logits[0][2])) - logits[0][2];
            assertEquals(ce0, m.forward(ids, mask, null, Torch.longs(new long[] {2, -1}, 2)).loss().item_double(), 1e-5);
            assertNull(c.problemType());
        }
    }

    @Test
    void refusesWhatItCannotBuild() {
        JTuneException e = assertThrows(JTuneException.class, () -> config(", \"pos_att_type\": [\"p2p\"]"));
        assertTrue(e.getMessage().contains("pos_att_type"), e.getMessage());
        e = assertThrows(JTuneException.class, () -> config(", \"pooler_hidden_size\": 16"));
        assertTrue(e.getMessage().contains("pooler_hidden_size"), e.getMessage());
        e = assertThrows(JTuneException.class, () -> config(", \"conv_kernel_size\": 2"));
        assertTrue(e.getMessage().contains("conv_kernel_size"), e.getMessage());
        DebertaV2ForSequenceClassification m = new DebertaV2ForSequenceClassification(config(""));
        e = assertThrows(JTuneException.class, () -> m.setAttentionImplementation(dev.jtune.modeling.AttentionImplementation.SDPA));
        assertTrue(e.getMessage().contains("sdpa"), e.getMessage());
    }
}
