package dev.jtune.trainer;

import dev.jtune.data.LabelKind;
import dev.jtune.distributed.DistributedSampler;
import dev.jtune.distributed.ProcessGroupContext;
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
 * Under data parallelism ({@link Trainer#distributed()}) it is a collective that every rank runs: each rank
 * evaluates its shard ({@link DistributedSampler#evalRealRows}: PyTorch's {@code DistributedSampler(shuffle=False)},
 * the padding duplicates dropped), the predictions and the loss are gathered ({@link #gather}), and the metrics are
 * computed from the whole set, the same on every rank.
 */
final class EvaluationLoop {
    private EvaluationLoop() {}

    record Result(float[][] logits, EvalPrediction prediction, Map<String, Double> metrics) {}

    static Result run(Trainer trainer, Features features, String prefix, ComputeMetrics computeMetrics) {
        TaskModel model = trainer.model();
        TrainingArguments args = trainer.args();
        boolean wasTraining = model.is_training();
        model.eval();
        model.logitsOnlyInference(true); // evaluation reads the logits only
        long t0 = System.nanoTime();
        int n = features.size();
        int bs = args.perDeviceEvalBatchSize();
        // data parallel: this rank evaluates its shard (DistributedSampler(shuffle=False), padding duplicates dropped)
        ProcessGroupContext dist = trainer.distributed();
        int[] mine = dist == null ? null : DistributedSampler.evalRealRows(n, dist.rank(), dist.worldSize());
        int m = mine == null ? n : mine.length;
        // sort by length so each batch pads little; results go back to input order
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = mine == null ? i : mine[i];
        int[] lengths = features.lengths();
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(lengths[b], lengths[a]));
        float[][] logits = features.perToken() ? null : new float[n][];
        int[][] tokenPred = features.perToken() ? new int[n][] : null;
        boolean hasLabels = features.labelKind() != LabelKind.NONE;
        double lossSum = 0;
        int batches = 0;
        DataCollatorWithPadding collator = trainer.collator();
        int totalBatches = (m + bs - 1) / bs;
        TrainerControl control = new TrainerControl();
        trainer.callbacks().onPredictionStep(args, trainer.state(), control, 0, totalBatches);
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < m; i += bs) {
                int j = Math.min(m, i + bs);
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
            model.logitsOnlyInference(false);
        }
        if (dist != null) {
            lossSum = gather(dist, features, mine, logits, tokenPred, lossSum);
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
     * Sharded evaluation's gather (HF's {@code gather_for_metrics} + {@code nested_truncate}): every rank's predictions
     * go into the padded sequential order ({@link DistributedSampler#paddedSize}) at their positions, one c10d
     * allreduce per kind fills in the other ranks' rows, and the order is truncated to the {@code n} dataset rows, so
     * that every rank holds the predictions of the whole eval set in its order and computes the same metrics. Token
     * predictions are gathered padded to the longest row of the set and cut back to each row's length afterwards
     * (the lengths need no exchange: every rank tokenized the whole set). Labels need none either: every rank holds
     * them. Returns the loss summed over the ranks (per batch: its mean times its rows).
     */
    private static double gather(ProcessGroupContext dist, Features features, int[] mine, float[][] logits, int[][] tokenPred, double lossSum) {
        int n = features.size();
        int padded = DistributedSampler.paddedSize(n, dist.worldSize());
        if (logits != null) {
            // the logit width, from the ranks that have rows (all but the last W-n when the set is smaller than W)
            long[] w = dist.allreduceSum(new long[] {mine.length == 0 ? 0 : logits[mine[0]].length, mine.length == 0 ? 0 : 1},
                    "allreduce of the evaluation's logit width");
            int width = w[1] == 0 ? 0 : (int) (w[0] / w[1]);
            float[][] rows = new float[mine.length][];
            for (int k = 0; k < mine.length; k++) rows[k] = logits[mine[k]];
            float[][] all = dist.gatherRows(padded, width, mine, rows, "gather of the evaluation's logits");
            for (int i = 0; i < n; i++) logits[i] = all[i]; // nested_truncate: the padding positions n.. are dropped
        } else {
            int[] lengths = features.lengths();
            int width = 0;
            for (int l : lengths) width = Math.max(width, l);
            long[][] rows = new long[mine.length][];
            for (int k = 0; k < mine.length; k++) {
                int[] p = tokenPred[mine[k]];
                rows[k] = new long[Math.min(width, p.length)];
                for (int t = 0; t < rows[k].length; t++) rows[k][t] = p[t];
            }
            long[][] all = dist.gatherRows(padded, width, mine, rows, "gather of the evaluation's token predictions");
            for (int i = 0; i < n; i++) {
                int[] p = new int[lengths[i]];
                for (int t = 0; t < p.length; t++) p[t] = (int) all[i][t];
                tokenPred[i] = p;
            }
        }
        return dist.allreduceSum(new double[] {lossSum}, "allreduce of the evaluation loss")[0];
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
