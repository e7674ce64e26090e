package dev.jtune.bench;

import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Eval-mode forwards of jtune's BERT (no grad), one PointerScope per step, on random ids: the predict workloads.
 * (Training is timed through the library's loop, {@link LoopRunner}; this is the inference step only.)
 */
final class PredictRunner {
    private PredictRunner() {}

    static StepResult run(Workload w) {
        Engine.manualSeed(42);
        BertForSequenceClassification model = new BertForSequenceClassification(w.shape().config(w.dropout()));
        model.setAttentionImplementation(w.attention());
        model.train(false);
        SplittableRandom rnd = new SplittableRandom(7);
        int n = w.warmup() + w.steps();
        double[] step = new double[w.steps()], collate = new double[w.steps()], fwd = new double[w.steps()], release = new double[w.steps()];
        double sum = Double.NaN;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime(), t1, t2;
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensor[] in = randomBatch(w.batch(), w.seq(), w.shape().vocab(), rnd);
                t1 = System.nanoTime();
                if (w.bf16()) autocastOn();
                Tensor logits = model.forward(in[0], in[1], in[2]).logits();
                if (w.bf16()) autocastOff();
                sum = logits.to(torch.ScalarType.Float).sum().item_double(); // forces the result, as predict() reads logits
                t2 = System.nanoTime();
            }
            long t3 = System.nanoTime();
            int k = i - w.warmup();
            if (k >= 0) {
                step[k] = Stats.seconds(t3 - t0);
                collate[k] = Stats.seconds(t1 - t0);
                fwd[k] = Stats.seconds(t2 - t1);
                release[k] = Stats.seconds(t3 - t2);
            }
        }
        double rss = ProcMemory.rssMiB(), peak = ProcMemory.peakMiB();
        model.close();
        Map<String, Double> phases = new LinkedHashMap<>();
        phases.put("collate", Stats.median(collate));
        phases.put("forward", Stats.median(fwd));
        phases.put("release", Stats.median(release));
        return new StepResult(w, step, Stats.median(step), phases, (double) w.batch() * w.seq(), Double.NaN, sum, rss, peak);
    }

    /** Random ids in [1000, vocab) after a [CLS], full attention mask, zero token types, random 0/1 labels. */
    static Tensor[] randomBatch(int b, int s, int vocab, SplittableRandom rnd) {
        long[] ids = new long[b * s], mask = new long[b * s], types = new long[b * s], labels = new long[b];
        int lo = Math.min(1000, vocab / 2);
        for (int r = 0; r < b; r++) {
            labels[r] = rnd.nextInt(2);
            for (int c = 0; c < s; c++) {
                ids[r * s + c] = c == 0 ? 101 % vocab : rnd.nextInt(lo, vocab);
                mask[r * s + c] = 1;
            }
        }
        return new Tensor[] {Torch.longs(ids, b, s), Torch.longs(mask, b, s), Torch.longs(types, b, s), Torch.longs(labels, b)};
    }

    /** As the Trainer's bf16 autocast on CPU, for the forward pass. */
    static void autocastOn() {
        torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
        torch.set_autocast_enabled(torch.DeviceType.CPU, true);
    }

    static void autocastOff() {
        torch.set_autocast_enabled(torch.DeviceType.CPU, false);
        torch.clear_cache();
    }
}
