package dev.jtune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtune.io.RawTensor;
import dev.jtune.modeling.io.SafeTensors;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel training on c10d/Gloo over loopback: two ranks train to the weights, logged losses and (sharded,
 * gathered) eval metrics of one process whose batch is the two ranks' batches together; a killed rank stops the other with a message naming it, leaving
 * only complete checkpoints, which resume only with the world size they were saved with.
 */
@Tag("slow") // child JVMs
class DistributedTrainingTest {
    private static final double LR = 1e-3;

    private static List<String> args(Path train, Path out, int batch) {
        return new ArrayList<>(List.of("train", "--model", Fixtures.model("tiny-bert").toString(), "--train", train.toString(),
                "--output-dir", out.toString(), "--num-train-epochs", "2", "--per-device-train-batch-size", String.valueOf(batch),
                "--max-length", "16", "--learning-rate", String.valueOf(LR), "--logging-steps", "1", "--save-strategy", "steps",
                "--save-steps", "3", "--average-loss-exact-mean", "--no-progress", "--ddp-timeout", "60",
                "--config-override", "hidden_dropout_prob=0,attention_probs_dropout_prob=0"));
    }

    @Test
    void twoRanksTrainLikeOneProcessWithTheirBatchesTogether(@TempDir Path dir) throws Exception {
        // 20 rows, random order: each rank takes every other row of the epoch's permutation, 4 per batch
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(20, 3));
        // 7 eval rows (odd: rank 1's shard [1,3,5] is padded with row 0, which is dropped), evaluated at step 4 during
        // training and at the end (step 6) by the final evaluation, both sharded over the ranks
        Path eval = CliTestSupport.tsv(dir.resolve("eval.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(7, 11));
        List<String> evalArgs = List.of("--eval", eval.toString(), "--eval-strategy", "steps", "--eval-steps", "4", "--per-device-eval-batch-size", "2");
        CliTestSupport two = new CliTestSupport();
        List<String> a = args(train, dir.resolve("two"), 4);
        a.addAll(evalArgs);
        a.addAll(List.of("--nproc-per-node", "2"));
        assertEquals(0, two.run(a), two.all());
        CliTestSupport.assertContains(two.out.toString(), "Distributed: rank 0 of 2");
        CliTestSupport.assertContains(two.out.toString(), "batch 4 per rank x 2 ranks");
        CliTestSupport one = new CliTestSupport();
        List<String> a1 = args(train, dir.resolve("one"), 8);
        a1.addAll(evalArgs);
        assertEquals(0, one.run(a1), one.all());

        // the same eval metrics (to 1e-6) during training (step 4) and from the final evaluation (step 6)
        JsonNode e2 = evalAt(dir.resolve("two"), 4), e1 = evalAt(dir.resolve("one"), 4);
        JsonNode f2 = CliSupport.JSON.readTree(dir.resolve("two/eval_results.json").toFile());
        JsonNode f1 = CliSupport.JSON.readTree(dir.resolve("one/eval_results.json").toFile());
        double evalDiff = 0;
        for (JsonNode[] p : List.of(new JsonNode[] {e1, e2}, new JsonNode[] {f1, f2})) {
            assertTrue(p[0].has("eval_accuracy") && p[0].has("eval_loss"), p[0].toString());
            for (var it = p[0].fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (k.endsWith("_runtime") || k.endsWith("_per_second")) continue;
                assertEquals(p[0].get(k).asDouble(), p[1].get(k).asDouble(), 1e-6, k + " of " + p[0] + " against " + p[1]);
                evalDiff = Math.max(evalDiff, Math.abs(p[0].get(k).asDouble() - p[1].get(k).asDouble()));
            }
        }
        CliTestSupport.assertContains(two.out.toString(), "Eval (weights of step 6): ");
        System.out.println("RESULT ddp-eval max |metric diff| " + evalDiff + " during training " + e2 + ", final " + f2);

        // the same logged losses and gradient norms, step by step (6 steps: 3 per epoch)
        List<JsonNode> l2 = losses(dir.resolve("two")), l1 = losses(dir.resolve("one"));
        assertEquals(6, l1.size());
        assertEquals(l1.size(), l2.size());
        for (int i = 0; i < l1.size(); i++) {
            assertEquals(l1.get(i).get("loss").asDouble(), l2.get(i).get("loss").asDouble(), 0.0, "logged loss of step " + (i + 1));
            double g = l1.get(i).get("grad_norm").asDouble();
            assertEquals(g, l2.get(i).get("grad_norm").asDouble(), g * 1e-5, "grad_norm of step " + (i + 1));
        }
        // the same weights to 1e-5; attention key biases have a true gradient of exactly 0 (softmax ignores a shift of
        // all keys), so they move only by float noise that AdamW scales up to the learning rate: bounded by steps × lr
        Map<String, RawTensor> w1 = SafeTensors.read(dir.resolve("one/model.safetensors")).tensors();
        Map<String, RawTensor> w2 = SafeTensors.read(dir.resolve("two/model.safetensors")).tensors();
        assertEquals(w1.keySet(), w2.keySet());
        double maxDiff = 0, keyBiasDiff = 0;
        for (String k : w1.keySet()) {
            float[] x = floats(w1.get(k)), y = floats(w2.get(k));
            double tol = k.endsWith("attention.self.key.bias") ? 6 * 2 * LR : 1e-5;
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], tol, k + "[" + i + "]");
                if (!k.endsWith("attention.self.key.bias")) maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
                else keyBiasDiff = Math.max(keyBiasDiff, Math.abs(x[i] - y[i]));
            }
        }
        System.out.println("RESULT ddp-parity max |w1 - w2| (key biases excluded) " + maxDiff + ", key biases " + keyBiasDiff + ", losses " + l1.stream().map(n -> n.get("loss").asText()).toList());
        // rank 0 alone wrote the checkpoints, marked with the world size
        JsonNode loop = CliSupport.JSON.readTree(dir.resolve("two/checkpoint-3/jtune_loop_state.json").toFile());
        assertEquals(2, loop.get("world_size").asInt());
    }

    @Test
    void aKilledRankStopsTheOtherNamingItAndOnlyCompleteCheckpointsRemain(@TempDir Path dir) throws Exception {
        Path train = CliTestSupport.tsv(dir.resolve("train.tsv"), "id\tsentence\tlabel", CliTestSupport.sentiment(20, 3));
        Path out = dir.resolve("out");
        List<String> a = args(train, out, 4);
        a.set(a.indexOf("--num-train-epochs"), "--max-steps");
        a.set(a.indexOf("--max-steps") + 1, "100000"); // far longer than it will run
        a.set(a.indexOf("--logging-steps") + 1, "1000");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Process> ranks = new ArrayList<>();
        try {
            for (int r = 0; r < 2; r++) {
                List<String> cmd = LocalLauncher.javaCommand();
                cmd.addAll(a);
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("rank" + r + ".log").toFile());
                pb.environment().putAll(Map.of("MASTER_ADDR", "127.0.0.1", "MASTER_PORT", String.valueOf(port), "WORLD_SIZE", "2",
                        "RANK", String.valueOf(r), "LOCAL_RANK", String.valueOf(r), "JTUNE_THREADS", "1"));
                ranks.add(pb.start());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline && ranks.get(0).isAlive() && !hasCheckpoint(out, 6)) Thread.sleep(20);
            assertTrue(hasCheckpoint(out, 6), "no checkpoint appeared; rank 0 log:\n" + Files.readString(dir.resolve("rank0.log")));
            ranks.get(1).destroyForcibly(); // SIGKILL
            long killed = System.nanoTime();
            assertTrue(ranks.get(0).waitFor(60, TimeUnit.SECONDS), "rank 0 still runs 60 s after rank 1 was killed");
            double seconds = (System.nanoTime() - killed) / 1e9;
            String log0 = Files.readString(dir.resolve("rank0.log"));
            assertNotEquals(0, ranks.get(0).exitValue(), log0);
            CliTestSupport.assertContains(log0, "error: distributed training stopped on rank 0 of 2: rank 1 is gone");
            CliTestSupport.assertContains(log0, "resume with the same world size and --resume-from-checkpoint");
            assertFalse(log0.contains("\tat "), "no stack trace:\n" + log0);
            System.out.println("RESULT ddp-kill rank 0 exited " + ranks.get(0).exitValue() + " " + String.format("%.1f", seconds) + " s after rank 1 was killed");
        } finally {
            for (Process p : ranks) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        // only complete checkpoints: every checkpoint-N has the files of a finished one, no temporary folder is left
        List<Path> entries;
        try (Stream<Path> s = Files.list(out)) {
            entries = s.filter(Files::isDirectory).toList();
        }
        assertFalse(entries.isEmpty());
        for (Path c : entries) {
            assertTrue(c.getFileName().toString().matches("checkpoint-\\d+"), "stray folder " + c);
            for (String f : List.of("model.safetensors", "optimizer.pt", "trainer_state.json", "jtune_loop_state.json", "training_args.json")) {
                assertTrue(Files.isRegularFile(c.resolve(f)), c + " lacks " + f);
            }
        }
        // a checkpoint of 2 ranks resumes only with 2 ranks: one process is refused with exit 2 naming the world size
        CliTestSupport resume = new CliTestSupport();
        List<String> r = new ArrayList<>(a);
        r.add("--resume-from-checkpoint");
        assertEquals(2, resume.run(r), resume.all());
        CliTestSupport.assertContains(resume.err.toString(), "was trained by 2 ranks (world size 2");
        CliTestSupport.assertContains(resume.err.toString(), "--nproc-per-node 2");
    }

    private static boolean hasCheckpoint(Path out, int step) {
        return Files.isRegularFile(out.resolve("checkpoint-" + step).resolve("trainer_state.json"));
    }

    private static JsonNode evalAt(Path out, int step) throws Exception {
        for (JsonNode n : CliSupport.JSON.readTree(out.resolve("trainer_state.json").toFile()).get("log_history")) {
            if (n.has("eval_loss") && n.get("step").asInt() == step) return n;
        }
        throw new AssertionError("no evaluation at step " + step + " in " + out);
    }

    private static List<JsonNode> losses(Path out) throws Exception {
        List<JsonNode> l = new ArrayList<>();
        for (JsonNode n : CliSupport.JSON.readTree(out.resolve("trainer_state.json").toFile()).get("log_history")) if (n.has("loss")) l.add(n);
        return l;
    }

    private static float[] floats(RawTensor t) {
        FloatBuffer b = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }
}
