package dev.jtune.trainer;

import dev.jtune.JTuneException;
import dev.jtune.distributed.DistributedSampler;
import dev.jtune.distributed.ProcessGroupContext;
import dev.jtune.modeling.TaskModel;
import dev.jtune.optim.AdamWOptimizer;
import dev.jtune.optim.LrSchedule;
import dev.jtune.torch.Engine;
import org.bytedeco.javacpp.PointerScope;
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
 * HF's {@code _inner_training_loop}: {@link #run} plans the run ({@link #start}), goes through the epochs
 * ({@link #runEpoch}), each a list of update windows ({@link #optimizerStep}: set LR, micro-batches — forward, scaled
 * loss, backward — clip, optimizer step, zero grad), logs / evaluates / saves as the callbacks decide
 * ({@link #maybeLogSaveEvaluate}) and ends ({@link #finish}). The counters a checkpoint must restore live in one
 * {@link Counters} object. Under data parallelism ({@link Trainer#distributed()}) each rank runs its shard of every
 * epoch, and the only differences are two c10d calls per step (the window's item count; the gradients with the
 * logged loss), a barrier after each checkpoint (which only rank 0 writes) and rank 0's weights broadcast at the start.
 */
final class TrainingLoop {
    private static final System.Logger LOG = System.getLogger(TrainingLoop.class.getName());
    /** Optimizer steps between two looks at the machine's load ({@link Engine#adaptThreadsToLoad}). */
    static final int LOAD_CHECK_STEPS = 20;

    private final Trainer trainer;
    private final TrainingArguments args;
    private final TaskModel model;
    private String dataFingerprint;

    TrainingLoop(Trainer trainer) {
        this.trainer = trainer;
        this.args = trainer.args();
        this.model = trainer.model();
    }

    /**
     * The loop's counters: what a checkpoint saves and a resume restores ({@link #trLoss} since the last log,
     * {@link #lastLogged}, {@link #totalLoss}, {@link #nanSteps}), and what the run reports at its end.
     */
    private static final class Counters {
        double trLoss;
        int lastLogged;
        double totalLoss;
        int nanSteps;
        long samplesSeen;
        final List<TrainOutput.StepRecord> records = new ArrayList<>();

        Counters(CheckpointIO.LoopState restored) {
            trLoss = restored.trLossSinceLog();
            lastLogged = restored.lastLoggedStep();
            totalLoss = restored.totalLoss();
            nanSteps = restored.nanSteps();
        }

        CheckpointIO.LoopState toLoopState() { return new CheckpointIO.LoopState(trLoss, lastLogged, totalLoss, nanSteps); }

        TrainOutput.StepRecord last() { return records.isEmpty() ? null : records.get(records.size() - 1); }
    }

    /** Everything one run fixes before its first step. */
    private record Run(Features train, Sampler sampler, int stepsPerEpoch, int numEpochs, LrSchedule schedule, AdamWOptimizer opt,
                       TensorVector params, List<Tensor> paramList, long nonEmbeddingParams, TrainerState state, TrainerControl control,
                       Counters counters, int startStep, long t0) {}

    /** Ranks in the job: 1 for a single process. */
    private int worldSize() { return trainer.distributed() == null ? 1 : trainer.distributed().worldSize(); }

    TrainOutput run(Path resumeFrom) {
        Run r = start(resumeFrom);
        int epochsDone = r.startStep() / r.stepsPerEpoch();
        int windowsToSkip = r.startStep() % r.stepsPerEpoch(); // resume: the windows of this epoch already trained
        for (int epoch = epochsDone; epoch < r.numEpochs(); epoch++) {
            boolean stop = runEpoch(r, epoch, epoch == epochsDone ? windowsToSkip : 0);
            if (stop) break;
        }
        return finish(r);
    }

    /** 1. How long (updates per epoch = ceil(batches / GA); T = max_steps or ceil(epochs × per-epoch)), the optimizer, the state. */
    private Run start(Path resumeFrom) {
        Features train = trainer.trainFeatures();
        int ga = args.gradientAccumulationSteps();
        ProcessGroupContext dist = trainer.distributed();
        Sampler sampler = dist == null ? new Sampler(args.trainSamplingStrategy(), args.perDeviceTrainBatchSize(), args.dataloaderDropLast(),
                args.resolvedDataSeed(), train.lengths())
                : new Sampler(args.trainSamplingStrategy(), args.perDeviceTrainBatchSize(), args.dataloaderDropLast(),
                args.resolvedDataSeed(), train.lengths(), dist.rank(), dist.worldSize());
        int batchesPerEpoch = sampler.batchesPerEpoch();
        if (batchesPerEpoch == 0) {
            throw new JTuneException("training data " + train.dataset().file() + " has " + train.size() + " examples, fewer than one batch of "
                    + args.perDeviceTrainBatchSize() + " with dataloader_drop_last", "at least one full batch is needed",
                    "lower --per-device-train-batch-size or turn off --dataloader-drop-last");
        }
        int stepsPerEpoch = Math.max((batchesPerEpoch + ga - 1) / ga, 1);
        int total = args.plannedSteps(dist == null ? train.size() : DistributedSampler.numSamples(train.size(), dist.worldSize()));
        int numEpochs = args.maxSteps() > 0 ? (total + stepsPerEpoch - 1) / stepsPerEpoch : (int) Math.ceil(args.numTrainEpochs());
        LrSchedule schedule = new LrSchedule(args.lrSchedulerType(), args.learningRate(), args.resolvedWarmupSteps(total), total);

        Map<String, Tensor> params = model.namedParameters();
        AdamWOptimizer opt = AdamWOptimizer.create(args.optim(), params, args.learningRate(), args.adamBeta1(), args.adamBeta2(),
                args.adamEpsilon(), args.weightDecay());
        long nonEmbeddingParams = 0; // HF num_parameters(exclude_embeddings=True): every parameter but nn.Embedding weights
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            if (!e.getKey().contains("embeddings.") || !e.getKey().endsWith(".weight") || e.getValue().dim() != 2) nonEmbeddingParams += e.getValue().numel();
        }

        TrainerState state = TrainerState.forTraining(args, total, numEpochs, args.perDeviceTrainBatchSize());
        CheckpointIO.LoopState loop = new CheckpointIO.LoopState(0, 0, 0, 0);
        if (resumeFrom != null) {
            var restored = CheckpointIO.load(resumeFrom, model, opt, args, train.dataset(), worldSize());
            state = restored.getKey();
            loop = restored.getValue();
            // the run's length is this run's (HF init_training_references): a resume with a larger max_steps trains on
            state.maxSteps(total).numTrainEpochs(numEpochs);
            LOG.log(System.Logger.Level.INFO, "resuming from " + resumeFrom + " at global step " + state.globalStep());
        }
        trainer.state(state);
        List<Tensor> paramList = new ArrayList<>(params.values());
        if (dist != null) dist.broadcastParameters(paramList); // as DDP: every rank starts from rank 0's weights
        TrainerControl control = new TrainerControl();
        Run r = new Run(train, sampler, stepsPerEpoch, numEpochs, schedule, opt, new TensorVector(params.values().toArray(new Tensor[0])),
                paramList, nonEmbeddingParams, state, control, new Counters(loop), state.globalStep(), System.nanoTime());
        model.train(true);
        trainer.callbacks().onTrainBegin(args, state, control);
        return r;
    }

    /** One epoch from window {@code firstWindow} on; true when training is to stop. */
    private boolean runEpoch(Run r, int epoch, int firstWindow) {
        CallbackHandler cb = trainer.callbacks();
        List<int[]> batches = r.sampler().batches(epoch);
        int ga = args.gradientAccumulationSteps();
        List<List<int[]>> windows = new ArrayList<>();
        for (int i = 0; i < batches.size(); i += ga) windows.add(batches.subList(i, Math.min(batches.size(), i + ga)));
        r.control().newEpoch();
        cb.onEpochBegin(args, r.state(), r.control());
        // the micro-batches this epoch will run, in order, padded ahead on a background thread
        List<int[]> toRun = new ArrayList<>();
        for (int w = firstWindow; w < windows.size(); w++) toRun.addAll(windows.get(w));
        int consumed = 0;
        try (BatchPrefetcher prefetch = new BatchPrefetcher(r.train(), trainer.collator(), toRun, args.dataloaderPrefetchFactor())) {
            for (int w = 0; w < windows.size(); w++) {
                consumed += windows.get(w).size();
                if (w < firstWindow) continue;
                optimizerStep(r, windows.get(w), prefetch, epoch + (double) consumed / batches.size());
                if (r.control().shouldTrainingStop() || r.control().shouldEpochStop()) break;
            }
        }
        cb.onEpochEnd(args, r.state(), r.control());
        TrainOutput.StepRecord last = r.counters().last();
        maybeLogSaveEvaluate(r, last == null ? Double.NaN : last.gradNorm(), last == null ? 0 : last.learningRate());
        return r.control().shouldTrainingStop();
    }

    /** One update window: micro-batches, clipping, the optimizer step, then log / evaluate / save. */
    private void optimizerStep(Run r, List<int[]> window, BatchPrefetcher prefetch, double epochAfter) {
        CallbackHandler cb = trainer.callbacks();
        TrainerState state = r.state();
        TrainerControl control = r.control();
        Counters c = r.counters();
        long tStep = StepProfile.start(), t = tStep;
        cb.onStepBegin(args, state, control);
        t = StepProfile.lap(StepProfile.Phase.CALLBACKS_AND_LOG, t);
        // dropout masks depend only on (seed, step): a resumed run draws the same ones
        Engine.manualSeed(args.seed() * 1_000_003L + state.globalStep());
        double lr = r.schedule().lrAt(state.globalStep());
        r.opt().setLearningRate(lr);
        long itemsInWindow = 0;
        for (int[] mb : window) itemsInWindow += r.train().countedItems(mb);
        ProcessGroupContext dist = trainer.distributed();
        // data parallel: the window is every rank's micro-batches together (HF gathers num_items_in_batch)
        if (dist != null) itemsInWindow = dist.allreduceSum(new long[] {itemsInWindow}, "allreduce of step " + (state.globalStep() + 1) + "'s item count")[0];
        t = StepProfile.lap(StepProfile.Phase.SCHEDULER_AND_SEED, t);
        double flosBefore = state.totalFlos();
        // micro-batches: loss mean / micro-batches in window (HF), or exact per-example weighting
        double stepLoss = 0;
        List<Integer> rows = new ArrayList<>();
        for (int[] mb : window) {
            try (PointerScope scope = new PointerScope()) {
                Batch batch = prefetch.next();
                if (batch.rows() != mb) throw new IllegalStateException("prefetched batch out of order");
                t = StepProfile.lap(StepProfile.Phase.BATCH, t);
                Tensor loss;
                try (Autocast ac = Autocast.bf16(args.bf16())) {
                    loss = trainer.computeLoss(model, batch, false, itemsInWindow).loss();
                }
                t = StepProfile.lap(StepProfile.Phase.FORWARD_AND_LOSS, t);
                double scale = args.averageLossExactMean() && itemsInWindow > 0
                        ? (double) batch.numItems() / itemsInWindow : 1.0 / window.size();
                Tensor scaled = loss.mul(new Scalar(scale));
                scaled.backward();
                t = StepProfile.lap(StepProfile.Phase.BACKWARD, t);
                // HF floating_point_ops: 6 × non-embedding parameters × tokens (padding included)
                state.totalFlos(state.totalFlos() + 6.0 * r.nonEmbeddingParams() * batch.inputIds().numel());
                stepLoss += scaled.item_double();
                t = StepProfile.lap(StepProfile.Phase.LOSS_TO_HOST, t);
            }
            t = StepProfile.lap(StepProfile.Phase.SCOPE_RELEASE, t);
            for (int row : mb) rows.add(row);
            c.samplesSeen += (long) mb.length * worldSize();
            cb.onSubstepEnd(args, state, control);
            t = StepProfile.lap(StepProfile.Phase.CALLBACKS_AND_LOG, t);
        }
        boolean anyRankStopped = false;
        if (dist != null) {
            // DDP: gradients summed over the ranks before clipping, so clipping sees the global norm; a mean over the
            // ranks (÷ W), or, with average_loss_exact_mean, already weighted by the global item count; the logged loss
            // and the FLOPs reduced in the same allreduce, and a stop request (Ctrl-C) on any rank stops every rank
            double flos = state.totalFlos() - flosBefore;
            boolean exact = args.averageLossExactMean();
            double[] sums = dist.allreduceGradients(r.paramList(), new double[] {stepLoss, flos, trainer.stopRequested() ? 1 : 0},
                    exact ? 1.0 : 1.0 / dist.worldSize(), "allreduce of step " + (state.globalStep() + 1) + "'s gradients");
            stepLoss = exact ? sums[0] : sums[0] / dist.worldSize();
            state.totalFlos(flosBefore + sums[1]);
            anyRankStopped = sums[2] > 0;
        }
        // clip (the pre-clip norm is what HF logs as grad_norm)
        double gradNorm;
        try (PointerScope scope = new PointerScope()) {
            gradNorm = args.maxGradNorm() > 0 ? torch.clip_grad_norm_(r.params(), args.maxGradNorm())
                    : torch.clip_grad_norm_(r.params(), Double.MAX_VALUE);
        }
        t = StepProfile.lap(StepProfile.Phase.CLIP, t);
        boolean finite = Double.isFinite(stepLoss) && Double.isFinite(gradNorm);
        if (!finite && !trainer.skipNonFiniteSteps()) {
            throw new JTuneException("the training loss became " + stepLoss + " (grad_norm " + gradNorm + ") at step "
                    + (state.globalStep() + 1) + " (epoch " + ((int) Math.ceil(epochAfter)) + ", learning rate " + lr + ")",
                    "a NaN or infinite loss would corrupt every weight; jtune stops instead of continuing (HF continues)",
                    "lower --learning-rate, check the labels (NaN or huge regression targets), try without --bf16, "
                            + "or pass --skip-nonfinite-steps to skip such steps");
        }
        cb.onPreOptimizerStep(args, state, control);
        t = StepProfile.lap(StepProfile.Phase.CALLBACKS_AND_LOG, t);
        if (finite) r.opt().step();
        else c.nanSteps++;
        t = StepProfile.lap(StepProfile.Phase.OPTIMIZER, t);
        r.opt().zeroGrad();
        t = StepProfile.lap(StepProfile.Phase.ZERO_GRAD, t);
        cb.onOptimizerStep(args, state, control);
        state.globalStep(state.globalStep() + 1);
        state.epoch(epochAfter);
        // HF logging_nan_inf_filter: a non-finite loss counts as the average so far
        if (!finite && args.loggingNanInfFilter()) c.trLoss += c.trLoss / (1 + state.globalStep() - 1 - c.lastLogged);
        else c.trLoss += stepLoss;
        c.records.add(new TrainOutput.StepRecord(state.globalStep(), stepLoss, gradNorm, lr, rows.stream().mapToInt(i -> i).toArray()));
        control.newStep();
        cb.onStepEnd(args, state, control);
        t = StepProfile.lap(StepProfile.Phase.CALLBACKS_AND_LOG, t);
        Engine.releaseFreeMemoryAt(state.globalStep()); // holes left by fragmentation stop being resident
        if (state.globalStep() % LOAD_CHECK_STEPS == 0) Engine.adaptThreadsToLoad(); // never collapse beside a busy program
        t = StepProfile.lap(StepProfile.Phase.HOUSEKEEPING, t);
        if (trainer.stopRequested() || anyRankStopped) { // interrupted (Ctrl-C): keep what was learned, resumable
            control.shouldSave(true);
            control.shouldTrainingStop(true);
            LOG.log(System.Logger.Level.WARNING, "stop requested: saving checkpoint-" + state.globalStep() + " and stopping");
        }
        maybeLogSaveEvaluate(r, gradNorm, lr);
        StepProfile.lap(StepProfile.Phase.CALLBACKS_AND_LOG, t);
        StepProfile.endStep(tStep);
    }

    /** HF {@code _maybe_log_save_evaluate}. */
    private void maybeLogSaveEvaluate(Run r, double gradNorm, double lr) {
        CallbackHandler cb = trainer.callbacks();
        TrainerState state = r.state();
        TrainerControl control = r.control();
        Counters c = r.counters();
        if (control.shouldLog() && state.globalStep() > c.lastLogged) {
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", Math.round(c.trLoss / (state.globalStep() - c.lastLogged) * 1e4) / 1e4);
            logs.put("grad_norm", gradNorm);
            logs.put("learning_rate", lr);
            logs.put("epoch", state.epoch());
            c.totalLoss += c.trLoss;
            c.trLoss = 0;
            c.lastLogged = state.globalStep();
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
            Map<String, Object> sched = new LinkedHashMap<>();
            sched.put("lr_scheduler_type", args.lrSchedulerType().hfName());
            sched.put("last_step", state.globalStep());
            sched.put("warmup_steps", r.schedule().warmupSteps());
            sched.put("total_steps", r.schedule().totalSteps());
            if (newBest || (state.bestGlobalStep() != null && state.bestGlobalStep() == state.globalStep())) {
                state.bestModelCheckpoint(out.resolve(CheckpointRotation.PREFIX_CHECKPOINT_DIR + "-" + state.globalStep()).toString());
            }
            if (trainer.isMainProcess()) { // data parallel: rank 0 writes, the others wait at the barrier
                if (dataFingerprint == null) dataFingerprint = CheckpointIO.fingerprint(trainer.trainFeatures().dataset());
                CheckpointIO.save(out, model, trainer.tokenizer(), r.opt(), state, args, c.toLoopState(), sched, dataFingerprint, worldSize());
                CheckpointRotation.rotate(out, args.saveTotalLimit(), state.bestModelCheckpoint());
            }
            if (trainer.distributed() != null) trainer.distributed().barrier("the barrier after checkpoint-" + state.globalStep());
            cb.onSave(args, state, control);
            control.shouldSave(false);
        }
    }

    /** The best model back (load_best_model_at_end), HF's train metrics, on_train_end. */
    private TrainOutput finish(Run r) {
        TrainerState state = r.state();
        Counters c = r.counters();
        c.totalLoss += c.trLoss;
        double seconds = (System.nanoTime() - r.t0()) / 1e9;
        if (args.loadBestModelAtEnd() && state.bestModelCheckpoint() != null) {
            if (trainer.isMainProcess()) {
                var st = dev.jtune.modeling.io.SafeTensors.read(Path.of(state.bestModelCheckpoint()).resolve("model.safetensors"));
                model.loadStateDict(st.tensors(), state.bestModelCheckpoint(), new dev.jtune.modeling.PreTrainedModel.LoadOptions(false, 0.02, 0));
                LOG.log(System.Logger.Level.INFO, "loaded the best model from " + state.bestModelCheckpoint() + " (score " + state.bestMetric() + ")");
            }
            // data parallel: the final evaluation is sharded, so every rank needs the best weights: rank 0's, broadcast
            // (the same decision on every rank, as their metrics are the same; no rank but 0 needs to read the folder)
            if (trainer.distributed() != null) trainer.distributed().broadcastParameters(r.paramList());
        }
        double trainLoss = state.globalStep() > 0 ? c.totalLoss / state.globalStep() : 0.0;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_runtime", EvaluationLoop.round4(seconds));
        metrics.put("train_samples_per_second", EvaluationLoop.round3(c.samplesSeen / Math.max(seconds, 1e-9)));
        metrics.put("train_steps_per_second", EvaluationLoop.round3((state.globalStep() - r.startStep()) / Math.max(seconds, 1e-9)));
        metrics.put("total_flos", state.totalFlos());
        metrics.put("train_loss", trainLoss);
        metrics.put("epoch", state.epoch() == null ? 0.0 : state.epoch());
        state.appendLog(new LinkedHashMap<>(metrics));
        trainer.callbacks().onTrainEnd(args, state, r.control());
        model.train(false);
        return new TrainOutput(state.globalStep(), trainLoss, metrics, c.records, trainer.lossDescription());
    }
}
