/**
 * Prediction with a saved model folder, shared by {@code jtune predict}/{@code evaluate} and the Spark transformer
 * ({@code jtune-spark}): {@link dev.jtune.inference.Predictor} loads a folder (model, tokenizer, problem type) and
 * turns rows into logits through {@link dev.jtune.trainer.Trainer#predict}, and logits into a
 * {@link dev.jtune.inference.Prediction} (label, score, probabilities, labels over the thresholds). Token
 * classification: {@link dev.jtune.inference.TokenPredictor} loads a {@code *ForTokenClassification} folder and tags
 * raw texts; {@link dev.jtune.inference.TokenEntities} turns per-token probabilities into
 * {@link dev.jtune.inference.TaggedWord}s and {@link dev.jtune.inference.Entity}s (character offsets in code points)
 * with HF pipeline's {@link dev.jtune.inference.AggregationStrategy}. The top of the
 * library: it imports {@code trainer} and what lies below it.
 */
package dev.jtune.inference;
