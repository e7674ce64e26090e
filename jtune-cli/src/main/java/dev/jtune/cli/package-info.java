/**
 * The picocli command line: each command parses flags, calls the library (a {@link dev.jtune.trainer.TrainingPlan}
 * for train and explain) and prints; no decisions live here. {@link dev.jtune.cli.JTune} is the entry point,
 * {@link dev.jtune.cli.ErrorHandler} turns errors into exit codes 2 (bad input) and 1 (internal).
 */
package dev.jtune.cli;
