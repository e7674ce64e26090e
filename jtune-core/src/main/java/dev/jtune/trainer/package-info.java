/**
 * HF's Trainer: {@link dev.jtune.trainer.TrainingArguments}, {@link dev.jtune.trainer.TrainingPlan} (every decision
 * before the first step, shared with {@code explain}, for sequence and token classification: {@link dev.jtune.trainer.Task}),
 * {@link dev.jtune.trainer.LossDecision}, the façade
 * {@link dev.jtune.trainer.Trainer}, its loop ({@link dev.jtune.trainer.TrainingLoop}), evaluation, checkpoints and
 * callbacks. Decisions shared with the CLI's evaluate and predict: {@link dev.jtune.trainer.InputLength} (max_length:
 * the flag, else what training used, clamped to the model's limit), {@link dev.jtune.trainer.DecisionThresholds} (the one
 * multi-label threshold rule) and {@link dev.jtune.trainer.TrainedInputs} (the columns a model was trained on).
 * {@link dev.jtune.trainer.OutputDir}: the output folder checked before the first step, its lock, no
 * mixing of runs. Checkpoints are written only when the disk has room and resumed only by the same run (same data,
 * same run-defining arguments) and the same world size. Data-parallel training ({@code Trainer.Builder.distributed}, on
 * {@link dev.jtune.distributed}): the loop shards the data, all-reduces gradients before clipping, and only rank 0
 * writes; evaluation (during training, the final one, predict, threshold calibration) is sharded over the ranks and
 * its predictions gathered, so every rank computes the metrics of the whole set (EvaluationLoop). {@link dev.jtune.trainer.StepProfile}: per-phase wall timers of the
 * loop's steps ({@code JTUNE_PROFILE=1}; the bench reads them), free when off. Reading order: TrainingArguments, TrainingPlan, Trainer, TrainingLoop, CheckpointIO.
 */
package dev.jtune.trainer;
