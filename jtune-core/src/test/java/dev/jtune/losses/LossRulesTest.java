package dev.jtune.losses;

import dev.jtune.JTuneException;
import dev.jtune.models.bert.BertConfig;
import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.modeling.SequenceClassifierOutput;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** HF's loss rules and jtune's documented improvements, with hand-computed values. */
class LossRulesTest {
    PointerScope scope;

    @BeforeEach
    void open() { Engine.init(); scope = new PointerScope(); }

    @AfterEach
    void close() { scope.close(); }

    static BertForSequenceClassification tiny(int numLabels) {
        BertConfig c = new BertConfig();
        c.vocabSize = 40; c.hiddenSize = 8; c.numHiddenLayers = 1; c.numAttentionHeads = 2; c.intermediateSize = 10;
        c.maxPositionEmbeddings = 16;
        c.setNumLabels(numLabels);
        Engine.manualSeed(7);
        BertForSequenceClassification m = new BertForSequenceClassification(c);
        m.eval();
        return m;
    }

    static final Tensor IDS() { return Torch.longs(new long[][] {{2, 5, 6, 3}, {2, 7, 3, 0}, {2, 9, 9, 3}}); }

    @Test
    void selectionTable() {
        assertEquals(ProblemType.REGRESSION, LossSelection.select(null, null, 1, LossSelection.LabelKind.CLASS_INDEX).problemType());
        assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, LossSelection.select(null, null, 3, LossSelection.LabelKind.CLASS_INDEX).problemType());
        assertEquals(ProblemType.MULTI_LABEL_CLASSIFICATION, LossSelection.select(null, null, 3, LossSelection.LabelKind.FLOAT).problemType());
        assertEquals(ProblemType.MULTI_LABEL_CLASSIFICATION, LossSelection.select(null, null, 3, LossSelection.LabelKind.OTHER).problemType());
        LossSelection explicit = LossSelection.select(ProblemType.REGRESSION, LossSelection.Source.CONFIG, 3, LossSelection.LabelKind.CLASS_INDEX);
        assertEquals(ProblemType.REGRESSION, explicit.problemType(), "a configured problem_type wins");
        assertEquals(LossSelection.Source.CONFIG, explicit.source());
        assertEquals("MSELoss", explicit.loss());
    }

    @Test
    void singleLabelIsCrossEntropyIgnoringMinus100AndInferredOnce() {
        BertForSequenceClassification m = tiny(3);
        SequenceClassifierOutput out = m.forward(IDS(), null, null, Torch.longs(new long[] {2, -100, 0}, 3));
        float[][] z = Torch.toFloatMatrix(out.logits());
        double expected = (ce(z[0], 2) + ce(z[2], 0)) / 2; // row 1 ignored
        assertEquals(expected, out.loss().item_double(), 1e-5);
        assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, m.config().problemType());
        assertEquals(LossSelection.Source.INFERRED, m.config().problemTypeSource());
        // a later float batch does not re-infer: float labels are read as class ids
        SequenceClassifierOutput again = m.forward(IDS(), null, null, Torch.floats(new float[] {2, 1, 0}, 3));
        assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, again.lossSelection().problemType());
    }

    static double ce(float[] z, int y) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) max = Math.max(max, v);
        double s = 0;
        for (float v : z) s += Math.exp(v - max);
        return -(z[y] - max - Math.log(s));
    }

    @Test
    void regressionIsMseOnSqueezedLogitsAndAcceptsIntegerLabels() {
        BertForSequenceClassification m = tiny(1);
        SequenceClassifierOutput out = m.forward(IDS(), null, null, Torch.longs(new long[] {1, 0, 3}, 3)); // HF crashes on int labels
        float[][] z = Torch.toFloatMatrix(out.logits());
        double e = (Math.pow(z[0][0] - 1, 2) + Math.pow(z[1][0], 2) + Math.pow(z[2][0] - 3, 2)) / 3;
        assertEquals(e, out.loss().item_double(), 1e-5);
        assertEquals(ProblemType.REGRESSION, m.config().problemType());
    }

    @Test
    void multiLabelIsBceOverAllCellsAndAcceptsIntegerMultiHot() {
        BertForSequenceClassification m = tiny(2);
        SequenceClassifierOutput out = m.forward(IDS(), null, null, Torch.longs(new long[][] {{1, 0}, {1, 1}, {0, 0}}));
        assertEquals(ProblemType.MULTI_LABEL_CLASSIFICATION, out.lossSelection().problemType());
        float[][] z = Torch.toFloatMatrix(out.logits());
        int[][] y = {{1, 0}, {1, 1}, {0, 0}};
        double s = 0;
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) {
            double p = 1 / (1 + Math.exp(-z[i][j]));
            s += -(y[i][j] * Math.log(p) + (1 - y[i][j]) * Math.log(1 - p));
        }
        assertEquals(s / 6, out.loss().item_double(), 1e-5);
    }

    @Test
    void classIndicesForAMultiLabelHeadAreRejectedWithTheExpectedShape() {
        BertForSequenceClassification m = tiny(3);
        m.config().setProblemType(ProblemType.MULTI_LABEL_CLASSIFICATION);
        JTuneException e = assertThrows(JTuneException.class, () -> m.forward(IDS(), null, null, Torch.longs(new long[] {0, 1, 2}, 3)));
        assertTrue(e.getMessage().contains("shape (batch, 3)"), e.getMessage());
    }

    @Test
    void outOfRangeLabelNamesValueAndExample() {
        BertForSequenceClassification m = tiny(3);
        JTuneException e = assertThrows(JTuneException.class, () -> m.forward(IDS(), null, null, Torch.longs(new long[] {0, 3, 1}, 3)));
        assertTrue(e.getMessage().contains("label 3 of example 1"), e.getMessage());
        assertTrue(e.getMessage().contains("[0, 3)"), e.getMessage());
    }

    @Test
    void allIgnoredBatchGivesZeroNotNaN() {
        BertForSequenceClassification m = tiny(3);
        SequenceClassifierOutput out = m.forward(IDS(), null, null, Torch.longs(new long[] {-100, -100, -100}, 3));
        assertEquals(0.0, out.loss().item_double());
        out.loss().backward();
        assertEquals(0.0, m.namedParameters().get("classifier.weight").grad().abs().sum().item_double());
    }

    @Test
    void noLabelsNoLoss() {
        SequenceClassifierOutput out = tiny(4).forward(IDS(), null, null);
        assertNull(out.loss());
        assertArrayEquals(new long[] {3, 4}, Torch.shape(out.logits()));
    }

    @Test
    void regressionWithSeveralOutputsIsMseOverAllCells() {
        BertForSequenceClassification m = tiny(2);
        m.config().setProblemType(ProblemType.REGRESSION);
        SequenceClassifierOutput out = m.forward(IDS(), null, null, Torch.floats(new float[][] {{1, 2}, {0, 0}, {3, -1}}));
        float[][] z = Torch.toFloatMatrix(out.logits());
        float[][] y = {{1, 2}, {0, 0}, {3, -1}};
        double s = 0;
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) s += Math.pow(z[i][j] - y[i][j], 2);
        assertEquals(s / 6, out.loss().item_double(), 1e-5);
    }

    @Test
    void nonFiniteRegressionLabelIsAnError() {
        BertForSequenceClassification m = tiny(1);
        assertThrows(JTuneException.class, () -> m.forward(IDS(), null, null, Torch.floats(new float[] {1, Float.NaN, 2}, 3)));
    }

    @Test
    void configuredLossesMatchHandComputation() {
        float[][] z = {{1f, 0f, -1f}, {0.5f, 0.5f, 2f}};
        Tensor logits = Torch.floats(z);
        Tensor y = Torch.longs(new long[] {0, 2}, 2);
        LossContext ctx = new LossContext(ProblemType.SINGLE_LABEL_CLASSIFICATION, 3, 2);
        // class weights: sum(w_y * ce) / sum(w_y)
        float[] w = {2f, 1f, 0.5f};
        double weighted = (2 * ce(z[0], 0) + 0.5 * ce(z[1], 2)) / 2.5;
        assertEquals(weighted, new ConfiguredLoss(ProblemType.SINGLE_LABEL_CLASSIFICATION, 3, w, null, 0, 0).compute(logits, y, ctx).item_double(), 1e-6);
        // label smoothing eps: (1-eps)·nll + eps·mean_c(-log p_c)   (HF LabelSmoother)
        double eps = 0.1, ls = 0;
        for (int i = 0; i < 2; i++) {
            int t = i == 0 ? 0 : 2;
            double smooth = 0;
            for (int c = 0; c < 3; c++) smooth += ce(z[i], c);
            ls += (1 - eps) * ce(z[i], t) + eps * smooth / 3;
        }
        assertEquals(ls / 2, new ConfiguredLoss(ProblemType.SINGLE_LABEL_CLASSIFICATION, 3, null, null, eps, 0).compute(logits, y, ctx).item_double(), 1e-6);
        // focal gamma 2: mean((1-p_t)^2 · ce)
        double f = 0;
        for (int i = 0; i < 2; i++) {
            int t = i == 0 ? 0 : 2;
            double pt = Math.exp(-ce(z[i], t));
            f += Math.pow(1 - pt, 2) * ce(z[i], t);
        }
        assertEquals(f / 2, new ConfiguredLoss(ProblemType.SINGLE_LABEL_CLASSIFICATION, 3, null, null, 0, 2).compute(logits, y, ctx).item_double(), 1e-6);
        // pos_weight: -(pw·y·log σ + (1-y)·log(1-σ)) averaged over cells
        Tensor ym = Torch.floats(new float[][] {{1, 0, 1}, {0, 0, 1}});
        float[] pw = {3f, 1f, 2f};
        double b = 0;
        float[][] yy = {{1, 0, 1}, {0, 0, 1}};
        for (int i = 0; i < 2; i++) for (int c = 0; c < 3; c++) {
            double p = 1 / (1 + Math.exp(-z[i][c]));
            b += -(pw[c] * yy[i][c] * Math.log(p) + (1 - yy[i][c]) * Math.log(1 - p));
        }
        assertEquals(b / 6, new ConfiguredLoss(ProblemType.MULTI_LABEL_CLASSIFICATION, 3, null, pw, 0, 0)
                .compute(logits, ym, new LossContext(ProblemType.MULTI_LABEL_CLASSIFICATION, 3, 2)).item_double(), 1e-6);
    }

    @Test
    void lossOptionsAreCheckedAgainstTheProblemTypeAtConfigurationTime() {
        assertTrue(assertThrows(JTuneException.class, () -> LossSpec.none().withLabelSmoothing(0.1).validate(ProblemType.MULTI_LABEL_CLASSIFICATION, 4))
                .getMessage().contains("Label smoothing is not compatible with multi-label classification"));
        assertTrue(assertThrows(JTuneException.class, () -> LossSpec.none().withLabelSmoothing(0.1).validate(ProblemType.REGRESSION, 1))
                .getMessage().contains("--label-smoothing-factor"));
        assertThrows(JTuneException.class, () -> LossSpec.none().withClassWeights(new float[] {1, 2}).validate(ProblemType.SINGLE_LABEL_CLASSIFICATION, 3));
        assertThrows(JTuneException.class, () -> LossSpec.none().withPosWeight(new float[] {1, 2}).validate(ProblemType.SINGLE_LABEL_CLASSIFICATION, 2));
        assertArrayEquals(new float[] {0.75f, 1.5f}, LossSpec.balancedWeights(new long[] {4, 2}), 1e-6f);
    }
}
