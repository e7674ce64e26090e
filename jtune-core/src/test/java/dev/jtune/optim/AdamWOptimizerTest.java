package dev.jtune.optim;

import dev.jtune.JTuneException;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fused AdamW ({@code adamw_torch_fused}, {@code aten::_fused_adamw_} through the dispatcher) against hand-computed
 * AdamW and against libtorch's {@code torch::optim::AdamW} ({@code adamw_torch}); its state survives a save and load.
 */
class AdamWOptimizerTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void init() { Engine.init(); }

    private static Tensor param(float... v) {
        Tensor t = Torch.floats(v, v.length);
        t.requires_grad_(true);
        return t;
    }

    private static void grad(Tensor p, float... g) { p.mutable_grad().put(Torch.floats(g, g.length)); }

    private static float[] values(Tensor t) {
        Tensor c = t.detach().contiguous();
        float[] r = new float[(int) c.numel()];
        c.data_ptr_float().get(r);
        return r;
    }

    @Test
    void fusedMatchesHandComputedAdamWWithDecoupledDecayAndBiasCorrection() {
        double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01;
        Map<String, Tensor> named = new LinkedHashMap<>();
        named.put("dense.weight", param(1.0f, -2.0f));
        named.put("dense.bias", param(0.5f));
        AdamWOptimizer opt = AdamWOptimizer.create(OptimizerNames.ADAMW_TORCH_FUSED, named, lr, b1, b2, eps, wd);
        assertEquals(List.of("dense.weight"), opt.decay());
        assertEquals(List.of("dense.bias"), opt.noDecay());
        double[][] grads = {{0.5, -1.0, 2.0}, {0.25, 3.0, -1.0}, {-0.5, 0.0, 0.125}};
        double[] p = {1.0, -2.0, 0.5}, m = new double[3], v = new double[3];
        for (int step = 1; step <= grads.length; step++) {
            double stepLr = lr / step; // a changing learning rate, as a schedule sets it
            opt.setLearningRate(stepLr);
            grad(named.get("dense.weight"), (float) grads[step - 1][0], (float) grads[step - 1][1]);
            grad(named.get("dense.bias"), (float) grads[step - 1][2]);
            opt.step();
            opt.zeroGrad();
            for (int i = 0; i < 3; i++) {
                double g = grads[step - 1][i], decay = i < 2 ? wd : 0.0;
                p[i] *= 1 - stepLr * decay; // decoupled weight decay (not on the bias)
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, step)), vHat = v[i] / (1 - Math.pow(b2, step));
                p[i] -= stepLr * mHat / (Math.sqrt(vHat) + eps);
            }
            assertFalse(named.get("dense.weight").grad().defined(), "zeroGrad drops the gradients (set_to_none)");
        }
        float[] w = values(named.get("dense.weight")), b = values(named.get("dense.bias"));
        assertEquals(p[0], w[0], 1e-6);
        assertEquals(p[1], w[1], 1e-6);
        assertEquals(p[2], b[0], 1e-6);
        assertEquals(Map.of("dense.weight", 3.0, "dense.bias", 3.0), opt.stepCounts());
    }

    /** Two identical parameter sets, one per kernel. */
    private static Map<String, Tensor> params(long seed) {
        torch.manual_seed(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("encoder.layer.0.attention.self.query.weight", torch.randn(16, 8).requires_grad_(true));
        m.put("encoder.layer.0.attention.self.query.bias", torch.randn(16).requires_grad_(true));
        m.put("encoder.layer.0.output.LayerNorm.weight", torch.randn(8).requires_grad_(true));
        m.put("pooler.dense.weight", torch.randn(8, 8).requires_grad_(true));
        return m;
    }

    @Test
    void fusedAgreesWithLibtorchAdamWIncludingStepsWithoutAGradient() {
        Map<String, Tensor> a = params(3), b = params(3);
        AdamWOptimizer fused = AdamWOptimizer.create(OptimizerNames.ADAMW_TORCH_FUSED, a, 1e-2, 0.9, 0.98, 1e-6, 0.05);
        AdamWOptimizer plain = AdamWOptimizer.create(OptimizerNames.ADAMW_TORCH, b, 1e-2, 0.9, 0.98, 1e-6, 0.05);
        torch.manual_seed(9);
        for (int step = 1; step <= 6; step++) {
            for (String k : a.keySet()) {
                // the pooler gets no gradient on odd steps: no update and no step counted, in both kernels
                if (k.startsWith("pooler") && step % 2 == 1) continue;
                Tensor g = torch.randn(a.get(k).sizes().vec().get());
                a.get(k).mutable_grad().put(g.clone());
                b.get(k).mutable_grad().put(g.clone());
            }
            double lr = 1e-2 * (1 - step / 10.0);
            fused.setLearningRate(lr);
            plain.setLearningRate(lr);
            fused.step();
            plain.step();
            fused.zeroGrad();
            plain.zeroGrad();
        }
        for (String k : a.keySet()) {
            double diff = a.get(k).detach().sub(b.get(k).detach()).abs().max().item_double();
            assertTrue(diff < 1e-6, k + " differs by " + diff);
        }
        assertEquals(3.0, fused.stepCounts().get("pooler.dense.weight"));
        assertEquals(6.0, fused.stepCounts().get("encoder.layer.0.attention.self.query.weight"));
    }

    @Test
    void stateRoundTripsThroughAnArchiveAndTheOtherKernelsStateIsRefused() {
        Map<String, Tensor> a = params(5), b = params(5);
        AdamWOptimizer first = AdamWOptimizer.create(OptimizerNames.ADAMW_TORCH_FUSED, a, 1e-2, 0.9, 0.999, 1e-8, 0.01);
        torch.manual_seed(1);
        for (Tensor p : a.values()) p.mutable_grad().put(torch.randn(p.sizes().vec().get()));
        first.step();
        first.zeroGrad();
        Path file = dir.resolve("optimizer.pt");
        OutputArchive out = new OutputArchive();
        first.save(out);
        out.save_to(file.toString());
        // the second optimizer starts from the first one's weights and state
        for (String k : a.keySet()) b.get(k).detach().copy_(a.get(k).detach());
        AdamWOptimizer second = AdamWOptimizer.create(OptimizerNames.ADAMW_TORCH_FUSED, b, 1e-2, 0.9, 0.999, 1e-8, 0.01);
        InputArchive in = new InputArchive();
        in.load_from(file.toString());
        second.load(in, "test archive");
        assertEquals(first.stepCounts(), second.stepCounts());
        torch.manual_seed(2);
        for (String k : a.keySet()) {
            Tensor g = torch.randn(a.get(k).sizes().vec().get());
            a.get(k).mutable_grad().put(g.clone());
            b.get(k).mutable_grad().put(g);
        }
        first.step();
        second.step();
        for (String k : a.keySet()) assertTrue(a.get(k).detach().equal(b.get(k).detach()), k + ": the restored state gives the same update");

        AdamWOptimizer other = AdamWOptimizer.create(OptimizerNames.ADAMW_TORCH, params(5), 1e-2, 0.9, 0.999, 1e-8, 0.01);
        InputArchive again = new InputArchive();
        again.load_from(file.toString());
        JTuneException e = assertThrows(JTuneException.class, () -> other.load(again, "checkpoint-1/optimizer.pt"));
        assertTrue(e.getMessage().contains("checkpoint-1/optimizer.pt holds the state of optim adamw_torch_fused")
                && e.getMessage().contains("--optim adamw_torch_fused"), e.getMessage());
    }
}
