package dev.jtune.trainer;

import dev.jtune.data.LabelKind;
import dev.jtune.metrics.ComputeMetrics;
import dev.jtune.metrics.EvalPrediction;
import dev.jtune.modeling.SequenceClassificationModel;
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
        SequenceClassificationModel model = trainer.model();
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
        float[][] logits = new float[n][];
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
                    float[][] l = Torch.toFloatMatrix(lo.outputs().logits());
                    for (int k = 0; k < rows.length; k++) logits[rows[k]] = l[k];
                    if (lo.loss() != null) lossSum += lo.loss().item_double() * rows.length;
                    batches++;
                }
                trainer.callbacks().onPredictionStep(args, trainer.state(), control, batches, totalBatches);
            }
        } finally {
            model.train(wasTraining);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        EvalPrediction pred = prediction(features, logits);
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (hasLabels) metrics.put(prefix + "_loss", n == 0 ? Double.NaN : lossSum / n);
        if (hasLabels && computeMetrics != null && n > 0) {
            computeMetrics.apply(pred).forEach((k, v) -> metrics.put(k.startsWith(prefix + "_") ? k : prefix + "_" + k, v));
        }
        metrics.put(prefix + "_runtime", round4(seconds));
        metrics.put(prefix + "_samples_per_second", round3(n / Math.max(seconds, 1e-9)));
        metrics.put(prefix + "_steps_per_second", round3(batches / Math.max(seconds, 1e-9)));
        return new Result(logits, pred, metrics);
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
            case NONE -> EvalPrediction.unlabelled(logits);
        };
    }

    static double round4(double v) { return Math.round(v * 1e4) / 1e4; }

    static double round3(double v) { return Math.round(v * 1e3) / 1e3; }

    @SuppressWarnings("unused")
    private static List<Integer> unused() { return List.of(); }
}
