package dev.jtune.io;

import java.util.Locale;

/** Element types of stored tensors, with their safetensors spelling. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int size;

    DType(int size) { this.size = size; }

    /** Bytes per element. */
    public int size() { return size; }

    public boolean isFloatingPoint() { return this == F64 || this == F32 || this == F16 || this == BF16; }

    /** The safetensors header spelling ("F32", "BF16", "I64", "BOOL", ...). */
    public String safetensorsName() { return name(); }

    /** Parses a safetensors dtype string; returns null when unknown. */
    public static DType fromSafetensors(String s) {
        if (s == null) return null;
        try {
            return DType.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
