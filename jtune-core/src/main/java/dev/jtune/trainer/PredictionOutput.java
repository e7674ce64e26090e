package dev.jtune.trainer;

import dev.jtune.metrics.EvalPrediction;

import java.util.Map;

/** Mirrors HF PredictionOutput: raw logits (N, C), labels (or none), metrics with the {@code test_} prefix. */
public record PredictionOutput(float[][] predictions, EvalPrediction evalPrediction, Map<String, Double> metrics) {}
