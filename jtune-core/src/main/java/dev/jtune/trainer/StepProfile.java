package dev.jtune.trainer;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-phase wall timers of the real training loop ({@link TrainingLoop}): where an optimizer step spends its time.
 * Off by default; on with {@code -Djtune.profile=true}, {@code JTUNE_PROFILE=1} or {@link #enable(boolean)} (the bench).
 * When off, each timer point is one volatile read. The timers are process-wide (one training at a time) and
 * accumulate until {@link #reset()}; {@link #snapshot()} gives the means per step.
 *
 * <p>On the CPU, libtorch runs every op synchronously, so a phase's wall time is the work of its ops (there is no
 * queue a host sync would wait for: reading the loss or the gradient norm costs only the read).
 */
public final class StepProfile {
    /** The phases of one optimizer step, in loop order. */
    public enum Phase {
        /** learning rate set on the optimizer (the scheduler), the step's RNG seed, items in the window */
        SCHEDULER_AND_SEED("scheduler + RNG seed"),
        /** waiting for the next padded micro-batch (pre-tokenized rows, padded on the prefetch thread) and making its tensors */
        BATCH("batch pipeline (collate wait + input tensors)"),
        /** the model's forward pass with its loss ({@code computeLoss}) */
        FORWARD_AND_LOSS("forward + loss"),
        /** scaling the loss and {@code backward()} */
        BACKWARD("backward"),
        /** the loss read to the host ({@code item()}) */
        LOSS_TO_HOST("loss to host (item)"),
        /** closing the micro-batch's PointerScope: the step's native tensors freed */
        SCOPE_RELEASE("PointerScope release"),
        /** {@code clip_grad_norm_} (the pre-clip norm comes back as a double) */
        CLIP("gradient clipping (norm to host)"),
        /** {@code AdamW.step()} */
        OPTIMIZER("AdamW step"),
        /** {@code zero_grad(set_to_none)} */
        ZERO_GRAD("zero_grad"),
        /** the callbacks of the step and logging / evaluation / saving decided after it */
        CALLBACKS_AND_LOG("callbacks + logging"),
        /** giving free memory back every 200 steps, the look at the machine's load every 20 */
        HOUSEKEEPING("memory trim + load check");

        private final String description;

        Phase(String description) { this.description = description; }

        public String description() { return description; }
    }

    /**
     * Means over {@code steps} optimizer steps, in seconds: the whole step ({@code stepSeconds}, from the start of
     * the step to the end of its logging) and each phase; {@code otherSeconds} is the rest (loop bookkeeping in Java).
     * {@code tokenizeSeconds} is the one-off tokenization of the training set before the first step.
     */
    public record Breakdown(int steps, double stepSeconds, Map<Phase, Double> phaseSeconds, double otherSeconds, double tokenizeSeconds) {
        /** One line per phase: mean ms per step and share of the step. */
        public String describe() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "step profile: %d steps, %.1f ms per step; tokenize once %.1f ms%n",
                    steps, stepSeconds * 1e3, tokenizeSeconds * 1e3));
            for (Map.Entry<Phase, Double> e : phaseSeconds.entrySet()) {
                sb.append(String.format(Locale.ROOT, "  %-46s %8.2f ms  %5.1f%%%n", e.getKey().description(), e.getValue() * 1e3,
                        stepSeconds > 0 ? 100 * e.getValue() / stepSeconds : 0));
            }
            sb.append(String.format(Locale.ROOT, "  %-46s %8.2f ms  %5.1f%%", "other (loop bookkeeping)", otherSeconds * 1e3,
                    stepSeconds > 0 ? 100 * otherSeconds / stepSeconds : 0));
            return sb.toString();
        }

        /** Phase name (lower case) → mean seconds per step, plus "step", "other" and "tokenize_once". */
        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("step", stepSeconds);
            for (Map.Entry<Phase, Double> e : phaseSeconds.entrySet()) m.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
            m.put("other", otherSeconds);
            m.put("tokenize_once", tokenizeSeconds);
            return m;
        }
    }

    private static volatile boolean enabled = Boolean.getBoolean("jtune.profile") || "1".equals(System.getenv("JTUNE_PROFILE"))
            || "true".equalsIgnoreCase(System.getenv("JTUNE_PROFILE"));
    private static final long[] NANOS = new long[Phase.values().length];
    private static long stepNanos;
    private static long tokenizeNanos;
    private static int steps;

    private StepProfile() {}

    public static boolean enabled() { return enabled; }

    /** Turns the timers on or off (they keep what they accumulated; see {@link #reset()}). */
    public static void enable(boolean on) { enabled = on; }

    /** Forgets what was accumulated. */
    public static synchronized void reset() {
        java.util.Arrays.fill(NANOS, 0);
        stepNanos = 0;
        tokenizeNanos = 0;
        steps = 0;
    }

    /** The time now when the timers are on, else 0 (no clock read). */
    static long start() { return enabled ? System.nanoTime() : 0L; }

    /** Adds the time since {@code since} to {@code phase}; returns the time now (0 when off). */
    static long lap(Phase phase, long since) {
        if (!enabled || since == 0) return 0L;
        long t = System.nanoTime();
        synchronized (StepProfile.class) {
            NANOS[phase.ordinal()] += t - since;
        }
        return t;
    }

    /** Ends one optimizer step that began at {@code since}. */
    static void endStep(long since) {
        if (!enabled || since == 0) return;
        long t = System.nanoTime();
        synchronized (StepProfile.class) {
            stepNanos += t - since;
            steps++;
        }
    }

    /** Adds the one-off tokenization of a training set. */
    static void tokenized(long since) {
        if (!enabled || since == 0) return;
        long t = System.nanoTime();
        synchronized (StepProfile.class) {
            tokenizeNanos += t - since;
        }
    }

    /** The means per step of what was accumulated since the last {@link #reset()}. */
    public static synchronized Breakdown snapshot() {
        Map<Phase, Double> m = new EnumMap<>(Phase.class);
        double sum = 0;
        for (Phase p : Phase.values()) {
            double s = steps == 0 ? 0 : NANOS[p.ordinal()] / 1e9 / steps;
            m.put(p, s);
            sum += s;
        }
        double step = steps == 0 ? 0 : stepNanos / 1e9 / steps;
        return new Breakdown(steps, step, m, Math.max(0, step - sum), tokenizeNanos / 1e9);
    }
}
