package dev.jtune.models.bert;

/** How self-attention is computed: HF's {@code attn_implementation}. Both give the same numbers within rounding. */
public enum AttentionImplementation {
    /** matmul - softmax - matmul, the reference (and the fast path under bf16 autocast on AMX). */
    EAGER,
    /** libtorch's fused {@code scaled_dot_product_attention} (the fast path in fp32 on CPU). */
    SDPA,
    /** SDPA when the query is float32 or needs no gradient (inference), eager for bf16-autocast training: the faster path on CPU. */
    AUTO
}
