/**
 * Batch prediction on Apache Spark: {@link dev.jtune.spark.JTunePredictor}, a Spark ML {@code Transformer} that
 * runs a jtune model folder over a DataFrame partition by partition, through jtune-core's
 * {@link dev.jtune.inference.Predictor} (the code behind {@code jtune predict}). Spark itself is a provided
 * dependency: the cluster brings it. {@link dev.jtune.spark.SparkPredictBench} prints rows/s against the
 * in-process predictor.
 */
package dev.jtune.spark;
