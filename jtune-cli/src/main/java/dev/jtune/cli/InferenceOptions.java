package dev.jtune.cli;

import picocli.CommandLine.Option;

/** Options shared by the commands that run a trained model over a file (evaluate, predict). */
public class InferenceOptions {
    @Option(names = {"--problem-type", "--problem_type"}, paramLabel = "TYPE", description = "Override the model's problem_type.")
    String problemType;

    @Option(names = {"--batch-size", "--per-device-eval-batch-size", "--per_device_eval_batch_size"}, paramLabel = "N",
            defaultValue = "32", description = "Examples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = {"--max-length", "--max_length", "--max-seq-length", "--max_seq_length"}, paramLabel = "N",
            description = "Tokenizer truncation length (default: what training used, from the model's training_args.json; else 128).")
    Integer maxLength;

    @Option(names = "--threshold", paramLabel = "P",
            description = "Multi-label decision threshold for every label (default: the thresholds calibrated when training, "
                    + "stored in config.json, else 0.5); predict's labels and every metric use the same thresholds.")
    Double threshold;
}
