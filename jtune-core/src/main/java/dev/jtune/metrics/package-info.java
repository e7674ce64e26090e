/** Evaluation metrics as HF's examples compute them: classification, regression, multi-label, threshold calibration. */
package dev.jtune.metrics;
