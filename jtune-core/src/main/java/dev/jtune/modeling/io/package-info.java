/**
 * Checkpoint readers and writers: safetensors (single and sharded), {@code pytorch_model.bin} through a restricted
 * pickle machine that runs no code, the ONNX import of the built-in MiniLM, and the Hub cache lookup. Each reader
 * states its size budget.
 */
package dev.jtune.modeling.io;
