package dev.jtune.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;
import dev.jtune.testing.Fixtures;
import dev.jtune.trainer.TrainingArguments;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LrScheduleTest {

    @Test
    void linearWithWarmupMatchesHandValues() {
        // T=20, W=2, lr=1e-3: update k (1-based) uses f(k-1); f(0)=0, f(1)=1/2, f(2)=(20-2)/18=1, f(3)=17/18
        LrSchedule s = new LrSchedule(SchedulerType.LINEAR, 1e-3, 2, 20);
        assertEquals(0.0, s.lrAt(0));
        assertEquals(5e-4, s.lrAt(1), 1e-18);
        assertEquals(1e-3, s.lrAt(2), 1e-18);
        assertEquals(1e-3 * 17 / 18, s.lrAt(3), 1e-18);
        assertEquals(1e-3 / 18, s.lrAt(19), 1e-18);
        assertEquals(0.0, s.lrAt(20));
        assertEquals(0.0, s.lrAt(25)); // clamped at 0
    }

    @Test
    void matchesTrainingFixtures() throws Exception {
        ObjectMapper om = new ObjectMapper();
        for (String name : List.of("train-single.json", "train-single-ga2.json", "train-regression.json", "train-multi.json")) {
            Path p = Fixtures.cases().resolve(name);
            JsonNode c = om.readTree(Files.readString(p));
            JsonNode args = c.get("args");
            int total = c.get("derived").get("total_steps").asInt();
            TrainingArguments ta = TrainingArguments.builder().learningRate(args.get("learning_rate").asDouble())
                    .warmupSteps(args.get("warmup_steps").asDouble()).maxSteps(total).build();
            LrSchedule s = new LrSchedule(SchedulerType.fromHf(args.get("lr_scheduler_type").asText()),
                    ta.learningRate(), ta.resolvedWarmupSteps(total), total);
            for (JsonNode step : c.get("expected_steps")) {
                int k = step.get("step").asInt();
                double expected = step.get("learning_rate").asDouble();
                assertEquals(expected, s.lrAt(k - 1), Math.abs(expected) * 1e-12, name + " step " + k);
            }
        }
    }

    @Test
    void cosine() {
        // W=2, T=12: progress at s=7 is 5/10 -> 0.5*(1+cos(pi/2)) = 0.5; s=12 -> 0.5*(1+cos(pi)) = 0
        LrSchedule s = new LrSchedule(SchedulerType.COSINE, 1.0, 2, 12);
        assertEquals(0.5, s.multiplierAt(1), 1e-15);
        assertEquals(1.0, s.multiplierAt(2), 1e-15);
        assertEquals(0.5, s.multiplierAt(7), 1e-15);
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 0.2)), s.multiplierAt(4), 1e-15); // progress 0.2
        assertEquals(0.0, s.multiplierAt(12), 1e-15);
    }

    @Test
    void cosineWithRestarts() {
        // one cycle (HF default num_cycles=1): 0.5*(1+cos(pi*(progress % 1))); progress >= 1 -> 0
        LrSchedule s = new LrSchedule(SchedulerType.COSINE_WITH_RESTARTS, 1.0, 0, 10);
        assertEquals(1.0, s.multiplierAt(0), 1e-15);
        assertEquals(0.5, s.multiplierAt(5), 1e-15);
        assertEquals(0.0, s.multiplierAt(10));
    }

    @Test
    void polynomialWithHfDefaults() {
        // lr=1e-3, lr_end=1e-7, power=1, W=0, T=10: s=5 -> ((1e-3-1e-7)*0.5 + 1e-7)/1e-3 = 0.50005
        LrSchedule s = new LrSchedule(SchedulerType.POLYNOMIAL, 1e-3, 0, 10);
        assertEquals(0.50005, s.multiplierAt(5), 1e-12);
        assertEquals(1e-3, s.lrAt(0), 1e-18);
        assertEquals(1e-7, s.lrAt(10), 1e-18); // pct_remaining 0 -> lr_end
        assertEquals(1e-7, s.lrAt(11), 1e-18); // past T -> lr_end
        LrSchedule w = new LrSchedule(SchedulerType.POLYNOMIAL, 1e-3, 4, 10);
        assertEquals(0.25, w.multiplierAt(1), 1e-15);
        assertThrows(JTuneException.class, () -> new LrSchedule(SchedulerType.POLYNOMIAL, 1e-8, 0, 10));
    }

    @Test
    void constantsAndInverseSqrt() {
        assertEquals(1.0, new LrSchedule(SchedulerType.CONSTANT, 1.0, 5, 10).multiplierAt(0));
        LrSchedule cw = new LrSchedule(SchedulerType.CONSTANT_WITH_WARMUP, 1.0, 4, 10);
        assertEquals(0.5, cw.multiplierAt(2));
        assertEquals(1.0, cw.multiplierAt(4));
        assertEquals(1.0, cw.multiplierAt(100));
        // W=4 -> timescale 4: s=16 -> 1/sqrt(16/4) = 0.5
        LrSchedule is = new LrSchedule(SchedulerType.INVERSE_SQRT, 1.0, 4, 100);
        assertEquals(0.75, is.multiplierAt(3), 1e-15);
        assertEquals(1.0, is.multiplierAt(4), 1e-15);
        assertEquals(0.5, is.multiplierAt(16), 1e-15);
        // W=0 -> timescale 10000, shift 10000: s=20000 -> 1/sqrt((20000+10000)/10000) = 1/sqrt(3)
        assertEquals(1 / Math.sqrt(3), new LrSchedule(SchedulerType.INVERSE_SQRT, 1.0, 0, 10).multiplierAt(20000), 1e-15);
    }

    @Test
    void hfSpellings() {
        for (SchedulerType t : SchedulerType.values()) assertEquals(t, SchedulerType.fromHf(t.hfName()));
        assertEquals("constant_with_warmup", SchedulerType.CONSTANT_WITH_WARMUP.hfName());
        assertThrows(JTuneException.class, () -> SchedulerType.fromHf("warmup_stable_decay"));
    }
}
