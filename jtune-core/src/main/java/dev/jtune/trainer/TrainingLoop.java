package dev.jtune.trainer;

import dev.jtune.JTuneException;
import dev.jtune.modeling.TaskModel;
import dev.jtune.optim.AdamWFactory;
import dev.jtune.optim.LrSchedule;
import dev.jtune.torch.Engine;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code _inner_training_loop}, as a straight line: per update window — set LR, micro-batches (forward,
 * scaled loss, backward), clip, optimizer step, zero grad — then log / evaluate / save as the callbacks decide.
 */
final class TrainingLoop {
    private static final System.Logger LOG = System.getLogger(TrainingLoop.class.getName());

    private final Trainer trainer;
    private final TrainingArguments args;
    private final TaskModel model;
    private String dataFingerprint;

    TrainingLoop(Trainer trainer) {
        this.trainer = trainer;
        this.args = trainer.args();
        this.model = trainer.model();
    }

    TrainOutput run(Path resumeFrom) {
        Features train = trainer.trainFeatures();
        int ga = args.gradientAccumulationSteps();
        Sampler sampler = new Sampler(args.trainSamplingStrategy(), args.perDeviceTrainBatchSize(), args.dataloaderDropLast(),
                args.resolvedDataSeed(), train.lengths());
        int batchesPerEpoch = sampler.batchesPerEpoch();
        if (batchesPerEpoch == 0) {
            throw new JTuneException("training data " + train.dataset().file() + " has " + train.size() + " examples, fewer than one batch of "
                    + args.perDeviceTrainBatchSize() + " with dataloader_drop_last", "at least one full batch is needed",
                    "lower --per-device-train-batch-size or turn off --dataloader-drop-last");
        }
        // 1. how long: updates per epoch = ceil(batches / GA); T = max_steps or ceil(epochs * per-epoch)
        int stepsPerEpoch = Math.max((batchesPerEpoch + ga - 1) / ga, 1);
        int total = args.plannedSteps(train.size());
        int numEpochs = args.maxSteps() > 0 ? (total + stepsPerEpoch - 1) / stepsPerEpoch : (int) Math.ceil(args.numTrainEpochs());
        int warmup = args.resolvedWarmupSteps(total);
        LrSchedule schedule = new LrSchedule(args.lrSchedulerType(), args.learningRate(), warmup, total);

        Map<String, Tensor> params = model.namedParameters();
        AdamWFactory.Groups groups = AdamWFactory.create(params, args.learningRate(), args.adamBeta1(), args.adamBeta2(),
                args.adamEpsilon(), args.weightDecay());
        AdamW opt = groups.optimizer();
        TensorVector paramVector = new TensorVector(params.values().toArray(new Tensor[0]));
        long nonEmbeddingParams = 0; // HF num_parameters(exclude_embeddings=True): every parameter but nn.Embedding weights
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            if (!e.getKey().contains("embeddings.") || !e.getKey().endsWith(".weight") || e.getValue().dim() != 2) nonEmbeddingParams += e.getValue().numel();
        }

        TrainerState state = TrainerState.forTraining(args, total, numEpochs, args.perDeviceTrainBatchSize());
        CheckpointIO.LoopState loop = new CheckpointIO.LoopState(0, 0, 0, 0);
        if (resumeFrom != null) {
            var restored = CheckpointIO.load(resumeFrom, model, opt, args, train.dataset());
            state = restored.getKey();
            loop = restored.getValue();
            LOG.log(System.Logger.Level.INFO, "resuming from " + resumeFrom + " at global step " + state.globalStep());
        }
        trainer.state(state);
        TrainerControl control = new TrainerControl();
        CallbackHandler cb = trainer.callbacks();
        double trLoss = loop.trLossSinceLog();
        int lastLogged = loop.lastLoggedStep();
        double totalLoss = loop.totalLoss();
        int nanSteps = loop.nanSteps();
        List<TrainOutput.StepRecord> records = new ArrayList<>();
        long t0 = System.nanoTime();
        long samplesSeen = 0;
        int startStep = state.globalStep();
        int epochsDone = startStep / stepsPerEpoch;
        int windowsToSkip = startStep % stepsPerEpoch;
        model.train(true);
        cb.onTrainBegin(args, state, control);

        outer:
        for (int epoch = epochsDone; epoch < numEpochs; epoch++) {
            List<int[]> batches = sampler.batches(epoch);
            List<List<int[]>> windows = new ArrayList<>();
            for (int i = 0; i < batches.size(); i += ga) windows.add(batches.subList(i, Math.min(batches.size(), i + ga)));
            control.newEpoch();
            cb.onEpochBegin(args, state, control);
            int consumed = 0;
            // the micro-batches this epoch will run, in order, padded ahead on a background thread
            List<int[]> toRun = new ArrayList<>();
            int firstWindow = epoch == epochsDone ? windowsToSkip : 0;
            for (int w = firstWindow; w < windows.size(); w++) toRun.addAll(windows.get(w));
            try (BatchPrefetcher prefetch = new BatchPrefetcher(train, trainer.collator(), toRun, args.dataloaderPrefetchFactor())) {
                for (int w = 0; w < windows.size(); w++) {
                    List<int[]> window = windows.get(w);
                    consumed += window.size();
                    if (epoch == epochsDone && w < windowsToSkip) continue; // resume: skip what was already trained
                    cb.onStepBegin(args, state, control);
                    // 2. dropout masks depend only on (seed, step): a resumed run draws the same ones
                    Engine.manualSeed(args.seed() * 1_000_003L + state.globalStep());
                    double lr = schedule.lrAt(state.globalStep());
                    AdamWFactory.setLearningRate(opt, lr);
                    long itemsInWindow = 0;
                    for (int[] mb : window) itemsInWindow += itemsOf(train, mb);
                    // 3. micro-batches: loss mean / micro-batches in window (HF), or exact per-example weighting
                    double stepLoss = 0;
                    List<Integer> rows = new ArrayList<>();
                    for (int[] mb : window) {
                        try (PointerScope scope = new PointerScope()) {
                            Batch batch = prefetch.next();
                            if (batch.rows() != mb) throw new IllegalStateException("prefetched batch out of order");
                            Tensor loss;
                            try (Autocast ac = Autocast.bf16(args.bf16())) {
                                loss = trainer.computeLoss(model, batch, false, itemsInWindow).loss();
                            }
                            double scale = args.averageLossExactMean() && itemsInWindow > 0
                                    ? (double) batch.numItems() / itemsInWindow : 1.0 / window.size();
                            Tensor scaled = loss.mul(new Scalar(scale));
                            scaled.backward();
                            // HF floating_point_ops: 6 × non-embedding parameters × tokens (padding included)
                            state.totalFlos(state.totalFlos() + 6.0 * nonEmbeddingParams * batch.inputIds().numel());
                            stepLoss += scaled.item_double();
                        }
                        for (int r : mb) rows.add(r);
                        samplesSeen += mb.length;
                        cb.onSubstepEnd(args, state, control);
                    }
                    // 4. clip (the pre-clip norm is what HF logs as grad_norm)
                    double gradNorm;
                    try (PointerScope scope = new PointerScope()) {
                        gradNorm = args.maxGradNorm() > 0 ? torch.clip_grad_norm_(paramVector, args.maxGradNorm())
                                : torch.clip_grad_norm_(paramVector, Double.MAX_VALUE);
                    }
                    boolean finite = Double.isFinite(stepLoss) && Double.isFinite(gradNorm);
                    if (!finite && !trainer.skipNonFiniteSteps()) {
                        throw new JTuneException("the training loss became " + stepLoss + " (grad_norm " + gradNorm + ") at step "
                                + (state.globalStep() + 1) + " (epoch " + (epoch + 1) + ", learning rate " + lr + ")",
                                "a NaN or infinite loss would corrupt every weight; jtune stops instead of continuing (HF continues)",
                                "lower --learning-rate, check the labels (NaN or huge regression targets), try without --bf16, "
                                        + "or pass --skip-nonfinite-steps to skip such steps");
                    }
                    cb.onPreOptimizerStep(args, state, control);
                    if (finite) opt.step();
                    else nanSteps++;
                    opt.zero_grad(true);
                    cb.onOptimizerStep(args, state, control);
                    state.globalStep(state.globalStep() + 1);
                    state.epoch(epoch + (double) consumed / batches.size());
                    // HF logging_nan_inf_filter: a non-finite loss counts as the average so far
                    if (!finite && args.loggingNanInfFilter()) trLoss += trLoss / (1 + state.globalStep() - 1 - lastLogged);
                    else trLoss += stepLoss;
                    records.add(new TrainOutput.StepRecord(state.globalStep(), stepLoss, gradNorm, lr, rows.stream().mapToInt(i -> i).toArray()));
                    control.newStep();
                    cb.onStepEnd(args, state, control);
                    Engine.releaseFreeMemoryAt(state.globalStep()); // holes left by fragmentation stop being resident
                    if (trainer.stopRequested()) { // interrupted (Ctrl-C): keep what was learned, resumable
                        control.shouldSave(true);
                        control.shouldTrainingStop(true);
                        LOG.log(System.Logger.Level.WARNING, "stop requested: saving checkpoint-" + state.globalStep() + " and stopping");
                    }
                    double[] acc = {trLoss, totalLoss};
                    lastLogged = maybeLogSaveEvaluate(state, control, acc, lastLogged, gradNorm, lr, opt, nanSteps, schedule);
                    trLoss = acc[0];
                    totalLoss = acc[1];
                    if (control.shouldTrainingStop() || control.shouldEpochStop()) break;
                }
            }
            windowsToSkip = 0;
            cb.onEpochEnd(args, state, control);
            double[] acc = {trLoss, totalLoss};
            lastLogged = maybeLogSaveEvaluate(state, control, acc, lastLogged, records.isEmpty() ? Double.NaN
                    : records.get(records.size() - 1).gradNorm(), records.isEmpty() ? 0 : records.get(records.size() - 1).learningRate(),
                    opt, nanSteps, schedule);
            trLoss = acc[0];
            totalLoss = acc[1];
            if (control.shouldTrainingStop()) break outer;
        }
        totalLoss += trLoss;
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (args.loadBestModelAtEnd() && state.bestModelCheckpoint() != null) {
            var st = dev.jtune.modeling.io.SafeTensors.read(Path.of(state.bestModelCheckpoint()).resolve("model.safetensors"));
            model.loadStateDict(st.tensors(), state.bestModelCheckpoint(), new dev.jtune.modeling.PreTrainedModel.LoadOptions(false, 0.02, 0));
            LOG.log(System.Logger.Level.INFO, "loaded the best model from " + state.bestModelCheckpoint() + " (score " + state.bestMetric() + ")");
        }
        double trainLoss = state.globalStep() > 0 ? totalLoss / state.globalStep() : 0.0;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_runtime", EvaluationLoop.round4(seconds));
        metrics.put("train_samples_per_second", EvaluationLoop.round3(samplesSeen / Math.max(seconds, 1e-9)));
        metrics.put("train_steps_per_second", EvaluationLoop.round3((state.globalStep() - startStep) / Math.max(seconds, 1e-9)));
        metrics.put("total_flos", state.totalFlos());
        metrics.put("train_loss", trainLoss);
        metrics.put("epoch", state.epoch() == null ? 0.0 : state.epoch());
        Map<String, Double> logged = new LinkedHashMap<>(metrics);
        state.appendLog(logged);
        cb.onTrainEnd(args, state, control);
        model.train(false);
        return new TrainOutput(state.globalStep(), trainLoss, metrics, records, trainer.lossDescription());
    }

    private static long itemsOf(Features f, int[] rows) {
        return f.countedItems(rows);
    }

    /** HF {@code _maybe_log_save_evaluate}; acc = {tr_loss since last log, total loss}; returns the last logged step. */
    private int maybeLogSaveEvaluate(TrainerState state, TrainerControl control, double[] acc, int lastLogged, double gradNorm,
                                     double lr, AdamW opt, int nanSteps, LrSchedule schedule) {
        CallbackHandler cb = trainer.callbacks();
        if (control.shouldLog() && state.globalStep() > lastLogged) {
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", Math.round(acc[0] / (state.globalStep() - lastLogged) * 1e4) / 1e4);
            logs.put("grad_norm", gradNorm);
            logs.put("learning_rate", lr);
            logs.put("epoch", state.epoch());
            acc[1] += acc[0];
            acc[0] = 0;
            lastLogged = state.globalStep();
            state.appendLog(logs);
            cb.onLog(args, state, control, logs);
            control.shouldLog(false);
        }
        boolean newBest = false;
        if (control.shouldEvaluate()) {
            Map<String, Double> metrics = trainer.evaluate(trainer.evalFeatures(), "eval", control);
            Engine.releaseFreeMemory(); // evaluation's batch shapes differ from training's: give their memory back
            newBest = BestMetric.determineBestMetric(args, state, metrics);
            control.shouldEvaluate(false);
        }
        if (args.saveStrategy() == SaveStrategy.BEST && newBest) control.shouldSave(true);
        if (control.shouldSave()) {
            Path out = Path.of(args.outputDir());
            CheckpointIO.LoopState loop = new CheckpointIO.LoopState(acc[0], lastLogged, acc[1], nanSteps);
            Map<String, Object> sched = new LinkedHashMap<>();
            sched.put("lr_scheduler_type", args.lrSchedulerType().hfName());
            sched.put("last_step", state.globalStep());
            sched.put("warmup_steps", schedule.warmupSteps());
            sched.put("total_steps", schedule.totalSteps());
            if (newBest || (state.bestGlobalStep() != null && state.bestGlobalStep() == state.globalStep())) {
                state.bestModelCheckpoint(out.resolve(CheckpointRotation.PREFIX_CHECKPOINT_DIR + "-" + state.globalStep()).toString());
            }
            if (dataFingerprint == null) dataFingerprint = CheckpointIO.fingerprint(trainer.trainFeatures().dataset());
            CheckpointIO.save(out, model, trainer.tokenizer(), opt, state, args, loop, sched, dataFingerprint);
            CheckpointRotation.rotate(out, args.saveTotalLimit(), state.bestModelCheckpoint());
            cb.onSave(args, state, control);
            control.shouldSave(false);
        }
        return lastLogged;
    }
}
