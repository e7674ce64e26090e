package dev.jtune.spark;

import dev.jtune.inference.Predictor;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models loaded in this JVM (a Spark executor, or the driver in local mode), one per folder: a task loads a
 * folder the first time it is asked for and every later task reuses it. Entries live as long as the JVM.
 */
final class ExecutorModels {
    /** A loaded folder and the truncation length its training used. */
    record Loaded(Predictor predictor, int trainedMaxLength) {}

    private static final ConcurrentHashMap<Path, Loaded> CACHE = new ConcurrentHashMap<>();
    private static volatile int loads;

    private ExecutorModels() {}

    static Loaded get(String modelPath) {
        Path dir = Path.of(modelPath).toAbsolutePath().normalize();
        return CACHE.computeIfAbsent(dir, d -> {
            loads++;
            return new Loaded(Predictor.load(d, null), Predictor.trainedMaxLength(d));
        });
    }

    /** How many folders this JVM has loaded so far (tests: once per JVM, not per task). */
    static int loads() { return loads; }
}
