package dev.jtune.metrics;

import dev.jtune.JTuneException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.jtune.metrics.ClassificationMetrics.Average.*;
import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {
    static final double EPS = 1e-12;

    @Test
    void multiclassByHand() {
        // y = 0 0 1 1 2 2, p = 0 1 1 1 2 0 (plus one ignored row predicting an unseen class 3)
        // per class tp/pred/true: c0 1/2/2, c1 2/3/2, c2 1/1/2
        int[] y = {0, 0, 1, 1, 2, 2, -100};
        int[] p = {0, 1, 1, 1, 2, 0, 3};
        Map<String, Double> m = ClassificationMetrics.compute(y, p);
        assertEquals(4.0 / 6, m.get("accuracy"), EPS);
        // F1 = 2tp/(pred+true): 2/4, 4/5, 2/3 -> mean 59/90
        assertEquals(59.0 / 90, m.get("f1_macro"), EPS);
        assertEquals(59.0 / 90, m.get("f1_weighted"), EPS); // equal supports
        assertEquals(4.0 / 6, m.get("f1_micro"), EPS);       // micro = accuracy for single-label
        assertEquals(13.0 / 18, m.get("precision_macro"), EPS); // (1/2 + 2/3 + 1)/3
        assertEquals(2.0 / 3, m.get("recall_macro"), EPS);      // (1/2 + 1 + 1/2)/3
        // sklearn MCC: cov(yt,yp) = 4*6 - (2*2+2*3+2*1) = 12; cov(yp,yp) = 36-14 = 22; cov(yt,yt) = 36-12 = 24
        assertEquals(12 / Math.sqrt(24 * 22), m.get("mcc"), EPS);
    }

    @Test
    void weightedAndBinaryMcc() {
        // c0: tp2 pred2 true3 -> F1 4/5; c1: tp1 pred2 true1 -> F1 2/3
        int[] y = {0, 0, 0, 1};
        int[] p = {0, 0, 1, 1};
        assertEquals((3 * 0.8 + 2.0 / 3) / 4, ClassificationMetrics.f1(y, p, WEIGHTED), EPS);
        assertEquals((0.8 + 2.0 / 3) / 2, ClassificationMetrics.f1(y, p, MACRO), EPS);
        assertEquals(0.75, ClassificationMetrics.f1(y, p, MICRO), EPS);
        // binary MCC: TP=1 TN=2 FP=1 FN=0 -> (1*2 - 1*0)/sqrt(2*1*3*2) = 2/sqrt(12)
        assertEquals(2 / Math.sqrt(12), ClassificationMetrics.mcc(y, p), EPS);
        assertEquals(0.0, ClassificationMetrics.mcc(new int[]{1, 1}, new int[]{1, 1}), EPS); // degenerate -> 0
        assertThrows(JTuneException.class, () -> ClassificationMetrics.accuracy(new int[]{-100}, new int[]{0}));
    }

    @Test
    void regressionByHand() {
        double[] p = {1, 2, 3, 4};
        double[] y = {1, 3, 2, 5};
        Map<String, Double> m = RegressionMetrics.compute(p, y);
        assertEquals(0.75, m.get("mse"), EPS); // (0+1+1+1)/4
        assertEquals(0.75, m.get("mae"), EPS);
        // dx=-1.5,-.5,.5,1.5; dy=-1.75,.25,-.75,2.25: sxy=5.5, sxx=5, syy=8.75
        assertEquals(5.5 / Math.sqrt(5 * 8.75), m.get("pearson"), EPS);
        // ranks of y: 1 3 2 4 -> rho = 1 - 6*(0+1+1+0)/(4*15) = 0.8
        assertEquals(0.8, m.get("spearmanr"), EPS);
        // ties: y = 1 2 2 3 -> ranks 1 2.5 2.5 4; pearson(1..4, ranks) = 4.5/sqrt(5*4.5)
        assertArrayEquals(new double[]{1, 2.5, 2.5, 4}, RegressionMetrics.averageRanks(new double[]{1, 2, 2, 3}));
        assertEquals(4.5 / Math.sqrt(22.5), RegressionMetrics.spearman(p, new double[]{1, 2, 2, 3}), EPS);
        assertTrue(Double.isNaN(RegressionMetrics.pearson(p, new double[]{2, 2, 2, 2})));
    }

    // rows: probs / labels
    static final double[][] PROBS = {{0.9, 0.2}, {0.6, 0.7}, {0.4, 0.8}};
    static final float[][] LABELS = {{1, 0}, {0, 1}, {1, 1}};

    @Test
    void multiLabelAtThreshold() {
        // predictions at 0.5: [1,0] [1,1] [0,1]; cells TP TN FP TP FN TP
        Map<String, Double> m = MultiLabelMetrics.compute(PROBS, LABELS, 0.5);
        assertEquals(6.0 / 8, m.get("f1_micro"), EPS);        // 2*3/(4 pred + 4 true)
        assertEquals((0.5 + 1.0) / 2, m.get("f1_macro"), EPS); // label0 2/4, label1 4/4
        assertEquals(1.0 / 3, m.get("subset_accuracy"), EPS);
        assertEquals(2.0 / 6, m.get("hamming_loss"), EPS);
        // AUC label0: pos {.9,.4} vs neg {.6} -> 1/2; label1: pos {.7,.8} vs neg {.2} -> 1
        assertEquals(0.75, m.get("roc_auc_macro"), EPS);
        // micro: pos {.9,.7,.4,.8} vs neg {.2,.6}: 2+2+1+2 = 7 of 8 pairs
        assertEquals(7.0 / 8, m.get("roc_auc_micro"), EPS);
        // AP label0: .9+ (R.5 P1), .6- , .4+ (R1 P2/3) -> .5 + .5*2/3 = 5/6; label1 -> 1
        assertEquals((5.0 / 6 + 1) / 2, m.get("average_precision_macro"), EPS);
        // AP micro: .9+ .8+ .7+ .6- .4+ .2- -> .25*1*3 + .25*4/5 = 0.95
        assertEquals(0.95, m.get("average_precision_micro"), EPS);
    }

    @Test
    void tiesAsSklearn() {
        assertEquals(0.5, MultiLabelMetrics.rocAuc(new double[]{0.5, 0.5}, new boolean[]{true, false}), EPS);
        // thresholds .5 (P .5, R .5) and .1 (P 2/3, R 1): AP = .5*.5 + .5*2/3
        assertEquals(0.25 + 1.0 / 3, MultiLabelMetrics.averagePrecision(new double[]{0.5, 0.5, 0.1},
                new boolean[]{true, false, true}), EPS);
        assertTrue(Double.isNaN(MultiLabelMetrics.rocAuc(new double[]{0.1, 0.2}, new boolean[]{true, true})));
        assertEquals(0.0, MultiLabelMetrics.averagePrecision(new double[]{0.1}, new boolean[]{false}));
    }

    @Test
    void thresholdCalibration() {
        // label0 sweep: .9 -> 2/3, .6 -> 2/4, .4 -> 4/5 (best); label1: .8 -> 2/3, .7 -> 4/4 (best)
        // stored halfway to the next lower probability: label0 .4 is its lowest (-> .2), label1 .7 then .2 (-> .45)
        ThresholdCalibration.PerLabel per = ThresholdCalibration.perLabelThresholds(PROBS, LABELS);
        assertArrayEquals(new double[]{0.2, 0.45}, per.thresholds(), 1e-12);
        assertArrayEquals(new double[]{0.8, 1.0}, per.f1(), EPS);
        // global sweep over 4 positives: .9 .4, .8 4/6, .7 6/7, .6 6/8, .4 8/9 (best), .2 8/10
        ThresholdCalibration.Threshold g = ThresholdCalibration.globalThreshold(PROBS, LABELS);
        assertEquals(0.3, g.threshold(), 1e-12); // .4, halfway to the next lower probability .2
        assertEquals(8.0 / 9, g.f1(), EPS);
        // the chosen thresholds reproduce the F1 through MultiLabelMetrics
        assertEquals(1.0 * (0.8 + 1.0) / 2, MultiLabelMetrics.compute(PROBS, LABELS, per.thresholds()).get("f1_macro"), EPS);
        assertEquals(8.0 / 9, MultiLabelMetrics.compute(PROBS, LABELS, 0.4).get("f1_micro"), EPS);
    }

    @Test
    void computeMetricsByProblemType() {
        float[][] logits = {{2f, 1f}, {0f, 3f}, {1f, 0f}};
        Map<String, Double> s = ComputeMetrics.forProblemType("single_label_classification")
                .apply(EvalPrediction.singleLabel(logits, new int[]{0, 1, 1})); // argmax 0 1 0
        assertEquals(2.0 / 3, s.get("accuracy"), EPS);
        // a binary head adds HF GLUE's "f1" (class 1 positive): TP 1, FP 0, FN 1 -> 2 / 3
        assertEquals(java.util.List.of("accuracy", "f1_macro", "f1_micro", "f1_weighted", "precision_macro",
                "recall_macro", "mcc", "f1"), java.util.List.copyOf(s.keySet()));
        assertEquals(2.0 / 3, s.get("f1"), EPS);
        assertEquals(java.util.List.copyOf(s.keySet()), ComputeMetrics.names("single_label_classification", 2));
        Map<String, Double> s3 = ComputeMetrics.forProblemType("single_label_classification")
                .apply(EvalPrediction.singleLabel(new float[][]{{2f, 1f, 0f}, {0f, 3f, 0f}}, new int[]{0, 1}));
        assertEquals(java.util.List.copyOf(s3.keySet()), ComputeMetrics.names("single_label_classification", 3));
        Map<String, Double> r = ComputeMetrics.forProblemType("regression")
                .apply(EvalPrediction.regression(new float[][]{{1f}, {2f}}, new float[]{1f, 4f}));
        assertEquals(2.0, r.get("mse"), EPS);
        assertEquals(java.util.Set.of("mse", "mae", "pearson", "spearmanr"), r.keySet());
        // sigmoid(0) = 0.5 is predicted positive (>= threshold)
        Map<String, Double> ml = ComputeMetrics.forProblemType("multi_label_classification")
                .apply(EvalPrediction.multiLabel(new float[][]{{0f, -3f}, {4f, 2f}}, new float[][]{{1, 0}, {1, 1}}));
        assertEquals(1.0, ml.get("subset_accuracy"), EPS);
        assertEquals(8, ml.size());
        assertThrows(JTuneException.class, () -> ComputeMetrics.forProblemType("token_classification"));
        assertThrows(JTuneException.class, () -> ComputeMetrics.forProblemType("regression")
                .apply(EvalPrediction.unlabelled(logits)));
        assertThrows(JTuneException.class, () -> EvalPrediction.singleLabel(logits, new int[]{0}));
    }
}
