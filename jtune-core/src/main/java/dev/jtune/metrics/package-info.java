/** Evaluation metrics as HF's examples compute them: classification, regression, multi-label, threshold calibration,
 * and seqeval-style entity metrics for token classification ({@link dev.jtune.metrics.TokenClassificationMetrics}). */
package dev.jtune.metrics;
