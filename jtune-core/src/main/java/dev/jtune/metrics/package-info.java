/** Evaluation metrics as HF's examples compute them: classification, regression, multi-label, threshold calibration,
 * seqeval-style entity metrics for token classification ({@link dev.jtune.metrics.TokenClassificationMetrics}), and
 * the per-task breakdown of one evaluation that the report draws ({@link dev.jtune.metrics.EvalBreakdown}: confusion
 * matrix, per-class / per-label / per-entity scores, predicted against true values). */
package dev.jtune.metrics;
