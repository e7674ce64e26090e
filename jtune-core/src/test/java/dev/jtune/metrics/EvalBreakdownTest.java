package dev.jtune.metrics;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The per-task breakdown the report draws, against counts made by hand. */
class EvalBreakdownTest {

    @Test
    void singleLabelConfusionAndPerClassScores() {
        // argmax of the logits: 0, 1, 1, 2, 0, 2, (ignored row), 0 against labels 0, 1, 0, 2, 2, 2, -100, 1
        float[][] logits = {{3, 0, 0}, {0, 3, 0}, {0, 3, 0}, {0, 0, 3}, {3, 0, 0}, {0, 0, 3}, {0, 3, 0}, {3, 0, 0}};
        int[] labels = {0, 1, 0, 2, 2, 2, -100, 1};
        var b = (EvalBreakdown.SingleLabel) EvalBreakdown.of(EvalPrediction.singleLabel(logits, labels), List.of("a", "b", "c"), null);
        // rows true, columns predicted: a: a1 b1 c0; b: a1 b1 c0; c: a1 b0 c2 (the -100 row is left out)
        assertArrayEquals(new long[] {1, 1, 0}, b.confusion()[0]);
        assertArrayEquals(new long[] {1, 1, 0}, b.confusion()[1]);
        assertArrayEquals(new long[] {1, 0, 2}, b.confusion()[2]);
        // a: tp 1, predicted 3, true 2 -> P 1/3, R 1/2, F1 2/5; b: tp 1, predicted 2, true 2 -> 1/2, 1/2, 1/2; c: tp 2, 2, 3 -> 1, 2/3, 4/5
        assertArrayEquals(new double[] {1.0 / 3, 0.5, 1.0}, b.scores().precision(), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5, 2.0 / 3}, b.scores().recall(), 1e-15);
        assertArrayEquals(new double[] {0.4, 0.5, 0.8}, b.scores().f1(), 1e-15);
        assertArrayEquals(new long[] {2, 2, 3}, b.scores().support());
    }

    @Test
    void multiLabelScoresAtEachLabelsThreshold() {
        // logits 0 -> probability 0.5; 2 -> 0.88; -2 -> 0.12
        float[][] logits = {{2, 0}, {0, -2}, {-2, 2}, {2, 2}};
        float[][] y = {{1, 0}, {1, 0}, {0, 1}, {0, 1}};
        // label x at 0.6: predicted rows 0, 3 (true 0, 1) -> tp 1, pred 2, true 2; label y at 0.5: predicted rows 0, 2, 3 (true 2, 3) -> tp 2, pred 3, true 2
        var b = (EvalBreakdown.MultiLabel) EvalBreakdown.of(EvalPrediction.multiLabel(logits, y), List.of("x", "y"), new double[] {0.6, 0.5});
        assertArrayEquals(new double[] {0.6, 0.5}, b.thresholds());
        assertArrayEquals(new double[] {0.5, 2.0 / 3}, b.scores().precision(), 1e-15);
        assertArrayEquals(new double[] {0.5, 1.0}, b.scores().recall(), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.8}, b.scores().f1(), 1e-15);
    }

    @Test
    void regressionKeepsTruthAndPrediction() {
        var b = (EvalBreakdown.Regression) EvalBreakdown.of(EvalPrediction.regression(new float[][] {{1.5f}, {3f}}, new float[] {2f, 4f}), List.of("LABEL_0"), null);
        assertArrayEquals(new double[] {2, 4}, b.truth());
        assertArrayEquals(new double[] {1.5, 3}, b.predicted());
        assertNull(EvalBreakdown.of(EvalPrediction.unlabelled(new float[][] {{1f}}), List.of("LABEL_0"), null));
    }

    @Test
    void entitiesFromSeqevalKeys() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("eval_f1", 0.5);
        m.put("eval_LOC_precision", 0.25);
        m.put("eval_LOC_recall", 0.5);
        m.put("eval_LOC_f1", 1.0 / 3);
        m.put("eval_LOC_number", 4.0);
        m.put("eval_PER_precision", 1.0);
        m.put("eval_PER_recall", 1.0);
        m.put("eval_PER_f1", 1.0);
        m.put("eval_PER_number", 7.0);
        var e = EvalBreakdown.entities(m, "eval");
        assertEquals(List.of("LOC", "PER"), e.scores().names());
        assertArrayEquals(new double[] {1.0 / 3, 1.0}, e.scores().f1());
        assertArrayEquals(new long[] {4, 7}, e.scores().support());
        assertNull(EvalBreakdown.entities(Map.of("eval_accuracy", 1.0), "eval"));
    }
}
