package dev.jtune.models.bert;

import dev.jtune.modeling.Unpadded;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Training on the packed real tokens ({@link Unpadded}) gives the padded layout's loss and gradients: the train-mode
 * forward (unpadded) against the eval-mode forward (padded, HF's layout) of the same model with dropout 0.
 */
class UnpaddedTrainingTest {
    private static final long[][] IDS = {{2, 11, 12, 13, 14, 3}, {2, 21, 3, 0, 0, 0}, {2, 31, 32, 3, 0, 0}};
    private static final long[][] MASK = {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}, {1, 1, 1, 1, 0, 0}};

    @Test
    void packAndUnpackPutTheRealTokensBackInPlaceWithZerosAtThePadding() {
        assumeTrue(Unpadded.enabled(), "JTUNE_UNPAD=0");
        try (PointerScope s = new PointerScope()) {
            Unpadded u = Unpadded.of(Torch.longs(MASK));
            assertEquals(6 + 3 + 4, u.tokens());
            float[] v = new float[3 * 6 * 2];
            for (int i = 0; i < v.length; i++) v[i] = i + 1;
            Tensor x = Torch.floats(v, 3, 6, 2);
            Tensor packed = u.pack(x);
            assertArrayEquals(new long[] {13, 2}, Torch.shape(packed));
            // row 1 keeps positions 0..2 (flat 6..8 -> values 13..18), row 2 positions 0..3 (flat 12..15 -> 25..32)
            float[] p = Torch.toFloatArray(packed);
            assertEquals(13f, p[12]);
            assertEquals(18f, p[17]);
            assertEquals(25f, p[18]);
            assertEquals(32f, p[25]);
            float[] back = Torch.toFloatArray(u.unpack(packed));
            for (int b = 0; b < 3; b++) {
                for (int l = 0; l < 6; l++) {
                    for (int c = 0; c < 2; c++) {
                        int i = (b * 6 + l) * 2 + c;
                        assertEquals(MASK[b][l] == 1 ? v[i] : 0f, back[i], "position " + b + "," + l);
                    }
                }
            }
            assertNull(Unpadded.of(Torch.longs(new long[][] {{1, 1}, {1, 1}})), "no padding: nothing to unpad");
        }
    }

    @Test
    void unpaddedTrainingHasThePaddedLossAndGradients() {
        assumeTrue(Unpadded.enabled(), "JTUNE_UNPAD=0");
        BertConfig c = BertSmokeTest.tiny(3);
        c.hiddenDropoutProb = 0.0;
        c.attentionProbsDropoutProb = 0.0;
        Engine.manualSeed(7);
        BertForSequenceClassification m = new BertForSequenceClassification(c);
        try (PointerScope s = new PointerScope()) {
            Tensor labels = Torch.longs(new long[] {0, 2, 1}, 3);
            m.train(false); // HF's padded layout
            Tensor lossPadded = m.forward(Torch.longs(IDS), Torch.longs(MASK), null, labels).loss();
            lossPadded.backward();
            Map<String, float[]> gradsPadded = grads(m);
            m.train(true); // packed real tokens
            Tensor lossPacked = m.forward(Torch.longs(IDS), Torch.longs(MASK), null, labels).loss();
            lossPacked.backward();
            Map<String, float[]> gradsPacked = grads(m);
            assertEquals(lossPadded.item_double(), lossPacked.item_double(), 1e-6);
            assertEquals(gradsPadded.keySet(), gradsPacked.keySet());
            for (String k : gradsPadded.keySet()) {
                float[] a = gradsPadded.get(k), b = gradsPacked.get(k);
                for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5 + 1e-4 * Math.abs(a[i]), k + "[" + i + "]");
            }
        } finally {
            m.close();
        }
    }

    /** Each parameter's gradient, then the gradients cleared. */
    private static Map<String, float[]> grads(BertForSequenceClassification m) {
        Map<String, float[]> g = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            Tensor grad = e.getValue().grad();
            g.put(e.getKey(), grad.defined() ? Torch.toFloatArray(grad.reshape(-1)) : new float[0]);
            if (grad.defined()) grad.zero_();
        }
        return g;
    }
}
