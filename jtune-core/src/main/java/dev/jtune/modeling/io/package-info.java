/**
 * Checkpoint readers and writers: safetensors (single and sharded), {@code pytorch_model.bin} through a restricted
 * pickle machine that runs no code, the ONNX import of the built-in MiniLM, and the Hub cache lookup. Each reader
 * states its size budget: safetensors tensors are memory-mapped (bounded by the disk, read when used); a pickle may
 * build at most {@code MAX_PUSHES} values and {@code MAX_MEMO} memo entries, its strided views copy at most twice
 * its storages, and its storages stay within three quarters of the heap.
 */
package dev.jtune.modeling.io;
