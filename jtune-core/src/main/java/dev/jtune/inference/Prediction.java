package dev.jtune.inference;

import dev.jtune.losses.ProblemType;

import java.util.List;
import java.util.Map;

/**
 * One row's prediction, as {@code jtune predict} writes it. Fields that a problem type does not have are null.
 *
 * @param problemType   the model's problem type
 * @param label         single-label: the class with the highest probability; else null
 * @param score         single-label: that class's probability; regression: the predicted value; multi-label: null
 * @param labels        multi-label: the classes whose probability reaches their threshold, in id order; else null
 * @param probabilities class name → probability (softmax for single-label, sigmoid for multi-label), in id order;
 *                      regression: null
 * @param logits        the raw logits
 */
public record Prediction(ProblemType problemType, String label, Double score, List<String> labels,
                         Map<String, Double> probabilities, float[] logits) {}
