package dev.jtune.optim;

import dev.jtune.JTuneException;

import java.util.function.IntToDoubleFunction;

/**
 * Learning-rate schedules exactly as HF {@code get_scheduler} builds them ({@code LambdaLR} multipliers).
 *
 * <p>Convention: {@code lrAt(s)} is the rate used by the optimizer step with zero-based index {@code s}, i.e. the
 * k-th update (1-based) uses {@code lrAt(k - 1)}; HF logs that value as {@code learning_rate}. With warmup
 * {@code W > 0} the first update uses rate 0.
 */
public final class LrSchedule {
    /** HF default {@code lr_end} of the polynomial schedule. */
    public static final double POLYNOMIAL_LR_END = 1e-7;
    /** HF default {@code power} of the polynomial schedule. */
    public static final double POLYNOMIAL_POWER = 1.0;

    private final SchedulerType type;
    private final double learningRate;
    private final int warmupSteps;
    private final int totalSteps;
    private final IntToDoubleFunction multiplier;

    /**
     * @param learningRate the base (peak) rate; the polynomial schedule needs it for its {@code lr_end}
     * @param warmupSteps  resolved warmup steps (see {@code TrainingArguments.resolvedWarmupSteps})
     * @param totalSteps   total optimizer steps {@code T}
     */
    public LrSchedule(SchedulerType type, double learningRate, int warmupSteps, int totalSteps) {
        if (warmupSteps < 0 || totalSteps < 0) {
            throw new JTuneException("warmup_steps=" + warmupSteps + ", total steps=" + totalSteps
                    + " for lr_scheduler_type " + type, "both must be >= 0", "pass --warmup-steps >= 0");
        }
        this.type = type;
        this.learningRate = learningRate;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.multiplier = multiplier(type, warmupSteps, totalSteps, learningRate);
    }

    public SchedulerType type() { return type; }
    public double learningRate() { return learningRate; }
    public int warmupSteps() { return warmupSteps; }
    public int totalSteps() { return totalSteps; }

    /** The multiplier {@code f(s)} of the base rate at zero-based step {@code s}. */
    public double multiplierAt(int step) { return multiplier.applyAsDouble(step); }

    /** The rate used by the update with zero-based index {@code step}: {@code learningRate * f(step)}. */
    public double lrAt(int step) { return learningRate * multiplier.applyAsDouble(step); }

    /**
     * HF's {@code lr_lambda} for {@code type}; {@code learningRate} is used only by {@link SchedulerType#POLYNOMIAL}
     * (HF divides {@code lr_end} by the optimizer's initial rate).
     */
    public static IntToDoubleFunction multiplier(SchedulerType type, int warmup, int total, double learningRate) {
        switch (type) {
            case CONSTANT:
                return s -> 1.0;
            case CONSTANT_WITH_WARMUP:
                return s -> s < warmup ? (double) s / Math.max(1.0, warmup) : 1.0;
            case LINEAR:
                return s -> {
                    if (s < warmup) return (double) s / Math.max(1, warmup);
                    return Math.max(0.0, (double) (total - s) / Math.max(1, total - warmup));
                };
            case COSINE: {
                double numCycles = 0.5;
                return s -> {
                    if (s < warmup) return (double) s / Math.max(1, warmup);
                    double progress = (double) (s - warmup) / Math.max(1, total - warmup);
                    return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress)));
                };
            }
            case COSINE_WITH_RESTARTS: {
                double numCycles = 1.0;
                return s -> {
                    if (s < warmup) return (double) s / Math.max(1, warmup);
                    double progress = (double) (s - warmup) / Math.max(1, total - warmup);
                    if (progress >= 1.0) return 0.0;
                    return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * ((numCycles * progress) % 1.0))));
                };
            }
            case POLYNOMIAL: {
                double lrEnd = POLYNOMIAL_LR_END;
                double power = POLYNOMIAL_POWER;
                if (!(lrEnd < learningRate)) {
                    throw new JTuneException("learning_rate (--learning-rate) is " + learningRate
                            + " with lr_scheduler_type polynomial",
                            "lr_end (" + lrEnd + ") must be smaller than initial lr (" + learningRate + ")",
                            "pass a learning rate above 1e-7 or another --lr-scheduler-type");
                }
                return s -> {
                    if (s < warmup) return (double) s / Math.max(1, warmup);
                    if (s > total || total <= warmup) return lrEnd / learningRate;
                    double lrRange = learningRate - lrEnd;
                    double decaySteps = total - warmup;
                    double pctRemaining = 1 - (s - warmup) / decaySteps;
                    double decay = lrRange * Math.pow(pctRemaining, power) + lrEnd;
                    return decay / learningRate;
                };
            }
            case INVERSE_SQRT: {
                int timescale = warmup != 0 ? warmup : 10_000;
                return s -> {
                    if (s < warmup) return (double) s / Math.max(1, warmup);
                    int shift = timescale - warmup;
                    return 1.0 / Math.sqrt((double) (s + shift) / timescale);
                };
            }
            default:
                throw new IllegalArgumentException("unknown scheduler " + type);
        }
    }
}
