package dev.jtune.cli;

import dev.jtune.JTuneException;
import dev.jtune.losses.ProblemType;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

/** How to load the model for training or explaining: labels, problem type, config overrides, mismatched heads. */
public class ModelOptions {
    @Option(names = {"--model", "--model-name-or-path", "--model_name_or_path"}, required = true, paramLabel = "MODEL",
            description = "A Hugging Face model folder, a Hub id in the local cache, or minilm (built in).")
    String model;

    @Option(names = {"--num-labels", "--num_labels"}, paramLabel = "N",
            description = "Size of the classification head (default: from the data; 1 = regression).")
    Integer numLabels;

    @Option(names = {"--problem-type", "--problem_type"}, paramLabel = "TYPE",
            description = "single_label_classification, multi_label_classification or regression (default: config.json, else inferred).")
    String problemType;

    @Option(names = {"--config-override", "--config_override"}, paramLabel = "KEY=VALUE[,KEY=VALUE]",
            description = "Override config.json values, e.g. hidden_dropout_prob=0.2,attention_probs_dropout_prob=0.2.")
    List<String> configOverrides;

    @Option(names = {"--ignore-mismatched-sizes", "--ignore_mismatched_sizes"},
            description = "Re-initialise checkpoint weights whose shape differs (a head with another number of labels).")
    boolean ignoreMismatchedSizes;

    @Option(names = {"--task"}, paramLabel = "TASK",
            description = "sequence-classification or token-classification (NER; default: token-classification for a CoNLL file "
                    + "or JSONL with tokens and ner_tags, else sequence-classification).")
    String task;

    @Option(names = {"--label-all-tokens", "--label_all_tokens"},
            description = "Token classification: tag every sub-token of a word (B- becomes I- on continuations), not only the first "
                    + "(run_ner.py label_all_tokens).")
    boolean labelAllTokens;

    dev.jtune.trainer.Task task() { return dev.jtune.trainer.Task.parse(task); }

    ProblemType problemType() {
        if (problemType == null) return null;
        try {
            return ProblemType.fromHf(problemType.trim());
        } catch (JTuneException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JTuneException("--problem-type \"" + problemType + "\"",
                    "problem_type is one of regression, single_label_classification, multi_label_classification",
                    "pass one of those three values, or leave it out to infer it");
        }
    }

    Map<String, Object> overrides() { return CliSupport.parseOverrides(configOverrides); }

    void checkNumLabels() {
        if (numLabels != null && numLabels < 1) {
            throw new JTuneException("--num-labels is " + numLabels, "num_labels is at least 1 (1 means regression)",
                    "pass the number of classes, or leave it out to take it from the data");
        }
    }
}
