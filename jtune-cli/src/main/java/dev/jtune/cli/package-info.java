/**
 * The picocli command line: each command parses flags, calls the library (a {@link dev.jtune.trainer.TrainingPlan}
 * for train and explain) and prints; no decisions live here. {@link dev.jtune.cli.JTune} is the entry point,
 * {@link dev.jtune.cli.ErrorHandler} turns errors into exit codes 2 (bad input) and 1 (internal, or another rank of a
 * data-parallel job failed). {@link dev.jtune.cli.LocalLauncher} is {@code train --nproc-per-node N}: it starts the
 * local ranks (torchrun's environment per rank), streams their output and returns the worst exit code.
 */
package dev.jtune.cli;
