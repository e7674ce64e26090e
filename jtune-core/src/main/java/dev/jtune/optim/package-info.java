/** AdamW with HF's parameter groups (no decay on biases and LayerNorm weights) and HF's learning-rate schedules. */
package dev.jtune.optim;
