package dev.jtune.models.bert;

import dev.jtune.optim.AdamWOptimizer;
import dev.jtune.optim.OptimizerNames;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training steps (forward + backward + clip + AdamW), each in a PointerScope, must not grow native memory: a
 * leaked autograd graph or activation here costs ~1 MB per step (batch 16 × 64 tokens × hidden 32).
 */
class NativeMemoryLeakTest {
    private static final int STEPS = 1000, SETTLE = 200;
    private static final double MIB = 1024.0 * 1024.0;

    @Test
    void thousandTrainingStepsKeepNativeMemoryFlat() {
        Engine.manualSeed(5);
        // one intra-op thread: this tiny model's ops gain nothing from two, and on a shared, loaded machine every
        // parallel region waits for a descheduled worker (measured: 5 ms vs 20-570 ms per step)
        int threads = torch.get_num_threads();
        torch.set_num_threads(1);
        try {
            run();
        } finally {
            torch.set_num_threads(threads);
        }
    }

    private void run() {
        BertConfig c = new BertConfig();
        c.vocabSize = 100; c.hiddenSize = 32; c.numHiddenLayers = 2; c.numAttentionHeads = 2; c.intermediateSize = 64;
        c.maxPositionEmbeddings = 64;
        c.setNumLabels(2);
        BertForSequenceClassification model = new BertForSequenceClassification(c);
        model.train(true);
        Map<String, Tensor> params = model.namedParameters();
        AdamWOptimizer opt = AdamWOptimizer.create(OptimizerNames.ADAMW_TORCH_FUSED, params, 1e-3, 0.9, 0.999, 1e-8, 0.01);
        TensorVector paramVector = new TensorVector(params.values().toArray(new Tensor[0]));
        int b = 16, s = 64;
        SplittableRandom rnd = new SplittableRandom(11);
        long[] ids = new long[b * s], labels = new long[b];
        for (int i = 0; i < ids.length; i++) ids[i] = 1 + rnd.nextInt(99);
        for (int i = 0; i < b; i++) labels[i] = ids[i * s + 1] % 2; // learnable from one token: the loss must fall

        long trackedBaseline = 0;
        double rssSettled = 0, rssMax = 0, firstLoss = Double.NaN, lastLoss = Double.NaN;
        for (int step = 1; step <= STEPS; step++) {
            try (PointerScope scope = new PointerScope()) {
                Tensor loss = model.forward(Torch.longs(ids, b, s), null, null, Torch.longs(labels, b)).loss();
                loss.backward();
                torch.clip_grad_norm_(paramVector, 1.0);
                opt.step();
                opt.zeroGrad();
                lastLoss = loss.item_double();
                if (step == 1) firstLoss = lastLoss;
            }
            if (step == 1) trackedBaseline = Pointer.totalBytes(); // optimizer state exists from the first step on
            if (step == SETTLE) {
                System.gc();
                rssSettled = Pointer.physicalBytes() / MIB;
            } else if (step > SETTLE && step % 100 == 0) {
                rssMax = Math.max(rssMax, Pointer.physicalBytes() / MIB);
            }
        }
        System.gc();
        double rssEnd = Pointer.physicalBytes() / MIB;
        rssMax = Math.max(rssMax, rssEnd);
        System.out.printf("NativeMemoryLeakTest: RSS %.1f MiB at step %d, max %.1f MiB after; JavaCPP-tracked %d -> %d bytes; loss %.4f -> %.4f%n",
                rssSettled, SETTLE, rssMax, trackedBaseline, Pointer.totalBytes(), firstLoss, lastLoss);
        assertTrue(lastLoss < firstLoss, "the steps trained nothing: loss " + firstLoss + " -> " + lastLoss);
        assertTrue(rssMax - rssSettled < 30, "RSS grew by " + (rssMax - rssSettled) + " MiB over steps " + SETTLE + ".." + STEPS);
        assertEquals(trackedBaseline, Pointer.totalBytes(), 64 * 1024, "JavaCPP-tracked native memory did not return to its baseline");
    }
}
