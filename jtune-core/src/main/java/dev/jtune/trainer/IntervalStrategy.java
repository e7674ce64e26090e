package dev.jtune.trainer;

import dev.jtune.JTuneException;

import java.util.Arrays;
import java.util.Locale;

/** When to log or evaluate: HF's {@code IntervalStrategy} ("no", "steps", "epoch"). */
public enum IntervalStrategy {
    NO("no"), STEPS("steps"), EPOCH("epoch");

    private final String hfName;

    IntervalStrategy(String hfName) { this.hfName = hfName; }

    public String hfName() { return hfName; }

    @Override public String toString() { return hfName; }

    /** Parses the HF spelling; {@code field} is the HF field name used in the error message. */
    public static IntervalStrategy fromHf(String name, String field) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (IntervalStrategy s : values()) if (s.hfName.equals(n)) return s;
        throw new JTuneException(
                field + " (--" + field.replace('_', '-') + ") is \"" + name + "\"",
                "it must be one of " + Arrays.toString(values()),
                "pass no, steps or epoch");
    }
}
