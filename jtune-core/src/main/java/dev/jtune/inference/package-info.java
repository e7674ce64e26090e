/**
 * Prediction with a saved model folder, shared by {@code jtune predict}/{@code evaluate} and the Spark transformer
 * ({@code jtune-spark}): {@link dev.jtune.inference.Predictor} loads a folder (model, tokenizer, problem type) and
 * turns rows into logits through {@link dev.jtune.trainer.Trainer#predict}, and logits into a
 * {@link dev.jtune.inference.Prediction} (label, score, probabilities, labels over the thresholds). The top of the
 * library: it imports {@code trainer} and what lies below it.
 */
package dev.jtune.inference;
