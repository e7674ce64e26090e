/**
 * The bottom layer: {@link dev.jtune.io.RawTensor} and {@link dev.jtune.io.DType} (a stored tensor as bytes, what
 * checkpoints hold), {@link dev.jtune.io.AtomicFiles} (the one atomic, fsynced writer every output goes through) and
 * {@link dev.jtune.io.Json} (the JSON readers' nesting budget and location-safe error lines).
 */
package dev.jtune.io;
