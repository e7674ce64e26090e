package dev.jtune.trainer;

import dev.jtune.data.Dataset;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.data.LabelMap;
import dev.jtune.data.TokenTagReader;
import dev.jtune.distributed.DistributedConfig;
import dev.jtune.distributed.ProcessGroupContext;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.modeling.TaskModel;
import dev.jtune.models.AutoModelForSequenceClassification;
import dev.jtune.models.AutoModelForTokenClassification;
import dev.jtune.testing.Fixtures;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.PreTrainedTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sharded evaluation under data parallelism: two ranks (threads of this JVM, each with its own c10d TCPStore
 * connection and Gloo group over loopback) evaluate their halves of an eval set of odd size (15 rows: rank 1's shard
 * is padded with row 0, which is dropped), gather the predictions and report the metrics of one process evaluating
 * the whole set, on both ranks, for single-label, multi-label, regression and token classification.
 */
class ShardedEvaluationTest {
    private static final int N = 15;

    @TempDir
    Path tmp;

    @Test
    void singleLabel() throws Exception {
        List<String> lines = Files.readAllLines(Fixtures.data("sst2-train-4k.tsv")).subList(1, N + 1);
        List<Example> ex = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String[] c = lines.get(i).split("\t");
            ex.add(Example.ofClass(null, c[0], null, Integer.parseInt(c[1]), i + 2));
        }
        Dataset d = dataset(LabelKind.CLASS_INDEX, LabelMap.ofNames(List.of("negative", "neutral", "positive")), ex);
        Map<String, Double> m = check("tiny-bert-single", d, dir -> AutoModelForSequenceClassification.fromPretrained(dir));
        assertTrue(m.containsKey("eval_accuracy"), m.toString());
    }

    @Test
    void multiLabel() throws Exception {
        List<Example> ex = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] y = {i % 2, i % 3 == 0 ? 1 : 0, i % 5 < 2 ? 1 : 0, 0};
            ex.add(Example.ofMultiHot(null, "headline number " + i + " about " + (i % 2 == 0 ? "the match" : "the election"), null, y, i + 2));
        }
        Dataset d = dataset(LabelKind.MULTI_HOT, LabelMap.ofNames(List.of("sports", "politics", "technology", "health")), ex);
        Map<String, Double> m = check("tiny-bert-multi", d, dir -> AutoModelForSequenceClassification.fromPretrained(dir));
        assertTrue(m.containsKey("eval_f1_micro") || m.keySet().stream().anyMatch(k -> k.startsWith("eval_f1")), m.toString());
    }

    @Test
    void regression() throws Exception {
        List<Example> ex = new ArrayList<>();
        for (int i = 0; i < N; i++) ex.add(Example.ofValue(null, "a sentence of " + (i + 1) + " words or so", "another one, " + i, i * 0.31f, i + 2));
        Dataset d = dataset(LabelKind.REGRESSION, null, ex);
        Map<String, Double> m = check("tiny-bert-regression", d, dir -> AutoModelForSequenceClassification.fromPretrained(dir));
        assertTrue(m.containsKey("eval_pearson"), m.toString());
    }

    @Test
    void tokenClassification() throws Exception {
        Dataset all = TokenTagReader.read(Fixtures.data("conll2003-train-3k.txt"), null, null);
        Dataset d = new Dataset(all.file(), all.columns(), all.textColumn(), all.textPairColumn(), all.labelColumn(), all.labelKind(),
                all.labelMap(), all.examples().subList(0, N), List.of());
        FromPretrainedOptions o = FromPretrainedOptions.builder().labelNames(all.labelMap().id2label()).seed(7).build();
        Map<String, Double> m = check("tiny-bert", d, dir -> AutoModelForTokenClassification.fromPretrained(dir, o));
        assertTrue(m.containsKey("eval_f1"), m.toString());
    }

    private static Dataset dataset(LabelKind kind, LabelMap map, List<Example> ex) {
        boolean pairs = ex.stream().anyMatch(e -> e.textPair() != null);
        return new Dataset(Path.of("eval.jsonl"), List.of("text", "text_pair", "label"), "text", pairs ? "text_pair" : null, "label",
                kind, map, ex, List.of());
    }

    /** One process over the whole set, then two ranks: the same metrics (to 1e-6) and logits, each rank half the batches. */
    private Map<String, Double> check(String modelName, Dataset eval, Function<Path, TaskModel> load) throws Exception {
        Path dir = Fixtures.model(modelName);
        Result one = evaluate(dir, eval, load.apply(dir), null);
        assertEquals(4, one.batches, "15 rows in batches of 4");
        ProcessGroupContext[] ranks2 = ranks();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Result>> ranks = new ArrayList<>();
            // loaded here, one after the other: a fresh head's initialisation draws from libtorch's global generator
            TaskModel[] models = {load.apply(dir), load.apply(dir)};
            for (int r = 0; r < 2; r++) {
                ProcessGroupContext ctx = ranks2[r];
                TaskModel model = models[r];
                ranks.add(pool.submit(() -> evaluate(dir, eval, model, ctx)));
            }
            for (int r = 0; r < 2; r++) {
                Result two = ranks.get(r).get(120, TimeUnit.SECONDS);
                assertEquals(2, two.batches, "rank " + r + " evaluates its shard only (8 or 7 rows: 2 batches of 4)");
                assertEquals(one.metrics.keySet(), two.metrics.keySet());
                for (var e : one.metrics.entrySet()) {
                    if (e.getKey().endsWith("_runtime") || e.getKey().endsWith("_per_second")) continue;
                    // a token head's loss is HF's per-batch mean over the batch's tokens, weighted by the batch's rows:
                    // it depends on which rows share a batch, and two ranks batch other rows together than one process
                    double tol = one.logits == null && e.getKey().equals("eval_loss") ? 1e-3 * e.getValue() : 1e-6;
                    assertEquals(e.getValue(), two.metrics.get(e.getKey()), tol, "rank " + r + " " + e.getKey());
                }
                if (one.logits != null) {
                    assertEquals(N, two.logits.length, "the padding duplicate is dropped");
                    for (int i = 0; i < N; i++) assertArrayEquals(one.logits[i], two.logits[i], 1e-5f, "rank " + r + " logits of row " + i);
                }
                System.out.println("RESULT sharded-eval " + modelName + " rank " + r + " max |metric diff| " + maxDiff(one.metrics, two.metrics)
                        + " " + two.metrics);
            }
        } finally {
            pool.shutdownNow();
        }
        return one.metrics;
    }

    private static ProcessGroupContext[] ranks;

    /**
     * Two ranks for the whole class, kept for the life of the JVM as a process keeps its group (libtorch aborted when
     * the groups of an earlier pair were collected while a later pair ran in the same JVM).
     */
    private static synchronized ProcessGroupContext[] ranks() throws Exception {
        if (ranks != null) return ranks;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<ProcessGroupContext>> f = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                DistributedConfig c = new DistributedConfig("127.0.0.1", port, 2, r, r, 60);
                f.add(pool.submit(() -> ProcessGroupContext.init(c)));
            }
            ranks = new ProcessGroupContext[] {f.get(0).get(120, TimeUnit.SECONDS), f.get(1).get(120, TimeUnit.SECONDS)};
            return ranks;
        } finally {
            pool.shutdown();
        }
    }

    private record Result(Map<String, Double> metrics, float[][] logits, int batches) {}

    private Result evaluate(Path dir, Dataset eval, TaskModel model, ProcessGroupContext ctx) {
        TrainingArguments args = TrainingArguments.builder().outputDir(tmp.resolve("out").toString()).perDeviceEvalBatchSize(4).maxLength(16).build();
        AtomicInteger batches = new AtomicInteger();
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
            Trainer t = Trainer.builder().model(model).tokenizer(tok).args(args).evalDataset(eval).distributed(ctx)
                    .callback(new TrainerCallback() {
                        @Override
                        public void onPredictionStep(TrainingArguments a, TrainerState s, TrainerControl c, int step, int total) {
                            batches.set(total);
                        }
                    }).build();
            Map<String, Double> m = t.evaluate();
            float[][] logits = model.isTokenClassification() ? null : t.predict(eval).predictions();
            return new Result(m, logits, batches.get());
        }
    }

    private static double maxDiff(Map<String, Double> a, Map<String, Double> b) {
        double d = 0;
        for (var e : a.entrySet()) {
            if (e.getKey().endsWith("_runtime") || e.getKey().endsWith("_per_second")) continue;
            d = Math.max(d, Math.abs(e.getValue() - b.get(e.getKey())));
        }
        return d;
    }
}
