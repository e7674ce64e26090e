/** Benchmarks: time the library's own code paths and print figures (never assert on time). Entry point: {@link dev.jtune.bench.Bench}. */
package dev.jtune.bench;
