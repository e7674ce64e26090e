package dev.jtune.bench;

import dev.jtune.torch.Engine;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** The machine's matrix-multiply rate through libtorch (fp32: the bundled OpenBLAS / oneDNN; bf16: AMX via oneDNN). */
final class Gemm {
    private Gemm() {}

    /** One measured shape: (m×k)·(k×n), median GFLOP/s over {@code reps} after 2 warm-ups. */
    record Rate(String dtype, long m, long k, long n, double gflops, double medianSeconds) {}

    static Rate measure(torch.ScalarType dtype, long m, long k, long n, int reps) {
        Engine.init();
        double[] t = new double[reps];
        try (PointerScope scope = new PointerScope()) {
            Tensor a = torch.randn(new long[] {m, k}, new TensorOptions(torch.ScalarType.Float)).to(dtype);
            Tensor b = torch.randn(new long[] {k, n}, new TensorOptions(torch.ScalarType.Float)).to(dtype);
            for (int i = -2; i < reps; i++) {
                try (PointerScope inner = new PointerScope()) {
                    long t0 = System.nanoTime();
                    Tensor c = a.matmul(b);
                    c.data_ptr(); // CPU ops are synchronous; keep the result alive until timed
                    long t1 = System.nanoTime();
                    if (i >= 0) t[i] = Stats.seconds(t1 - t0);
                }
            }
        }
        double med = Stats.median(t);
        return new Rate(dtype == torch.ScalarType.BFloat16 ? "bf16" : "fp32", m, k, n, 2.0 * m * k * n / med / 1e9, med);
    }
}
