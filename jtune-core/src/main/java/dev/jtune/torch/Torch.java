package dev.jtune.torch;

import dev.jtune.io.DType;
import dev.jtune.io.RawTensor;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Small bridge between Java arrays and libtorch tensors (CPU). Every tensor made here owns its memory (a copy),
 * so the Java array can be reused or collected at once.
 */
public final class Torch {
    static {
        Engine.init();
    }

    private Torch() {}

    /** A float32 tensor of the given shape holding a copy of {@code values}. */
    public static Tensor floats(float[] values, long... shape) {
        try (FloatPointer p = new FloatPointer(values)) {
            return torch.from_blob(p, shape, new TensorOptions(torch.ScalarType.Float)).clone();
        }
    }

    /** An int64 tensor of the given shape holding a copy of {@code values}. */
    public static Tensor longs(long[] values, long... shape) {
        try (LongPointer p = new LongPointer(values)) {
            return torch.from_blob(p, shape, new TensorOptions(torch.ScalarType.Long)).clone();
        }
    }

    /** An int64 tensor [rows, cols] from a rectangular matrix. */
    public static Tensor longs(long[][] m) {
        int rows = m.length;
        int cols = rows == 0 ? 0 : m[0].length;
        long[] flat = new long[rows * cols];
        for (int i = 0; i < rows; i++) System.arraycopy(m[i], 0, flat, i * cols, cols);
        return longs(flat, rows, cols);
    }

    /** A float32 tensor [rows, cols] from a rectangular matrix. */
    public static Tensor floats(float[][] m) {
        int rows = m.length;
        int cols = rows == 0 ? 0 : m[0].length;
        float[] flat = new float[rows * cols];
        for (int i = 0; i < rows; i++) System.arraycopy(m[i], 0, flat, i * cols, cols);
        return floats(flat, rows, cols);
    }

    /** The shape of a tensor as a Java array. */
    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) s[i] = t.size(i);
        return s;
    }

    /** All elements converted to float32, row-major. */
    public static float[] toFloatArray(Tensor t) {
        try (Tensor c = t.detach().to(torch.ScalarType.Float).contiguous()) {
            int n = Math.toIntExact(c.numel());
            float[] out = new float[n];
            if (n > 0) new FloatPointer(c.const_data_ptr()).capacity(n).get(out);
            return out;
        }
    }

    /** All elements converted to int64, row-major. */
    public static long[] toLongArray(Tensor t) {
        try (Tensor c = t.detach().to(torch.ScalarType.Long).contiguous()) {
            int n = Math.toIntExact(c.numel());
            long[] out = new long[n];
            if (n > 0) new LongPointer(c.const_data_ptr()).capacity(n).get(out);
            return out;
        }
    }

    /** A 2-D tensor as float[rows][cols]. */
    public static float[][] toFloatMatrix(Tensor t) {
        long[] s = shape(t);
        if (s.length != 2) throw new IllegalArgumentException("expected a 2-D tensor, got " + java.util.Arrays.toString(s));
        float[] flat = toFloatArray(t);
        int rows = (int) s[0], cols = (int) s[1];
        float[][] m = new float[rows][cols];
        for (int i = 0; i < rows; i++) System.arraycopy(flat, i * cols, m[i], 0, cols);
        return m;
    }

    /** A libtorch tensor from a stored tensor; floating-point dtypes become float32 (jtune computes in fp32). */
    public static Tensor fromRaw(RawTensor raw) {
        long[] shape = raw.shape();
        if (raw.dtype().isFloatingPoint()) return floats(raw.toFloatArray(), shape);
        if (raw.dtype() == DType.I64) {
            long[] v = new long[Math.toIntExact(raw.numel())];
            raw.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
            return longs(v, shape);
        }
        float[] f = raw.toFloatArray();
        long[] v = new long[f.length];
        for (int i = 0; i < f.length; i++) v[i] = (long) f[i];
        return longs(v, shape);
    }

    /** A stored float32 (or int64) tensor holding a copy of a libtorch tensor. */
    public static RawTensor toRaw(Tensor t) {
        long[] shape = shape(t);
        if (isType(t, torch.ScalarType.Long)) {
            long[] v = toLongArray(t);
            ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(v);
            return new RawTensor(DType.I64, shape, b);
        }
        return RawTensor.ofFloats(shape, toFloatArray(t));
    }

    /**
     * Whether a tensor has the given dtype. (JavaCPP's ScalarType enum constants are not identity-comparable:
     * compare their values.)
     */
    public static boolean isType(Tensor t, torch.ScalarType type) {
        return t.scalar_type().value == type.value;
    }

    /** Copies {@code src} into the parameter {@code dst} without recording autograd history. */
    public static void copyInto(Tensor dst, Tensor src) {
        try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
            dst.copy_(src);
        }
    }

    @SuppressWarnings("unused")
    private static Pointer keep(BytePointer p) { return p; }
}
