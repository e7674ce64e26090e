package dev.jtune.trainer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's phase timers: means per step, the rest as "other", nothing recorded while off. */
class StepProfileTest {
    private final boolean was = StepProfile.enabled();

    @AfterEach
    void restore() {
        StepProfile.enable(was);
        StepProfile.reset();
    }

    @Test
    void phasesAreMeansPerStepAndTheRestIsOther() throws InterruptedException {
        StepProfile.enable(true);
        StepProfile.reset();
        for (int i = 0; i < 2; i++) {
            long step = StepProfile.start(), t = step;
            Thread.sleep(30);
            t = StepProfile.lap(StepProfile.Phase.FORWARD_AND_LOSS, t);
            Thread.sleep(10);
            StepProfile.lap(StepProfile.Phase.OPTIMIZER, t);
            Thread.sleep(20); // not in a phase: "other"
            StepProfile.endStep(step);
        }
        StepProfile.Breakdown b = StepProfile.snapshot();
        assertEquals(2, b.steps());
        double fwd = b.phaseSeconds().get(StepProfile.Phase.FORWARD_AND_LOSS), opt = b.phaseSeconds().get(StepProfile.Phase.OPTIMIZER);
        assertTrue(fwd >= 0.030 && fwd < 0.5, "forward mean " + fwd);
        assertTrue(opt >= 0.010 && opt < fwd, "optimizer mean " + opt);
        assertEquals(0.0, b.phaseSeconds().get(StepProfile.Phase.BACKWARD));
        assertTrue(b.otherSeconds() >= 0.020, "other " + b.otherSeconds());
        assertEquals(b.stepSeconds(), fwd + opt + b.otherSeconds(), 1e-9);
        assertEquals(b.stepSeconds(), b.asMap().get("step"));
        assertTrue(b.describe().contains("forward + loss"));
    }

    @Test
    void offRecordsNothingAndReadsNoClock() {
        StepProfile.enable(false);
        StepProfile.reset();
        long t = StepProfile.start();
        assertEquals(0L, t);
        assertEquals(0L, StepProfile.lap(StepProfile.Phase.BACKWARD, System.nanoTime() - 1_000_000_000L));
        StepProfile.endStep(System.nanoTime() - 1_000_000_000L);
        assertEquals(0, StepProfile.snapshot().steps());
        assertEquals(0.0, StepProfile.snapshot().phaseSeconds().get(StepProfile.Phase.BACKWARD));
    }
}
