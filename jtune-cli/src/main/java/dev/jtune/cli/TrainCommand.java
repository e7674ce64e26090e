package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.DatasetReader;
import dev.jtune.data.LabelKind;
import dev.jtune.distributed.DistributedConfig;
import dev.jtune.distributed.DistributedSampler;
import dev.jtune.distributed.ProcessGroupContext;
import dev.jtune.data.ReadOptions;
import dev.jtune.losses.LossSpec;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.AutoModel;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.PretrainedConfig;
import dev.jtune.models.AutoConfig;
import dev.jtune.models.AutoModelForSequenceClassification;
import dev.jtune.modeling.TaskModel;
import dev.jtune.trainer.Task;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.trainer.CheckpointRotation;
import dev.jtune.trainer.InputLength;
import dev.jtune.trainer.TrainedInputs;
import dev.jtune.trainer.Trainer;
import dev.jtune.trainer.TrainingPlan;
import dev.jtune.trainer.OutputDir;
import dev.jtune.trainer.TrainOutput;
import dev.jtune.trainer.TrainingArguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jtune train}: fine-tunes a model on a data file and writes a Hugging Face folder, results and a report. */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, name = "train", header = "Fine-tune a model on a CSV, TSV or JSONL file.",
        modelTransformer = TrainingArgsOptions.class,
        description = {
            "Writes an HF model folder (config.json, model.safetensors, tokenizer files) into --output-dir, with",
            "training_args.json, trainer_state.json, train/eval/all_results.json, checkpoints and report.html.",
            "Every HF TrainingArguments field is a flag (--learning-rate or --learning_rate); --args reads an HF JSON.",
            "",
            "Examples:",
            "  jtune train --model minilm --train train.tsv --eval dev.tsv --output-dir out",
            "  jtune train --model ./bert-base-uncased --train train.csv --output-dir out --learning-rate 2e-5 \\",
            "      --num-train-epochs 3 --per-device-train-batch-size 16 --max-length 128 --bf16",
            "  jtune train --model minilm --train topics.jsonl --eval topics-dev.jsonl --output-dir out \\",
            "      --calibrate-thresholds per-label",
            "  jtune train --model minilm --train train.tsv --output-dir out --resume-from-checkpoint",
            "  jtune train --model minilm --train ner-train.conll --eval ner-dev.conll --output-dir out-ner   (token-classification, inferred)",
            "  jtune train --model minilm --train train.tsv --output-dir out --nproc-per-node 2   (data parallel: 2 ranks, Gloo)",
            "  MASTER_ADDR=host0 MASTER_PORT=29500 WORLD_SIZE=2 RANK=1 jtune train ...   (one rank of a torchrun-style job)",
            ""
        })
public class TrainCommand implements Callable<Integer>, TrainingArgsOptions.Holder {
    @Mixin StandardOptions standard;
    @Mixin ModelOptions modelOptions;
    @Mixin DataOptions data;
    @Spec CommandSpec spec;

    @Option(names = {"--train", "--train-file", "--train_file"}, required = true, paramLabel = "FILE",
            description = "Training data (.csv, .tsv or .jsonl; for NER a CoNLL column file or tokens/ner_tags JSONL).")
    Path trainFile;

    @Option(names = {"--eval", "--eval-file", "--validation-file", "--validation_file"}, paramLabel = "FILE",
            description = "Evaluation data; with it, eval_strategy defaults to epoch.")
    Path evalFile;

    @Option(names = "--args", paramLabel = "FILE.json", description = "HF-style training arguments JSON; flags override it.")
    Path argsFile;

    @Option(names = {"--overwrite-output-dir", "--overwrite_output_dir"},
            description = "Replace what an earlier run left in --output-dir (its checkpoints and results); without it a non-empty folder is refused.")
    boolean overwriteOutputDir;

    @Option(names = {"--resume-from-checkpoint", "--resume_from_checkpoint"}, arity = "0..1", fallbackValue = "",
            paramLabel = "DIR", description = "Resume from a checkpoint folder (no value: the latest in --output-dir).")
    String resumeFromCheckpoint;

    @Option(names = {"--class-weights", "--class_weights"}, paramLabel = "auto|W1,W2,...",
            description = "Class weights for the cross-entropy loss: auto (balanced) or one weight per class.")
    String classWeights;

    @Option(names = {"--pos-weight", "--pos_weight"}, paramLabel = "W[,W...]",
            description = "BCEWithLogits pos_weight (multi-label): one value, or one per label.")
    String posWeight;

    @Option(names = {"--focal-gamma", "--focal_gamma"}, paramLabel = "G", description = "Focal loss gamma (0 = off).")
    Double focalGamma;

    @Option(names = {"--calibrate-thresholds", "--calibrate_thresholds"}, paramLabel = "global|per-label",
            description = "Multi-label: choose decision thresholds on the eval data that maximise F1; stored in config.json.")
    String calibrateThresholds;

    @Option(names = {"--skip-nonfinite-steps", "--skip_nonfinite_steps"},
            description = "Skip optimizer steps whose loss is NaN or infinite instead of stopping.")
    boolean skipNonFiniteSteps;

    @Option(names = {"--max-train-samples", "--max_train_samples"}, paramLabel = "N",
            description = "Use only the first N training rows.")
    Integer maxTrainSamples;

    @Option(names = {"--max-eval-samples", "--max_eval_samples"}, paramLabel = "N",
            description = "Use only the first N evaluation rows.")
    Integer maxEvalSamples;

    @Mixin ProgressOptions progressOptions;

    @Mixin DistributedOptions distributedOptions;

    @Option(names = {"--do-train", "--do_train"}, arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "run_glue habit: accepted; jtune train always trains.")
    Boolean doTrain;

    @Option(names = {"--do-eval", "--do_eval"}, arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "run_glue habit: accepted; train evaluates when --eval (--validation_file) is given, which --do_eval then needs.")
    Boolean doEval;


    @Option(names = {"--auto-find-batch-size", "--auto_find_batch_size"}, arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "HF flag: accepted and ignored; it retries with half the batch after a CUDA out-of-memory error, "
                    + "and jtune runs on the CPU, where the batch size does not run out of memory that way.")
    Boolean autoFindBatchSize;

    private final Map<String, String> trainingArgFlags = new LinkedHashMap<>();
    /** HF keys the user set, by flag or in the --args JSON. */
    private final java.util.Set<String> givenKeys = new java.util.HashSet<>();

    @Override
    public Map<String, String> trainingArgFlags() { return trainingArgFlags; }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Logging.configure(standard.verbose(), err);
        modelOptions.checkNumLabels();

        // 1. Everything is checked before anything is written: arguments, data, model, tokenizer, loss.
        runGlueHabits(out);
        TrainingArguments args = trainingArguments(out);
        // data parallel (torchrun style): start the local ranks, or join the job as one of them
        if (distributedOptions.launches()) {
            List<String> original = spec.commandLine().getParseResult().originalArgs();
            int at = original.indexOf("train");
            try {
                return LocalLauncher.run(original.subList(at + 1, original.size()), distributedOptions, out, err);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCode.INTERNAL_ERROR;
            }
        }
        DistributedConfig world = distributedOptions.config(System.getenv(), args.ddpTimeout());
        try (ProcessGroupContext ddp = world.isDistributed() ? ProcessGroupContext.init(world) : null) {
            if (ddp != null && !ddp.isMain()) out = new PrintWriter(java.io.Writer.nullWriter()); // rank 0 speaks for the job
            if (ddp != null) out.println("Distributed: " + world.describe() + ", Gloo process group ready");
            return train(args, ddp, out, err);
        }
    }

    private Integer train(TrainingArguments args, ProcessGroupContext ddp, PrintWriter out, PrintWriter err) throws IOException {
        boolean main = ddp == null || ddp.isMain();
        int worldSize = ddp == null ? 1 : ddp.worldSize();
        Path outputDir = Path.of(args.outputDir());
        if (main) OutputDir.checkUsable(outputDir);
        Path resume = resumeCheckpoint(outputDir);
        if (main && !overwriteOutputDir) OutputDir.prepare(outputDir, false, resume != null); // refuses a non-empty folder; removes nothing
        Path modelDir = CliSupport.resolveModel(modelOptions.model);
        TrainingPlan plan = TrainingPlan.builder().modelDir(modelDir).trainFile(trainFile).evalFile(evalFile)
                .readOptions(data.readOptions()).maxTrainSamples(maxTrainSamples).maxEvalSamples(maxEvalSamples)
                .numLabels(modelOptions.numLabels).problemType(modelOptions.problemType())
                .ignoreMismatchedSizes(modelOptions.ignoreMismatchedSizes).configOverrides(modelOptions.overrides())
                .seed(args.seed()).lossSpec(lossSpec()).labelSmoothingFactor(args.labelSmoothingFactor())
                .calibrateThresholds(calibrateThresholds).task(modelOptions.task()).tagColumn(data.tagColumn)
                .labelAllTokens(modelOptions.labelAllTokens).build()
                .requireValid();
        Dataset train = plan.train();
        Dataset eval = plan.eval();
        args = args.withRunLogging(DistributedSampler.numSamples(train.size(), worldSize), givenKeys); // the steps of each rank
        DataReport.of(train).print(out);
        if (eval != null) out.println("Eval data: " + eval.file() + " (" + CliSupport.count(eval.size(), "row") + (eval.skipped().isEmpty() ? "" : ", " + eval.skipped().size() + " skipped") + ")");

        out.println("Model: " + modelOptions.model + (modelDir.toString().equals(modelOptions.model) ? "" : " (" + modelDir + ")"));
        boolean tokens = plan.task() == Task.TOKEN_CLASSIFICATION;
        if (tokens) out.println("Task: token-classification (" + plan.taskReason() + "), head " + plan.architecture());
        TaskModel model = plan.loadModel();
        for (String n : model.loadReport().notes()) out.println("  note: " + n);
        for (String w : model.loadReport().warnings()) err.println("warning: " + w);
        for (String w : plan.warnings()) err.println("warning: " + w);

        try (OutputDir.Lock lock = main ? OutputDir.lock(outputDir) : null;
             PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(modelDir);
             ProgressCallback progress = new ProgressCallback()) {
            ConsoleCallback console = new ConsoleCallback(out);
            InputLength length = InputLength.decide(args.maxLength(), "--max-length", null, model.config(), tokenizer.modelMaxLength());
            if (length.warning() != null) {
                err.println("warning: " + length.warning());
                args = args.toBuilder().maxLength(length.value()).build(); // what runs is what the logs and training_args.json say
            }
            if (main) for (Path p : OutputDir.removeLeftovers(outputDir)) out.println("  note: removed " + p.getFileName() + " (left by a killed run)");
            if (main && overwriteOutputDir) {
                List<Path> removed = OutputDir.prepare(outputDir, true, resume != null);
                if (!removed.isEmpty()) out.println("  note: --overwrite-output-dir removed " + removed.size() + " entries of an earlier run from " + outputDir);
            }
            Trainer.Builder tb = Trainer.builder().model(model).tokenizer(tokenizer).args(args)
                    .trainDataset(train).evalDataset(eval).lossSpec(lossSpec())
                    .skipNonFiniteSteps(skipNonFiniteSteps).labelAllTokens(plan.labelAllTokens()).callback(console).distributed(ddp);
            if (tokens) {
                out.println("Alignment: " + plan.alignmentPolicy());
                TrainingPlan.Truncation cut = plan.truncation(tokenizer, args.maxLength());
                if (cut.lostWords() > 0) err.println("warning: " + cut.describe(args.maxLength()));
                else out.println("Truncation: " + cut.describe(args.maxLength()));
            }
            ProgressLines lines = main ? progressOptions.lines(err) : null; // rank 0 reports progress for the job
            if (lines != null) tb.callback(lines);
            if (lines != null && ProgressCallback.terminal()) tb.callback(progress);
            Trainer trainer = tb.build();
            out.println("Loss: " + trainer.lossDescription());
            trainer.checkMetricForBestModel();
            out.println("Training: " + describe(args, train, worldSize) + (resume == null ? "" : ", resuming from " + resume));
            out.println("Engine: " + dev.jtune.torch.Engine.describe() + ", " + dev.jtune.torch.EngineChoices.forRun(args.bf16()).describe());
            out.flush();

            // 2. Train (checkpoints are written atomically by the Trainer), evaluate, save.
            // Ctrl-C: the shutdown hook asks the loop to save a checkpoint after the current step, then waits for it
            java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
            Thread onInterrupt = new Thread(() -> {
                trainer.requestStop();
                try {
                    finished.await(120, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "jtune-ctrl-c");
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            TrainOutput result;
            try {
                result = trainer.train(resume);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(onInterrupt);
                } catch (IllegalStateException shuttingDown) {
                    // print before releasing the hook: once it returns, the JVM halts
                    out.println("Interrupted: the last checkpoint in " + outputDir + " holds the progress; continue with --resume-from-checkpoint");
                    out.flush();
                }
                finished.countDown();
            }
            progress.close();
            if (main) out.println("Training done: " + ConsoleCallback.format(result.metrics()));
            if (main && dev.jtune.trainer.StepProfile.enabled()) out.println(dev.jtune.trainer.StepProfile.snapshot().describe()); // JTUNE_PROFILE=1
            Map<String, Double> evalMetrics = null;
            var state = trainer.state();
            int weightsStep = trainer.weightsStep();
            if (weightsStep != state.globalStep() && main) {
                out.println("Best model: " + Path.of(state.bestModelCheckpoint()).getFileName() + " (step " + weightsStep
                        + ", " + args.resolvedMetricForBestModel() + " " + ConsoleCallback.num(state.bestMetric())
                        + ") loaded: the saved model and the final evaluation use its weights");
            }
            if (eval != null) {
                // the last evaluation during training already scored these weights: print it once, not again.
                // Data parallel: the final evaluation is sharded over the ranks, so every rank takes part (the same
                // decision on every rank: the step is the same); only rank 0 prints and writes
                Trainer.Evaluation before = trainer.lastEvaluation();
                console.quiet(); // the final evaluation is printed below, labelled with its step
                Trainer.Evaluation fin = trainer.finalEvaluation();
                evalMetrics = new LinkedHashMap<>(fin.metrics());
                if (state.epoch() != null) evalMetrics.put("epoch", state.epoch());
                if (calibrateThresholds != null) {
                    evalMetrics.putAll(trainer.calibrateThresholds(calibrateThresholds.equals("per-label")));
                    var th = trainer.decisionThresholds();
                    if (main) out.println("Thresholds: " + th.describe().replaceFirst(" \\(.*", "") + " (" + calibrateThresholds
                            + ", chosen to maximise F1 on the eval set " + eval.file().getFileName()
                            + ": the eval_calibrated_* scores are measured on the same rows, so they are optimistic; "
                            + "stored in config.json, used by predict and evaluate)");
                }
                if (main) out.println("Eval (weights of step " + weightsStep + (fin == before ? ", as evaluated during training" : "") + "): "
                        + ConsoleCallback.format(evalMetrics));
            }
            if (!main) { // rank 0 writes the model, results and report; the others wait for it
                ddp.barrier("the end of training (rank 0 saving the model)");
                return ExitCode.OK;
            }
            trainer.saveModel(outputDir);
            args.writeJson(outputDir.resolve("training_args.json"));
            TrainedInputs.of(train).write(outputDir);
            trainer.state().saveToJson(outputDir.resolve("trainer_state.json"));
            Map<String, Object> all = new LinkedHashMap<>(result.metrics());
            CliSupport.writeString(outputDir.resolve("train_results.json"), CliSupport.metricsJson(result.metrics()));
            if (evalMetrics != null) {
                CliSupport.writeString(outputDir.resolve("eval_results.json"), CliSupport.metricsJson(evalMetrics));
                all.putAll(evalMetrics);
            }
            CliSupport.writeString(outputDir.resolve("all_results.json"), CliSupport.metricsJson(all));
            TrainingReport.write(outputDir.resolve("report.html"), new TrainingReport.Input(modelOptions.model, train, eval,
                    trainer.lossDescription(), args, result, trainer.state(), evalMetrics, weightsStep,
                    eval == null ? null : trainer.lastEvalBreakdown()));
            out.println("Saved: " + outputDir + " (model, tokenizer, results, report.html)");
            out.flush();
            if (ddp != null) ddp.barrier("the end of training (rank 0 saved the model)");
        }
        return ExitCode.OK;
    }

    /** --args JSON first, then flags; with --eval and no eval_strategy given, evaluate every epoch. */
    TrainingArguments trainingArguments(PrintWriter out) throws IOException {
        TrainingArguments.Builder b;
        boolean evalStrategyGiven = trainingArgFlags.containsKey("eval_strategy");
        boolean outputDirGiven = trainingArgFlags.containsKey("output_dir");
        givenKeys.addAll(trainingArgFlags.keySet());
        if (argsFile != null) {
            TrainingArguments.FromJsonResult r = TrainingArguments.fromJson(argsFile);
            if (!r.ignoredKeys().isEmpty()) out.println("note: " + argsFile + ": keys not used by jtune: " + r.ignoredKeys());
            b = r.args().toBuilder();
            JsonNode root = CliSupport.JSON.readTree(argsFile.toFile());
            root.fieldNames().forEachRemaining(givenKeys::add);
            evalStrategyGiven |= root.has("eval_strategy") || root.has("evaluation_strategy");
            outputDirGiven |= root.hasNonNull("output_dir");
        } else {
            b = TrainingArguments.builder();
        }
        if (!outputDirGiven) {
            throw new JTuneException("no output folder (HF output_dir, CLI --output-dir)",
                    "train writes the model, results and checkpoints into an output folder",
                    "pass --output-dir DIR (or output_dir in the --args JSON)");
        }
        Map<String, String> flags = new LinkedHashMap<>(trainingArgFlags);
        if (evalFile != null && !evalStrategyGiven) flags.put("eval_strategy", "epoch");
        TrainingArgsOptions.apply(b, flags);
        return b.build();
    }

    /** run_glue.py flags: accepted where jtune does the same by itself, each said once; --do_eval needs eval data. */
    private void runGlueHabits(PrintWriter out) {
        if (Boolean.TRUE.equals(doEval) && evalFile == null) {
            throw new JTuneException("--do_eval without evaluation data", "train evaluates the data given with --eval "
                    + "(run_glue: --validation_file)", "pass --eval FILE (also spelled --validation_file)");
        }
        if (doTrain != null || doEval != null) {
            out.println("note: --do_train/--do_eval are accepted as in run_glue.py: jtune train always trains"
                    + (evalFile != null ? " and evaluates " + evalFile.getFileName() : ""));
        }
        if (Boolean.TRUE.equals(autoFindBatchSize)) {
            out.println("note: --auto_find_batch_size is ignored: it halves the batch after a CUDA out-of-memory error, "
                    + "and jtune trains on the CPU; the batch size stays as given");
        }
    }

    private Path resumeCheckpoint(Path outputDir) {
        if (resumeFromCheckpoint == null) return null;
        if (resumeFromCheckpoint.isEmpty()) {
            Path last = Files.isDirectory(outputDir) ? CheckpointRotation.lastCheckpoint(outputDir) : null;
            if (last == null) {
                throw new JTuneException("--resume-from-checkpoint without a folder: no checkpoint-N folder in " + outputDir,
                        "resuming needs a complete checkpoint (HF: No valid checkpoint found in output directory)",
                        "train without --resume-from-checkpoint, or pass the checkpoint folder");
            }
            return last;
        }
        Path p = Path.of(resumeFromCheckpoint);
        if (!Files.isDirectory(p)) {
            throw new JTuneException("--resume-from-checkpoint " + p + ": the folder does not exist",
                    "resuming needs a checkpoint-N folder written by an earlier run", "pass an existing checkpoint folder, or no value for the latest one");
        }
        return p;
    }

    private LossSpec lossSpec() {
        LossSpec s = LossSpec.none();
        if (classWeights != null) {
            s = classWeights.trim().equalsIgnoreCase("auto") ? s.withAutoClassWeights()
                    : s.withClassWeights(CliSupport.parseFloats(classWeights, "--class-weights"));
        }
        if (posWeight != null) s = s.withPosWeight(CliSupport.parseFloats(posWeight, "--pos-weight"));
        if (focalGamma != null) s = s.withFocalGamma(focalGamma);
        return s;
    }

    private static String describe(TrainingArguments a, Dataset train, int worldSize) {
        return CliSupport.count(train.size(), "example") + ", " + (a.maxSteps() > 0 ? a.maxSteps() + " steps" : a.numTrainEpochs() + " epochs")
                + ", batch " + a.perDeviceTrainBatchSize() + (a.gradientAccumulationSteps() > 1 ? " x " + a.gradientAccumulationSteps() : "")
                + (worldSize > 1 ? " per rank x " + worldSize + " ranks (" + CliSupport.count(DistributedSampler.numSamples(train.size(), worldSize), "example")
                        + " per rank and epoch, DistributedSampler)" : "")
                + ", learning rate " + a.learningRate() + " (" + a.optim() + ")" + ", max_length " + a.maxLength() + (a.bf16() ? ", bf16" : "")
                + ", seed " + a.seed() + ", " + logging(a, DistributedSampler.numSamples(train.size(), worldSize));
    }

    private static String logging(TrainingArguments a, int examplesPerRank) {
        return switch (a.loggingStrategy()) {
            case NO -> "no loss logs";
            case EPOCH -> "loss logged every epoch";
            case STEPS -> "loss logged every " + a.loggingSteps() + " of " + a.plannedSteps(examplesPerRank) + " steps"
                    + (a.loggingFirstStep() ? " and after the first" : "");
        };
    }

    static LabelKind kindOf(Dataset d) { return d.labelKind(); }
}
