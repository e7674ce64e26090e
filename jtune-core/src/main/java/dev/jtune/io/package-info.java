/**
 * The bottom layer: {@link dev.jtune.io.RawTensor} and {@link dev.jtune.io.DType} (a stored tensor as bytes, what
 * checkpoints hold) and {@link dev.jtune.io.AtomicFiles} (the one atomic, fsynced writer every output goes through).
 */
package dev.jtune.io;
