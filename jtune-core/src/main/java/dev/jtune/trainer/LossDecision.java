package dev.jtune.trainer;

import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.LabelKind;
import dev.jtune.losses.ConfiguredLoss;
import dev.jtune.losses.LossFunction;
import dev.jtune.losses.LossSelection;
import dev.jtune.losses.LossSpec;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.PretrainedConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss decision, made in one place for the {@link Trainer}, {@link TrainingPlan} (so {@code jtune train} and
 * {@code jtune explain}) and the API: the problem type (explicit &gt; config.json &gt; inferred from
 * {@code num_labels} and the label column), a check that the data's labels fit the head, and the loss with its
 * precedence — a custom {@link LossFunction} &gt; the loss options ({@link LossSpec}, with
 * {@code label_smoothing_factor} folded in) &gt; the model's own loss.
 *
 * @param selection   the problem type and why (null when there are no labels and none is configured)
 * @param loss        the loss the Trainer applies itself, or null for the model's own loss
 * @param description one line: "problem_type ... inferred from ... → CrossEntropyLoss(...)"
 * @param details     the loss's name and options, for {@code explain --json}
 */
public record LossDecision(LossSelection selection, LossFunction loss, String description, Map<String, Object> details) {

    /**
     * The labels of a data set in words, as the data has them: "integer labels", "string labels (neg, pos) mapped to
     * class ids", "lists of label names (multi-hot rows)", "multi-hot rows of numbers", "float labels"; null without data.
     */
    public static String labelWords(Dataset d) {
        if (d == null) return null;
        dev.jtune.data.LabelMap map = d.labelMap();
        return switch (d.labelKind()) {
            case CLASS_INDEX -> map == null || TrainingPlan.isNumbered(map) ? "integer labels"
                    : "string labels (" + names(map.id2label()) + ") mapped to class ids";
            case MULTI_HOT -> map != null && !TrainingPlan.isNumbered(map) ? "lists of label names (multi-hot rows)" : "multi-hot rows of numbers";
            case REGRESSION -> "float labels";
            default -> null;
        };
    }

    private static String names(java.util.List<String> names) {
        return names.size() <= 4 ? String.join(", ", names) : String.join(", ", names.subList(0, 3)) + ", ... " + names.get(names.size() - 1);
    }

    /**
     * Decides without changing {@code config} (the Trainer records an inferred problem type itself).
     *
     * @param labelled the data whose label column types the labels (train, else eval), or null
     * @param train    the training data (for automatic class weights), or null
     */
    public static LossDecision decide(PretrainedConfig config, Dataset labelled, Dataset train, LossSpec lossSpec,
                                      double labelSmoothingFactor, LossFunction userLoss) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (labelled != null && labelled.labelKind() == LabelKind.TOKEN_TAGS) {
            throw new JTuneException(labelled.file() + " holds token tags (one per word) but the model is a sequence-classification head",
                    "token tags train a *ForTokenClassification head (HF AutoModelForTokenClassification)",
                    "pass --task token-classification (API: AutoModelForTokenClassification)");
        }
        if ((labelled == null || labelled.labelKind() == LabelKind.NONE) && config.problemType() == null && userLoss == null) {
            // nothing to infer from (prediction only): problem_type stays unset, as HF does without labels
            details.put("name", null);
            return new LossDecision(null, null, "no labels: problem_type stays unset and no loss is computed", details);
        }
        LossSelection.LabelKind kind = labelled == null || labelled.labelKind() == LabelKind.CLASS_INDEX
                ? LossSelection.LabelKind.CLASS_INDEX : LossSelection.LabelKind.FLOAT;
        LossSelection sel = LossSelection.select(config.problemType(), config.problemTypeSource(), config.numLabels(), kind, labelWords(labelled));
        checkDataMatchesProblemType(sel, labelled, config.numLabels());
        LossSpec spec = (lossSpec == null ? LossSpec.none() : lossSpec)
                .withLabelSmoothing(Math.max(lossSpec == null ? 0 : lossSpec.labelSmoothing(), labelSmoothingFactor));
        spec.validate(sel.problemType(), config.numLabels());
        details.put("name", sel.loss());
        if (userLoss != null) {
            details.put("name", "custom");
            return new LossDecision(sel, userLoss, sel.reason() + " → custom loss function " + userLoss.describe()
                    + " (replaces the model's loss)", details);
        }
        if (spec.isDefault()) {
            return new LossDecision(sel, null, sel.describe() + " (the model's own loss)", details);
        }
        float[] weights = spec.classWeights();
        if (spec.autoClassWeights()) {
            if (train == null) {
                throw new JTuneException("--class-weights auto without training data",
                        "automatic class weights are computed from the training labels", "pass --train FILE or explicit weights");
            }
            weights = LossSpec.balancedWeights(train.labelCounts().values().stream().mapToLong(Integer::longValue).toArray());
        }
        ConfiguredLoss cl = new ConfiguredLoss(sel.problemType(), config.numLabels(), weights, spec.posWeight(),
                spec.labelSmoothing(), spec.focalGamma());
        if (weights != null) details.put("class_weights", weights);
        if (spec.posWeight() != null) details.put("pos_weight", spec.posWeight());
        if (spec.focalGamma() > 0) details.put("focal_gamma", spec.focalGamma());
        if (spec.labelSmoothing() > 0) details.put("label_smoothing", spec.labelSmoothing());
        return new LossDecision(sel, cl, sel.reason() + " → " + cl.describe(), details);
    }

    /**
     * The decision for a {@code *ForTokenClassification} head: HF's fixed token rule
     * ({@link LossSelection#tokenClassification}: cross-entropy over every counted token, −100 ignored, problem_type
     * not consulted), with the same precedence as the sequence heads (custom loss &gt; loss options, which then apply
     * per token: class weights, label smoothing, focal &gt; the model's own loss). Under gradient accumulation the
     * Trainer's one rule applies: each micro-batch's token mean divided by the micro-batches in the window (HF's
     * BERT behaviour), or with {@code averageLossExactMean} weighted by the micro-batch's counted tokens.
     *
     * @param labelled the data (must be token tags, or unlabelled), or null
     */
    public static LossDecision decideTokens(String architecture, PretrainedConfig config, Dataset labelled, Dataset train,
                                            LossSpec lossSpec, double labelSmoothingFactor, LossFunction userLoss) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (labelled != null && labelled.labelKind() != LabelKind.TOKEN_TAGS && labelled.labelKind() != LabelKind.NONE) {
            throw new JTuneException("the labels of " + labelled.file() + " are " + labelled.labelKind().problemType()
                    + " (one per example) but the model is a token-classification head (" + architecture + ")",
                    "a token-classification head needs one tag per word: a CoNLL file or JSONL with tokens and ner_tags",
                    "give token-tagged data, or train a sequence head (drop --task token-classification)");
        }
        LossSelection sel = LossSelection.tokenClassification(architecture, config.numLabels());
        if (labelled != null && labelled.labelKind() == LabelKind.TOKEN_TAGS && labelled.numLabels() > config.numLabels()) {
            throw new JTuneException(labelled.file() + " has " + labelled.numLabels() + " tags " + labelled.labelMap().id2label()
                    + " but the head has num_labels=" + config.numLabels(),
                    "every tag id must lie in [0, num_labels)",
                    "pass --num-labels " + labelled.numLabels() + " (with --ignore-mismatched-sizes for a trained head)");
        }
        LossSpec spec = (lossSpec == null ? LossSpec.none() : lossSpec)
                .withLabelSmoothing(Math.max(lossSpec == null ? 0 : lossSpec.labelSmoothing(), labelSmoothingFactor));
        spec.validate(sel.problemType(), config.numLabels());
        details.put("name", sel.loss());
        details.put("per_token", true);
        if (userLoss != null) {
            details.put("name", "custom");
            return new LossDecision(sel, userLoss, sel.reason() + " → custom loss function " + userLoss.describe()
                    + " (replaces the model's loss; logits (B, L, C), labels (B, L))", details);
        }
        if (spec.isDefault()) return new LossDecision(sel, null, sel.describe() + " (the model's own loss)", details);
        float[] weights = spec.classWeights();
        if (spec.autoClassWeights()) {
            if (train == null) {
                throw new JTuneException("--class-weights auto without training data",
                        "automatic class weights are computed from the training tags", "pass --train FILE or explicit weights");
            }
            weights = LossSpec.balancedWeights(train.labelCounts().values().stream().mapToLong(Integer::longValue).toArray());
        }
        ConfiguredLoss cl = new ConfiguredLoss(sel.problemType(), config.numLabels(), weights, spec.posWeight(),
                spec.labelSmoothing(), spec.focalGamma());
        if (weights != null) details.put("class_weights", weights);
        if (spec.focalGamma() > 0) details.put("focal_gamma", spec.focalGamma());
        if (spec.labelSmoothing() > 0) details.put("label_smoothing", spec.labelSmoothing());
        return new LossDecision(sel, cl, sel.reason() + " → per token: " + cl.describe(), details);
    }

    /** The data's labels must fit the head; a stale {@code problem_type} in config.json is caught here. */
    static void checkDataMatchesProblemType(LossSelection sel, Dataset d, int n) {
        if (d == null || d.labelKind() == LabelKind.NONE) return;
        ProblemType p = sel.problemType();
        boolean ok = switch (d.labelKind()) {
            case CLASS_INDEX -> p == ProblemType.SINGLE_LABEL_CLASSIFICATION && d.numLabels() <= n;
            case REGRESSION -> p == ProblemType.REGRESSION;
            case MULTI_HOT -> p == ProblemType.MULTI_LABEL_CLASSIFICATION && d.numLabels() == n;
            default -> true;
        };
        if (!ok) {
            throw new JTuneException("the labels of " + d.file() + " (column \"" + d.labelColumn() + "\") are " + d.labelKind().problemType()
                    + " with " + d.numLabels() + " label(s), but the model's problem_type is " + p.hfName() + " with num_labels=" + n
                    + " (" + sel.reason() + ")",
                    "the data's labels must fit the head: class ids in [0, num_labels), one float for regression, num_labels-long multi-hot rows",
                    "pass --num-labels " + Math.max(1, d.numLabels()) + " (the head is re-initialised with --ignore-mismatched-sizes) or --problem-type "
                            + d.labelKind().problemType() + ", or fix a stale problem_type in config.json");
        }
    }
}
