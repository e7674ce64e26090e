package dev.jtune.trainer;

import dev.jtune.JTuneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TrainerStateTest {

    /** The state that trainer_state_py.json holds (written by Python's json.dumps(indent=2, sort_keys=True)). */
    private static TrainerState sample() {
        TrainerState s = new TrainerState().epoch(1.5).globalStep(6).maxSteps(8).loggingSteps(1).numTrainEpochs(2)
                .trainBatchSize(4).bestMetric(0.4).bestGlobalStep(2).bestModelCheckpoint("out/checkpoint-2");
        Map<String, Double> log = new LinkedHashMap<>();
        log.put("loss", 0.6931);
        log.put("grad_norm", 1.5);
        log.put("learning_rate", 5e-05);
        log.put("epoch", 0.25);
        s.globalStep(1);
        s.appendLog(log);
        s.globalStep(6);
        Map<String, Object> eval = new LinkedHashMap<>();
        eval.put("eval_loss", 0.4);
        eval.put("eval_text", "café");
        eval.put("epoch", 0.5);
        eval.put("step", 2);
        s.logHistory().add(eval);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("should_epoch_stop", false);
        Map<String, Object> ctl = new LinkedHashMap<>();
        ctl.put("args", args);
        ctl.put("attributes", new LinkedHashMap<>());
        s.statefulCallbacks().put("TrainerControl", ctl);
        return s;
    }

    @Test
    void writesExactlyWhatPythonWrites() throws Exception {
        assertEquals(TrainingArgumentsTest.resource("trainer_state_py.json"), sample().toJson());
    }

    @Test
    void roundTripsThroughAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("checkpoint-6").resolve(TrainerState.TRAINER_STATE_NAME);
        sample().saveToJson(f);
        TrainerState back = TrainerState.loadFromJson(f);
        assertEquals(sample().toJson(), back.toJson());
        assertEquals(6, back.globalStep());
        assertEquals(0.4, back.bestMetric());
        assertEquals(1, back.logHistory().get(0).get("step"));
        TrainerState py = TrainerState.fromJson(TrainingArgumentsTest.resource("trainer_state_py.json"), "py");
        assertEquals(sample().toJson(), py.toJson());
    }

    @Test
    void pythonFloatRepr() {
        // values from Python 3 repr()
        assertEquals("5e-05", PyJson.floatRepr(5e-05));
        assertEquals("1e-08", PyJson.floatRepr(1e-08));
        assertEquals("0.0001", PyJson.floatRepr(0.0001));
        assertEquals("0.00012", PyJson.floatRepr(0.00012));
        assertEquals("1e+16", PyJson.floatRepr(1e16));
        assertEquals("1234567890123456.0", PyJson.floatRepr(1234567890123456.0));
        assertEquals("123456789.0", PyJson.floatRepr(123456789.0));
        assertEquals("1.5e-07", PyJson.floatRepr(1.5e-07));
        assertEquals("-3.5e-05", PyJson.floatRepr(-3.5e-05));
        assertEquals("2.0", PyJson.floatRepr(2.0));
        assertEquals("NaN", PyJson.floatRepr(Double.NaN));
    }

    @Test
    void nanLossesSurviveAndBadFilesAreReported() {
        TrainerState s = new TrainerState();
        s.appendLog(Map.of("loss", Double.NaN));
        TrainerState back = TrainerState.fromJson(s.toJson(), "x");
        assertTrue(Double.isNaN(((Number) back.logHistory().get(0).get("loss")).doubleValue()));
        assertThrows(JTuneException.class, () -> TrainerState.fromJson("{\"global_step\": \"six\"}", "bad.json"));
        assertThrows(JTuneException.class, () -> TrainerState.fromJson("{", "bad.json"));
        assertThrows(JTuneException.class, () -> TrainerState.loadFromJson(Path.of("/nonexistent/trainer_state.json")));
    }

    @Test
    void forTrainingCopiesIntervals() {
        TrainingArguments a = TrainingArguments.builder().loggingSteps(10).saveSteps(40)
                .evalStrategy(IntervalStrategy.STEPS).build();
        TrainerState s = TrainerState.forTraining(a, 100, 3, 16);
        assertEquals(10, s.loggingSteps());
        assertEquals(10, s.evalSteps()); // eval_steps unset -> logging_steps
        assertEquals(40, s.saveSteps());
        assertEquals(100, s.maxSteps());
        assertEquals(16, s.trainBatchSize());
    }
}
