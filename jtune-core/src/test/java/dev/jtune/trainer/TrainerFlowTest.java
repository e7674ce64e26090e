package dev.jtune.trainer;

import dev.jtune.JTuneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TrainerFlowTest {

    /** Flags after on_step_end for steps 1..maxSteps, as "L", "E", "S", "X" (stop) letters. */
    private static List<String> runSteps(TrainingArguments args, int maxSteps) {
        TrainerState state = TrainerState.forTraining(args, maxSteps, 1, 8);
        TrainerControl control = new TrainerControl();
        CallbackHandler h = new CallbackHandler(List.of(new DefaultFlowCallback()));
        h.onTrainBegin(args, state, control);
        List<String> out = new ArrayList<>();
        for (int step = 1; step <= maxSteps && !control.shouldTrainingStop(); step++) {
            h.onStepBegin(args, state, control);
            state.globalStep(step);
            h.onStepEnd(args, state, control);
            out.add((control.shouldLog() ? "L" : "") + (control.shouldEvaluate() ? "E" : "")
                    + (control.shouldSave() ? "S" : "") + (control.shouldTrainingStop() ? "X" : ""));
        }
        return out;
    }

    @Test
    void stepStrategies() {
        // log every 2 (+ first step), eval every 3 from step 4 (eval_delay), save every 5, max 7
        TrainingArguments args = TrainingArguments.builder().loggingSteps(2).loggingFirstStep(true)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(3).evalDelay(4).saveSteps(5).build();
        assertEquals(List.of("L", "L", "", "L", "S", "LE", "SX"), runSteps(args, 7));
        // flags do not leak into the next step (reset at step begin); eval_steps falls back to logging_steps
        TrainingArguments b = TrainingArguments.builder().loggingSteps(3).evalStrategy(IntervalStrategy.STEPS)
                .saveStrategy(SaveStrategy.NO).build();
        assertEquals(List.of("", "", "LE", "", "X"), runSteps(b, 5));
    }

    @Test
    void epochStrategies() {
        TrainingArguments args = TrainingArguments.builder().loggingStrategy(IntervalStrategy.EPOCH)
                .evalStrategy(IntervalStrategy.EPOCH).saveStrategy(SaveStrategy.EPOCH).evalDelay(2).build();
        TrainerState state = TrainerState.forTraining(args, 30, 3, 8);
        TrainerControl control = new TrainerControl();
        DefaultFlowCallback flow = new DefaultFlowCallback();
        state.globalStep(5);
        flow.onStepEnd(args, state, control);
        assertFalse(control.shouldLog() || control.shouldEvaluate() || control.shouldSave());
        state.epoch(1.0);
        flow.onEpochEnd(args, state, control);
        assertTrue(control.shouldLog());
        assertFalse(control.shouldEvaluate()); // eval_delay 2 > epoch 1
        assertTrue(control.shouldSave());
        control.newStep();
        state.epoch(2.0);
        flow.onEpochEnd(args, state, control);
        assertTrue(control.shouldEvaluate());
    }

    @Test
    void handlerResetsFlagsAfterActions() {
        TrainingArguments args = TrainingArguments.defaults();
        TrainerState state = new TrainerState();
        TrainerControl c = new TrainerControl().shouldLog(true).shouldEvaluate(true).shouldSave(true).shouldEpochStop(true);
        List<String> events = new ArrayList<>();
        TrainerCallback spy = new TrainerCallback() {
            @Override public void onLog(TrainingArguments a, TrainerState s, TrainerControl cc, Map<String, Double> logs) {
                events.add("log" + logs.keySet());
            }
            @Override public void onSave(TrainingArguments a, TrainerState s, TrainerControl cc) { events.add("save"); }
        };
        CallbackHandler h = new CallbackHandler(List.of(new DefaultFlowCallback(), spy));
        h.onLog(args, state, c, Map.of("loss", 1.0));
        assertFalse(c.shouldLog());
        h.onEvaluate(args, state, c, Map.of());
        assertFalse(c.shouldEvaluate());
        h.onSave(args, state, c);
        assertFalse(c.shouldSave());
        h.onEpochBegin(args, state, c);
        assertFalse(c.shouldEpochStop());
        assertEquals(List.of("log[loss]", "save"), events);
        assertSame(spy, h.pop(spy.getClass()));
        assertEquals(1, h.callbacks().size());
    }

    /** Simulates the Trainer's evaluate: callbacks first, then the best-metric update. */
    private static boolean evaluate(CallbackHandler h, TrainingArguments args, TrainerState state, TrainerControl c,
                                    int step, Map<String, Double> metrics) {
        state.globalStep(step);
        h.onEvaluate(args, state, c, metrics);
        return BestMetric.determineBestMetric(args, state, metrics);
    }

    @Test
    void earlyStoppingWhenTheBestEpochIsNotTheLast() {
        TrainingArguments args = TrainingArguments.builder().outputDir("out").evalStrategy(IntervalStrategy.EPOCH)
                .saveStrategy(SaveStrategy.EPOCH).loadBestModelAtEnd(true).build(); // metric: eval_loss, lower better
        EarlyStoppingCallback es = new EarlyStoppingCallback(2, 0.0);
        CallbackHandler h = new CallbackHandler(List.of(new DefaultFlowCallback(), es));
        TrainerState state = new TrainerState();
        TrainerControl c = new TrainerControl();
        h.onTrainBegin(args, state, c);
        double[] losses = {0.50, 0.40, 0.42, 0.41, 0.30};
        boolean[] newBest = new boolean[losses.length];
        int evals = 0;
        for (int i = 0; i < losses.length && !c.shouldTrainingStop(); i++) {
            newBest[i] = evaluate(h, args, state, c, i + 1, Map.of("eval_loss", losses[i], "eval_accuracy", 0.5));
            evals++;
        }
        // 0.50 best(none) -> 0; 0.40 better -> 0; 0.42 -> 1; 0.41 -> 2 >= patience -> stop; 0.30 never seen
        assertEquals(4, evals);
        assertTrue(c.shouldTrainingStop());
        assertArrayEquals(new boolean[]{true, true, false, false, false}, newBest);
        assertEquals(0.40, state.bestMetric());
        assertEquals(2, state.bestGlobalStep());
        assertEquals(Path.of("out", "checkpoint-2").toString(), state.bestModelCheckpoint());
        assertEquals(2, es.patienceCounter());
        assertEquals(2, ((Map<?, ?>) es.state().get("attributes")).get("early_stopping_patience_counter"));
    }

    @Test
    void earlyStoppingThresholdAndStrictness() {
        TrainingArguments args = TrainingArguments.builder().evalStrategy(IntervalStrategy.STEPS).evalSteps(10)
                .metricForBestModel("accuracy").saveStrategy(SaveStrategy.NO).build(); // greater is better
        EarlyStoppingCallback es = new EarlyStoppingCallback(1, 0.05);
        CallbackHandler h = new CallbackHandler(List.of(new DefaultFlowCallback(), es));
        TrainerState state = new TrainerState();
        TrainerControl c = new TrainerControl();
        h.onTrainBegin(args, state, c);
        assertTrue(evaluate(h, args, state, c, 10, Map.of("eval_accuracy", 0.80)));
        assertFalse(c.shouldTrainingStop());
        // +0.02 is a new best (strictly greater) but not an improvement beyond the 0.05 threshold -> stop
        assertTrue(evaluate(h, args, state, c, 20, Map.of("eval_accuracy", 0.82)));
        assertTrue(c.shouldTrainingStop());
        assertEquals(0.82, state.bestMetric());
        // equal value is not a new best (strict)
        assertFalse(BestMetric.determineBestMetric(args, state, Map.of("eval_accuracy", 0.82)));
        // a missing metric disables early stopping for that evaluation (warning only)
        EarlyStoppingCallback es2 = new EarlyStoppingCallback(1, 0.0);
        TrainerControl c2 = new TrainerControl();
        es2.onEvaluate(args, state, c2, Map.of("eval_loss", 1.0));
        assertFalse(c2.shouldTrainingStop());
    }

    @Test
    void earlyStoppingRequiresMetricAndEvalStrategy() {
        TrainerState s = new TrainerState();
        TrainerControl c = new TrainerControl();
        EarlyStoppingCallback es = new EarlyStoppingCallback();
        JTuneException e1 = assertThrows(JTuneException.class, () -> es.onTrainBegin(
                TrainingArguments.builder().evalStrategy(IntervalStrategy.EPOCH).build(), s, c));
        assertTrue(e1.what().contains("EarlyStoppingCallback requires metric_for_best_model is defined"));
        JTuneException e2 = assertThrows(JTuneException.class, () -> es.onTrainBegin(
                TrainingArguments.builder().metricForBestModel("loss").build(), s, c));
        assertTrue(e2.what().contains("EarlyStoppingCallback requires IntervalStrategy of steps or epoch"));
        assertThrows(JTuneException.class, () -> new EarlyStoppingCallback(0, 0.0));
    }

    @Test
    void missingBestMetricGivesHfKeyErrorText() {
        TrainingArguments args = TrainingArguments.builder().metricForBestModel("f1").build();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval_loss", 0.3);
        metrics.put("eval_accuracy", 0.9);
        JTuneException e = assertThrows(JTuneException.class,
                () -> BestMetric.determineBestMetric(args, new TrainerState(), metrics));
        assertTrue(e.what().startsWith("The `metric_for_best_model` training argument is set to 'eval_f1', which is not "
                + "found in the evaluation metrics. The available evaluation metrics are: ['eval_loss', 'eval_accuracy']. "
                + "Consider changing the `metric_for_best_model` via the TrainingArguments."), e.what());
        assertTrue(e.what().contains("--metric-for-best-model"));
        assertFalse(BestMetric.determineBestMetric(TrainingArguments.defaults(), new TrainerState(), metrics));
    }

    private static Path mk(Path dir, int step) throws Exception {
        Path p = dir.resolve("checkpoint-" + step);
        Files.createDirectories(p.resolve("sub"));
        Files.writeString(p.resolve("sub/model.safetensors"), "x");
        return p;
    }

    private static List<String> names(Path dir) throws Exception {
        List<String> n = new ArrayList<>();
        for (Path p : CheckpointRotation.sorted(dir, null)) n.add(p.getFileName().toString());
        return n;
    }

    @Test
    void rotationKeepsTheBest(@TempDir Path dir) throws Exception {
        for (int s : new int[]{2, 4, 6, 8, 10}) mk(dir, s);
        Files.createDirectories(dir.resolve("checkpoint-x"));   // not a checkpoint
        Files.writeString(dir.resolve("checkpoint-12"), "file"); // not a folder
        String best = dir.resolve("checkpoint-4").toString();
        // numeric order, best moved to second-to-last: 2 6 8 4 10
        List<String> sorted = new ArrayList<>();
        for (Path p : CheckpointRotation.sorted(dir, best)) sorted.add(p.getFileName().toString());
        assertEquals(List.of("checkpoint-2", "checkpoint-6", "checkpoint-8", "checkpoint-4", "checkpoint-10"), sorted);
        List<Path> deleted = CheckpointRotation.rotate(dir, 2, best);
        assertEquals(3, deleted.size());
        assertEquals(List.of("checkpoint-4", "checkpoint-10"), names(dir));
        assertEquals("checkpoint-10", CheckpointRotation.lastCheckpoint(dir).getFileName().toString());
    }

    @Test
    void rotationLimitOneWithBestKeepsTwo(@TempDir Path dir) throws Exception {
        for (int s : new int[]{1, 2, 3}) mk(dir, s);
        CheckpointRotation.rotate(dir, 1, dir.resolve("checkpoint-2").toString());
        assertEquals(List.of("checkpoint-2", "checkpoint-3"), names(dir));
        CheckpointRotation.rotate(dir, 1, dir.resolve("checkpoint-3").toString()); // best is the newest: keep 1
        assertEquals(List.of("checkpoint-3"), names(dir));
        mk(dir, 4);
        assertTrue(CheckpointRotation.rotate(dir, null, null).isEmpty()); // no limit
        CheckpointRotation.rotate(dir, 1, null);
        assertEquals(List.of("checkpoint-4"), names(dir));
        assertNull(CheckpointRotation.lastCheckpoint(dir.resolve("missing")));
    }
}
