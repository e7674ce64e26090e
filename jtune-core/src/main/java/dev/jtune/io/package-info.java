/**
 * The bottom layer: {@link dev.jtune.io.RawTensor} and {@link dev.jtune.io.DType} (a stored tensor as bytes, what
 * checkpoints hold), {@link dev.jtune.io.AtomicFiles} (the one atomic, fsynced writer every output goes through) and
 * {@link dev.jtune.io.Json} (the JSON readers' nesting budget and location-safe error lines), and
 * {@link dev.jtune.io.StartupTrace} (where start-up time goes, {@code JTUNE_TRACE_STARTUP=1}).
 */
package dev.jtune.io;
