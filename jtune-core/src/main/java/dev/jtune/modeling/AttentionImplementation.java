package dev.jtune.modeling;

/** How self-attention is computed: HF's {@code attn_implementation}. Both give the same numbers within rounding. */
public enum AttentionImplementation {
    /** matmul - softmax - matmul, the reference (and the fast path under bf16 autocast on AMX). */
    EAGER,
    /** libtorch's fused {@code scaled_dot_product_attention} (the fast path in fp32 on CPU). */
    SDPA,
    /**
     * The faster path on the CPU at hand: what the engine probe measured for the run's dtype
     * ({@link dev.jtune.torch.EngineChoices}, resolved once before training and cached per machine), else the fixed
     * rule measured by jtune-bench on Intel: SDPA when no gradient is needed (inference) and for float32 training
     * without attention dropout; eager for bf16-autocast training and for training with attention dropout.
     */
    AUTO;

    /**
     * Whether attention runs the fused SDPA kernel: the one decision every family's attention takes.
     *
     * @param backward         a gradient will flow through it (autograd on and the inputs require grad)
     * @param bf16             the scores are bf16 (autocast)
     * @param attentionDropout training with attention dropout > 0
     */
    public boolean useSdpa(boolean backward, boolean bf16, boolean attentionDropout) {
        if (this != AUTO) return this == SDPA;
        dev.jtune.torch.EngineChoices.Attention measured = dev.jtune.torch.EngineChoices.resolved(bf16);
        if (measured != null) return measured.sdpa(backward, attentionDropout);
        return !backward || (!bf16 && !attentionDropout);
    }
}
