package dev.jtune.modeling;

/** How self-attention is computed: HF's {@code attn_implementation}. Both give the same numbers within rounding. */
public enum AttentionImplementation {
    /** matmul - softmax - matmul, the reference (and the fast path under bf16 autocast on AMX). */
    EAGER,
    /** libtorch's fused {@code scaled_dot_product_attention} (the fast path in fp32 on CPU). */
    SDPA,
    /**
     * The faster path on CPU, as measured by jtune-bench: SDPA when no gradient is needed (inference) and for float32
     * training without attention dropout; eager for bf16-autocast training and for training with attention dropout.
     */
    AUTO
}
