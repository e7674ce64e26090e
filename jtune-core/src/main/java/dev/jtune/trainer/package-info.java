/**
 * HF's Trainer: {@link dev.jtune.trainer.TrainingArguments}, {@link dev.jtune.trainer.TrainingPlan} (every decision
 * before the first step, shared with {@code explain}), {@link dev.jtune.trainer.LossDecision}, the façade
 * {@link dev.jtune.trainer.Trainer}, its loop ({@link dev.jtune.trainer.TrainingLoop}), evaluation, checkpoints and
 * callbacks. Reading order: TrainingArguments, TrainingPlan, Trainer, TrainingLoop, CheckpointIO.
 */
package dev.jtune.trainer;
