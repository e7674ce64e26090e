package dev.jtune.torch;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jtune's dropout: torch's semantics (drop rate, scaling, gradient), reproducible, independent of the thread count. */
class DropoutTest {
    private final int threads = Engine.configuredThreads();

    @AfterEach
    void restoreThreads() {
        torch.set_num_threads(threads);
    }

    private static float[] floats(Tensor t) {
        return Torch.toFloatArray(t.to(torch.ScalarType.Float).contiguous());
    }

    @Test
    void dropsAboutPAndScalesTheRestExactly() {
        try (PointerScope scope = new PointerScope()) {
            Engine.manualSeed(1);
            int n = 1 << 20;
            Tensor x = torch.rand(new long[] {n}, new org.bytedeco.pytorch.DimnameListOptional(), new TensorOptions(torch.ScalarType.Float)).add(new Scalar(0.5));
            double p = 0.1;
            float[] in = floats(x), out = floats(Dropout.apply(x, p));
            int dropped = 0;
            for (int i = 0; i < n; i++) {
                if (out[i] == 0f) dropped++;
                else assertEquals(in[i] * (float) (1.0 / (1.0 - p)), out[i], 1e-6f * out[i], "element " + i);
            }
            // binomial(n, 0.100006): sd = sqrt(n p (1-p)) ≈ 307; 6 sd
            assertEquals(0.1 * n, dropped, 6 * Math.sqrt(n * 0.09), "dropped elements");
        }
    }

    @Test
    void neighbouringElementsAndChunksAreIndependent() {
        try (PointerScope scope = new PointerScope()) {
            Engine.manualSeed(2);
            long n = 4 * Dropout.CHUNK * 2; // four chunks of draws, two elements per draw
            float[] keep = floats(Dropout.keepMask(new long[] {n}, 0.5));
            int both = 0;
            for (int i = 0; i + 1 < n; i += 2) if (keep[i] == 0f && keep[i + 1] == 0f) both++;
            double pairs = n / 2.0; // P(both dropped) = 0.25 if the two halves of a draw are independent
            assertEquals(0.25 * pairs, both, 6 * Math.sqrt(pairs * 0.25 * 0.75), "pairs dropped together");
            int chunk = (int) (2 * Dropout.CHUNK), same = 0;
            for (int i = 0; i < chunk; i++) if (keep[i] == keep[chunk + i]) same++;
            assertEquals(0.5 * chunk, same, 6 * Math.sqrt(chunk * 0.25), "chunk 0 vs chunk 1 agreement");
        }
    }

    @Test
    void gradientIsTheSameMaskTimesTheScale() {
        try (PointerScope scope = new PointerScope()) {
            Engine.manualSeed(3);
            Tensor x = torch.ones(new long[] {64, 33}, new TensorOptions(torch.ScalarType.Float)).requires_grad_(true);
            double p = 0.25;
            Tensor y = Dropout.apply(x, p);
            y.sum().backward();
            assertArrayEquals(floats(y.detach()), floats(x.grad()), 1e-6f, "d sum(dropout(x)) / dx = mask / (1-p) = dropout(ones)");
        }
    }

    @Test
    void sameSeedSameMaskOnOneOrManyThreads() {
        try (PointerScope scope = new PointerScope()) {
            long[] shape = {3, 5, 7 * Dropout.CHUNK / 10};
            torch.set_num_threads(1);
            Engine.manualSeed(42);
            float[] one = floats(Dropout.keepMask(shape, 0.1));
            torch.set_num_threads(Math.max(2, threads));
            Engine.manualSeed(42);
            float[] many = floats(Dropout.keepMask(shape, 0.1));
            assertArrayEquals(one, many, "the mask must not depend on the thread count (resume on another machine)");
            Engine.manualSeed(43);
            assertFalse(java.util.Arrays.equals(one, floats(Dropout.keepMask(shape, 0.1))), "another seed, another mask");
        }
    }

    @Test
    void keepsDtypeShapeAndEdgeCases() {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = torch.ones(new long[] {2, 3, 5}, new TensorOptions(torch.ScalarType.BFloat16));
            Tensor y = Dropout.apply(x, 0.5);
            assertEquals(torch.ScalarType.BFloat16.value, y.scalar_type().value);
            assertArrayEquals(new long[] {2, 3, 5}, y.sizes().vec().get());
            for (float v : floats(y)) assertTrue(v == 0f || v == 2f, "bf16 values are 0 or 1/(1-p) = 2: " + v);
            assertSame(x, Dropout.apply(x, 0.0));
            for (float v : floats(Dropout.apply(x, 1.0))) assertEquals(0f, v);
        }
    }
}
