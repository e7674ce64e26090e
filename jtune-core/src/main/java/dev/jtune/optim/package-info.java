/**
 * AdamW with HF's parameter groups (no decay on biases and LayerNorm weights), in libtorch's fused kernel
 * ({@code adamw_torch_fused}, HF v5's default) or its per-tensor one ({@code adamw_torch}), and HF's learning-rate
 * schedules.
 */
package dev.jtune.optim;
