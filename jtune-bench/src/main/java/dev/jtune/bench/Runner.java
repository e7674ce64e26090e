package dev.jtune.bench;

import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.optim.AdamWFactory;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.Map;
import java.util.SplittableRandom;

/** Runs a {@link Workload} with the real jtune model and optimizer, one PointerScope per step. */
final class Runner {
    private Runner() {}

    /** Called after every {@code every}-th step (1-based step number, that step's seconds). */
    interface StepListener {
        void after(int step, double seconds);
    }

    static StepResult run(Workload w) {
        return run(w, 0, null);
    }

    static StepResult run(Workload w, int every, StepListener listener) {
        Engine.manualSeed(42);
        BertForSequenceClassification model = new BertForSequenceClassification(w.shape().config(w.dropout()));
        model.setAttentionImplementation(w.attention());
        model.train(!w.predict());
        Map<String, Tensor> params = model.namedParameters();
        AdamW opt = w.predict() ? null : AdamWFactory.create(params, 2e-5, 0.9, 0.999, 1e-8, 0.01).optimizer();
        TensorVector paramVector = new TensorVector(params.values().toArray(new Tensor[0]));
        SplittableRandom rnd = new SplittableRandom(7);
        int n = w.warmup() + w.steps();
        double[] step = new double[w.steps()], collate = new double[w.steps()], fwd = new double[w.steps()],
                bwd = new double[w.steps()], optim = new double[w.steps()], release = new double[w.steps()];
        double loss = Double.NaN;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime(), t1, t2, t3, t4;
            try (PointerScope scope = new PointerScope()) {
                Tensor[] in = collate(w, rnd);
                t1 = System.nanoTime();
                if (w.predict()) {
                    try (NoGradGuard g = new NoGradGuard()) {
                        if (w.bf16()) autocastOn();
                        Tensor logits = model.forward(in[0], in[1], in[2]).logits();
                        if (w.bf16()) autocastOff();
                        loss = logits.to(torch.ScalarType.Float).sum().item_double(); // forces the result, as predict() reads logits
                    }
                    t2 = t3 = t4 = System.nanoTime();
                } else {
                    if (w.bf16()) autocastOn();
                    Tensor l = model.forward(in[0], in[1], in[2], in[3]).loss();
                    if (w.bf16()) autocastOff();
                    t2 = System.nanoTime();
                    l.backward();
                    t3 = System.nanoTime();
                    torch.clip_grad_norm_(paramVector, 1.0);
                    opt.step();
                    opt.zero_grad(true);
                    loss = l.item_double();
                    t4 = System.nanoTime();
                }
            }
            Engine.releaseFreeMemoryAt(i + 1); // as the training loop does (every 200 steps; the timed runs are shorter)
            long t5 = System.nanoTime();
            if (listener != null && (i + 1) % every == 0) listener.after(i + 1, Stats.seconds(t5 - t0));
            int k = i - w.warmup();
            if (k >= 0) {
                step[k] = Stats.seconds(t5 - t0);
                collate[k] = Stats.seconds(t1 - t0);
                fwd[k] = Stats.seconds(t2 - t1);
                bwd[k] = Stats.seconds(t3 - t2);
                optim[k] = Stats.seconds(t4 - t3);
                release[k] = Stats.seconds(t5 - t4);
            }
        }
        double rss = ProcMemory.rssMiB(), peak = ProcMemory.peakMiB();
        paramVector.close();
        if (opt != null) opt.close();
        params.values().forEach(Tensor::close);
        model.close();
        return new StepResult(w, step, Stats.median(step), Stats.median(collate), Stats.median(fwd), Stats.median(bwd),
                Stats.median(optim), Stats.median(release), Double.NaN, Double.NaN, loss, rss, peak);
    }

    /** Random ids in [1000, vocab), full attention mask, zero token types, random 0/1 labels (what a collator hands over). */
    static Tensor[] collate(Workload w, SplittableRandom rnd) {
        int b = w.batch(), s = w.seq();
        long[] ids = new long[b * s], mask = new long[b * s], types = new long[b * s], labels = new long[b];
        int lo = Math.min(1000, w.shape().vocab() / 2);
        for (int r = 0; r < b; r++) {
            labels[r] = rnd.nextInt(2);
            for (int c = 0; c < s; c++) {
                ids[r * s + c] = c == 0 ? 101 % w.shape().vocab() : rnd.nextInt(lo, w.shape().vocab());
                mask[r * s + c] = 1;
            }
        }
        return new Tensor[] {Torch.longs(ids, b, s), Torch.longs(mask, b, s), Torch.longs(types, b, s), Torch.longs(labels, b)};
    }

    /** As dev.jtune.trainer.Autocast: bf16 autocast on CPU for the forward pass. */
    static void autocastOn() {
        torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
        torch.set_autocast_enabled(torch.DeviceType.CPU, true);
    }

    static void autocastOff() {
        torch.set_autocast_enabled(torch.DeviceType.CPU, false);
        torch.clear_cache();
    }
}
