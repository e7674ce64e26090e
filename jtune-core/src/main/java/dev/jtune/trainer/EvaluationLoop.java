package dev.jtune.trainer;

import dev.jtune.data.LabelKind;
import dev.jtune.metrics.ComputeMetrics;
import dev.jtune.metrics.EvalPrediction;
import dev.jtune.modeling.TaskModel;
import dev.jtune.tokenization.DataCollatorWithPadding;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code evaluation_loop}: eval mode, no gradients, batches in input order (sorted by length for speed,
 * then restored), loss = per-example mean of per-batch mean losses, metrics prefixed ({@code eval_}, {@code test_}).
 */
final class EvaluationLoop {
    private EvaluationLoop() {}

    record Result(float[][] logits, EvalPrediction prediction, Map<String, Double> metrics) {}

    static Result run(Trainer trainer, Features features, String prefix, ComputeMetrics computeMetrics) {
        TaskModel model = trainer.model();
        TrainingArguments args = trainer.args();
        boolean wasTraining = model.is_training();
        model.eval();
        long t0 = System.nanoTime();
        int n = features.size();
        int bs = args.perDeviceEvalBatchSize();
        // sort by length so each batch pads little; results go back to input order
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        int[] lengths = features.lengths();
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(lengths[b], lengths[a]));
        float[][] logits = features.perToken() ? null : new float[n][];
        int[][] tokenPred = features.perToken() ? new int[n][] : null;
        boolean hasLabels = features.labelKind() != LabelKind.NONE;
        double lossSum = 0;
        int batches = 0;
        DataCollatorWithPadding collator = trainer.collator();
        int totalBatches = (n + bs - 1) / bs;
        TrainerControl control = new TrainerControl();
        trainer.callbacks().onPredictionStep(args, trainer.state(), control, 0, totalBatches);
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < n; i += bs) {
                int j = Math.min(n, i + bs);
                int[] rows = new int[j - i];
                for (int k = i; k < j; k++) rows[k - i] = order[k];
                try (PointerScope scope = new PointerScope()) {
                    Batch batch = Batch.collate(features, rows, collator);
                    LossAndOutputs lo;
                    try (Autocast ac = Autocast.bf16(args.bf16())) {
                        lo = hasLabels ? trainer.computeLoss(model, batch, true, batch.numItems())
                                : new LossAndOutputs(null, model.forward(batch.inputIds(), batch.attentionMask(), batch.tokenTypeIds()));
                    }
                    if (tokenPred != null) {
                        org.bytedeco.pytorch.Tensor am = lo.outputs().logits().argmax(new org.bytedeco.pytorch.LongOptional(-1), false);
                        long[] flat = Torch.toLongArray(am);
                        int l = (int) (flat.length / rows.length);
                        for (int k = 0; k < rows.length; k++) {
                            int[] p = new int[l];
                            for (int t = 0; t < l; t++) p[t] = (int) flat[k * l + t];
                            tokenPred[rows[k]] = p;
                        }
                    } else {
                        float[][] l = Torch.toFloatMatrix(lo.outputs().logits());
                        for (int k = 0; k < rows.length; k++) logits[rows[k]] = l[k];
                    }
                    if (lo.loss() != null) lossSum += lo.loss().item_double() * rows.length;
                    batches++;
                }
                trainer.callbacks().onPredictionStep(args, trainer.state(), control, batches, totalBatches);
            }
        } finally {
            model.train(wasTraining);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        EvalPrediction pred = tokenPred != null ? null : prediction(features, logits);
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (hasLabels) metrics.put(prefix + "_loss", n == 0 ? Double.NaN : lossSum / n);
        if (hasLabels && tokenPred != null && n > 0) {
            java.util.Map<Integer, String> names = trainer.model().config().id2label();
            tokenMetrics(features, tokenPred, names).asMap().forEach((k, v) -> metrics.put(prefix + "_" + k, v));
        } else if (hasLabels && computeMetrics != null && n > 0) {
            computeMetrics.apply(pred).forEach((k, v) -> metrics.put(k.startsWith(prefix + "_") ? k : prefix + "_" + k, v));
        }
        metrics.put(prefix + "_runtime", round4(seconds));
        metrics.put(prefix + "_samples_per_second", round3(n / Math.max(seconds, 1e-9)));
        metrics.put(prefix + "_steps_per_second", round3(batches / Math.max(seconds, 1e-9)));
        return new Result(logits, pred, metrics);
    }

    /**
     * seqeval-style scores of token predictions: per word, the prediction at its first sub-token against the word's
     * tag (words that lost their tokens to truncation are left out, as in HF, where they have no label); for
     * per-token labels, every position whose label is not -100.
     */
    static dev.jtune.metrics.TokenClassificationMetrics.Result tokenMetrics(Features f, int[][] pred, java.util.Map<Integer, String> names) {
        java.util.List<java.util.List<String>> gold = new java.util.ArrayList<>(), guess = new java.util.ArrayList<>();
        for (int i = 0; i < f.size(); i++) {
            java.util.List<String> g = new java.util.ArrayList<>(), p = new java.util.ArrayList<>();
            dev.jtune.tokenization.WordAlignment a = f.alignment(i);
            if (a != null) {
                int[] tags = f.example(i).tokenTags().tags();
                for (int w = 0; w < a.firstToken().length; w++) {
                    if (a.firstToken()[w] < 0 || tags == null || tags[w] < 0) continue;
                    g.add(names.get(tags[w]));
                    p.add(names.get(pred[i][a.firstToken()[w]]));
                }
            } else {
                long[] y = f.tokenLabels(i);
                for (int t = 0; t < y.length; t++) {
                    if (y[t] < 0) continue;
                    g.add(names.get((int) y[t]));
                    p.add(names.get(pred[i][t]));
                }
            }
            gold.add(g);
            guess.add(p);
        }
        return dev.jtune.metrics.TokenClassificationMetrics.compute(gold, guess);
    }

    static EvalPrediction prediction(Features f, float[][] logits) {
        int n = f.size();
        return switch (f.labelKind()) {
            case CLASS_INDEX -> {
                int[] y = new int[n];
                for (int i = 0; i < n; i++) y[i] = f.example(i).classId();
                yield EvalPrediction.singleLabel(logits, y);
            }
            case REGRESSION -> {
                float[] y = new float[n];
                for (int i = 0; i < n; i++) y[i] = f.example(i).value();
                yield EvalPrediction.regression(logits, y);
            }
            case MULTI_HOT -> {
                float[][] y = new float[n][];
                for (int i = 0; i < n; i++) y[i] = f.example(i).multiHot();
                yield EvalPrediction.multiLabel(logits, y);
            }
            case NONE, TOKEN_TAGS -> EvalPrediction.unlabelled(logits);
        };
    }

    static double round4(double v) { return Math.round(v * 1e4) / 1e4; }

    static double round3(double v) { return Math.round(v * 1e3) / 1e3; }

    @SuppressWarnings("unused")
    private static List<Integer> unused() { return List.of(); }
}
