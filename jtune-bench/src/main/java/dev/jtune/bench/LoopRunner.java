package dev.jtune.bench;

import dev.jtune.data.Dataset;
import dev.jtune.data.DatasetReader;
import dev.jtune.data.ReadOptions;
import dev.jtune.modeling.TaskModel;
import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.torch.Engine;
import dev.jtune.trainer.SaveStrategy;
import dev.jtune.trainer.StepProfile;
import dev.jtune.trainer.Trainer;
import dev.jtune.trainer.TrainerCallback;
import dev.jtune.trainer.TrainerControl;
import dev.jtune.trainer.TrainerState;
import dev.jtune.trainer.TrainingArguments;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Times training workloads through the library's own loop: a {@link Trainer} built as {@code jtune train} builds one
 * (the real batch pipeline, forward + loss, backward, clipping, AdamW, the linear schedule, callbacks), on a
 * {@link BenchData} file of real sentences, for {@code warmup + steps} optimizer steps ({@code max_steps}). A
 * {@link TrainerCallback} reads the clock at each {@code onStepEnd}: a step is the time from one step's end to the
 * next (everything the loop does, logging included). {@link StepProfile} gives the per-phase means.
 */
final class LoopRunner {
    private LoopRunner() {}

    /** Called after every {@code every}-th optimizer step (1-based step number, that step's seconds). */
    interface StepListener {
        void after(int step, double seconds);
    }

    /** {@code --optim}: the AdamW kernel of every training workload (null: TrainingArguments' default). */
    static volatile dev.jtune.optim.OptimizerNames optim;

    static StepResult run(Workload w, BenchData data) {
        return run(w, data, 0, null);
    }


    static StepResult run(Workload w, BenchData data, int every, StepListener listener) {
        Engine.manualSeed(42);
        BertForSequenceClassification model = new BertForSequenceClassification(w.shape().config(w.dropout()));
        model.setAttentionImplementation(w.attention());
        try {
            return run(w, model, data, every, listener);
        } finally {
            model.close();
        }
    }

    /** Trains {@code model} (any family) for the workload's steps on the workload's rows; the caller closes the model. */
    static StepResult run(Workload w, TaskModel model, BenchData data, int every, StepListener listener) {
        Path file = w.dynamic() ? data.sentences() : data.fixedLength(w.seq(), w.batch() * (w.warmup() + w.steps()));
        Path out;
        try {
            out = Files.createTempDirectory("jtune-bench-run");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long nonEmbedding = 0; // as TrainingLoop counts it for HF's total_flos: 6 × non-embedding parameters × tokens
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            if (!e.getKey().contains("embeddings.") || !e.getKey().endsWith(".weight") || e.getValue().dim() != 2) nonEmbedding += e.getValue().numel();
        }
        Timer timer = new Timer(w.warmup(), every, listener, 6.0 * nonEmbedding);
        TrainingArguments args = TrainingArguments.builder()
                .outputDir(out.toString())
                .maxSteps(w.warmup() + w.steps())
                .perDeviceTrainBatchSize(w.batch())
                .learningRate(2e-5).weightDecay(0.01)
                .maxLength(w.seq())
                .bf16(w.bf16())
                .saveStrategy(SaveStrategy.NO)
                .seed(42)
                .build();
        if (optim != null) args = args.toBuilder().optim(optim).build();
        Dataset train = DatasetReader.read(file, ReadOptions.builder().build());
        PreTrainedTokenizer tok = data.tokenizer();
        boolean wasProfiling = StepProfile.enabled();
        StepProfile.enable(true);
        StepProfile.reset();
        double loss;
        try {
            Trainer trainer = Trainer.builder().model(model).tokenizer(tok).args(args).trainDataset(train).callback(timer).build();
            var steps = trainer.train().steps();
            loss = steps.isEmpty() ? Double.NaN : steps.get(steps.size() - 1).loss();
        } finally {
            StepProfile.enable(wasProfiling);
            deleteQuietly(out);
        }
        StepProfile.Breakdown all = StepProfile.snapshot(); // means over warm-up and measured steps
        double[] step = timer.measured();
        double rss = ProcMemory.rssMiB(), peak = ProcMemory.peakMiB();
        return new StepResult(w, step, Stats.median(step), all, timer.meanTokens(), Double.NaN, loss, rss, peak);
    }

    /** The step clock: onStepEnd to onStepEnd, warm-up steps left out; padded tokens per step from total_flos. */
    private static final class Timer implements TrainerCallback {
        private final int warmup, every;
        private final StepListener listener;
        private final double flosPerToken;
        private final List<Double> seconds = new ArrayList<>();
        private final List<Double> tokens = new ArrayList<>();
        private long last;
        private double lastFlos;

        Timer(int warmup, int every, StepListener listener, double flosPerToken) {
            this.warmup = warmup;
            this.every = every;
            this.listener = listener;
            this.flosPerToken = flosPerToken;
        }

        @Override
        public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
            last = System.nanoTime();
        }

        @Override
        public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            long now = System.nanoTime();
            double s = Stats.seconds(now - last);
            last = now;
            int step = state.globalStep();
            if (step > warmup) {
                seconds.add(s);
                tokens.add((state.totalFlos() - lastFlos) / flosPerToken);
            }
            lastFlos = state.totalFlos();
            if (listener != null && every > 0 && step % every == 0) {
                listener.after(step, s);
                last = System.nanoTime(); // the listener's own time is not the next step's
            }
        }

        double[] measured() { return seconds.stream().mapToDouble(Double::doubleValue).toArray(); }

        double meanTokens() { return tokens.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN); }
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp folder left behind is harmless
        }
    }
}
