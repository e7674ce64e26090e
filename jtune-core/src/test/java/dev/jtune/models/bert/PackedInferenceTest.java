package dev.jtune.models.bert;

import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed inference path ({@link BertEncoder#forwardPacked}: padding skipped in eval mode without gradients) gives
 * the padded path's hidden states at every real token, zeros at the padded ones, and is not used in training.
 */
class PackedInferenceTest {
    private static final String PROP = "jtune.packedInference";

    @AfterEach
    void reset() { System.clearProperty(PROP); }

    private static BertModel model() {
        Engine.manualSeed(3);
        BertConfig c = BertConfig.fromJson("{\"hidden_size\": 32, \"num_hidden_layers\": 2, \"num_attention_heads\": 4,"
                + " \"intermediate_size\": 64, \"vocab_size\": 100, \"max_position_embeddings\": 64}", "test");
        BertModel m = BertModel.create(c, true);
        m.skipPaddingInInference(true);
        return m;
    }

    // three rows of 6, 2 and 4 real tokens: 12 of 18 positions
    private static final long[] IDS = {2, 11, 12, 13, 14, 3, 2, 3, 0, 0, 0, 0, 2, 21, 22, 3, 0, 0};
    private static final long[] MASK = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0};

    private static float[][] run(BertModel m, boolean packed) {
        System.setProperty(PROP, String.valueOf(packed));
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            BertModel.Output out = m.forward(Torch.longs(IDS, 3, 6), Torch.longs(MASK, 3, 6), null);
            return new float[][] {Torch.toFloatArray(out.lastHiddenState()), Torch.toFloatArray(out.pooledOutput())};
        }
    }

    @Test
    void packedEqualsPaddedAtRealTokensAndZeroAtPadding() {
        BertModel m = model();
        m.eval();
        float[][] padded = run(m, false), packed = run(m, true);
        int h = 32;
        for (int p = 0; p < MASK.length; p++) {
            for (int c = 0; c < h; c++) {
                float want = MASK[p] == 1 ? padded[0][p * h + c] : 0f;
                assertEquals(want, packed[0][p * h + c], 1e-5, "position " + p + " channel " + c);
            }
        }
        // the pooler reads the first token of each row: the same within rounding
        for (int i = 0; i < padded[1].length; i++) assertEquals(padded[1][i], packed[1][i], 1e-5, "pooled " + i);
        // and the padded path does not produce zeros there (the check above is not trivially true)
        float padNorm = 0;
        for (int c = 0; c < h; c++) padNorm += Math.abs(padded[0][8 * h + c]);
        assertEquals(true, padNorm > 0.1, "the padded path computes the pad positions");
    }

    @Test
    void firstTokenOnlyGivesTheSameFirstTokensAndPooledOutput() {
        BertModel m = model();
        m.eval();
        float[][] padded = run(m, false);
        m.firstTokenOnlyInInference(true);
        float[][] first = run(m, true);
        int h = 32, l = 6;
        for (int p = 0; p < MASK.length; p++) {
            for (int c = 0; c < h; c++) {
                float want = p % l == 0 ? padded[0][p * h + c] : 0f;
                assertEquals(want, first[0][p * h + c], 1e-5, "position " + p + " channel " + c);
            }
        }
        for (int i = 0; i < padded[1].length; i++) assertEquals(padded[1][i], first[1][i], 1e-5, "pooled " + i);
        // a batch without padding takes the first-token path too (and gives the same first tokens)
        System.setProperty(PROP, "true");
        long[] ids = {2, 11, 12, 3, 2, 21, 22, 3};
        float[] a, b;
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            a = Torch.toFloatArray(m.forward(Torch.longs(ids, 2, 4), null, null).pooledOutput());
            m.firstTokenOnlyInInference(false);
            m.skipPaddingInInference(false);
            b = Torch.toFloatArray(m.forward(Torch.longs(ids, 2, 4), null, null).pooledOutput());
        }
        for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-5, "unpadded pooled " + i);
    }

    @Test
    void offUnlessTheHeadAsksForIt() {
        BertModel m = model();
        m.skipPaddingInInference(false); // token heads: HF's values at padded positions are part of the output
        m.eval();
        float[][] a = run(m, true), b = run(m, false);
        assertArrayEquals(b[0], a[0]);
    }

    @Test
    void trainingModeNeverPacks() {
        BertModel m = model();
        m.train(true); // dropout 0.1 would differ run to run: compare with the same seed
        Engine.manualSeed(5);
        float[][] a = run(m, true);
        Engine.manualSeed(5);
        float[][] b = run(m, false);
        assertArrayEquals(b[0], a[0], "training mode takes the padded path whatever the switch says");
    }

    @Test
    void aSequenceHeadKeepsHfsHiddenStatesUnlessAskedForLogitsOnly() {
        Engine.manualSeed(3);
        BertConfig c = BertConfig.fromJson("{\"hidden_size\": 32, \"num_hidden_layers\": 2, \"num_attention_heads\": 4,"
                + " \"intermediate_size\": 64, \"vocab_size\": 100, \"max_position_embeddings\": 64, \"num_labels\": 3}", "test");
        BertForSequenceClassification m = new BertForSequenceClassification(c);
        m.eval();
        float[] hiddenFull, logitsFull, hiddenFast, logitsFast;
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            var out = m.forward(Torch.longs(IDS, 3, 6), Torch.longs(MASK, 3, 6), null);
            hiddenFull = Torch.toFloatArray(out.lastHiddenState());
            logitsFull = Torch.toFloatArray(out.logits());
            m.logitsOnlyInference(true);
            out = m.forward(Torch.longs(IDS, 3, 6), Torch.longs(MASK, 3, 6), null);
            hiddenFast = Torch.toFloatArray(out.lastHiddenState());
            logitsFast = Torch.toFloatArray(out.logits());
            m.logitsOnlyInference(false);
            float[] again = Torch.toFloatArray(m.forward(Torch.longs(IDS, 3, 6), Torch.longs(MASK, 3, 6), null).lastHiddenState());
            assertArrayEquals(hiddenFull, again, "off again: the full hidden state");
        }
        // by default every position has its value (HF computes the padded ones too); logits-only zeroes all but the first
        int h = 32;
        assertEquals(true, Math.abs(hiddenFull[8 * h]) + Math.abs(hiddenFull[8 * h + 1]) > 0, "padded position computed by default");
        assertEquals(0f, hiddenFast[8 * h]);
        for (int i = 0; i < logitsFull.length; i++) assertEquals(logitsFull[i], logitsFast[i], 1e-5, "logit " + i);
    }
}
