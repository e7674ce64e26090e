package dev.jtune.torch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The intra-op thread count follows the cores other programs leave free. */
class ThreadsForLoadTest {
    @Test
    void oneThreadPerFreeCore() {
        assertEquals(2, Engine.threadsForLoad(2, 0.0));
        assertEquals(2, Engine.threadsForLoad(2, 0.3), "background noise takes no core");
        assertEquals(1, Engine.threadsForLoad(2, 0.67), "a busy program sharing the cores with jtune's threads");
        assertEquals(1, Engine.threadsForLoad(2, 1.0));
        assertEquals(1, Engine.threadsForLoad(2, 3.0), "at least one");
        assertEquals(6, Engine.threadsForLoad(8, 2.2));
    }

    @Test
    void othersBusyCoresSubtractsThisProcess() {
        // 2 cores, 100 ticks of the machine between the samples: 80 busy, 30 of them this process -> others 50 of 100 = 1 core
        Engine.CpuSample before = new Engine.CpuSample(1000, 400, 100, 2);
        Engine.CpuSample after = new Engine.CpuSample(1100, 480, 130, 2);
        assertEquals(1.0, after.othersBusyCores(before), 1e-12);
        assertTrue(Double.isNaN(after.othersBusyCores(new Engine.CpuSample(-1, -1, -1, 2))), "unknown stays unknown");
        Engine.CpuSample real = Engine.CpuSample.now();
        assertTrue(real.total() > 0 && real.self() >= 0, "reads /proc/stat and /proc/self/stat: " + real);
    }
}
