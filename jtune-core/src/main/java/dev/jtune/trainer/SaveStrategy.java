package dev.jtune.trainer;

import dev.jtune.JTuneException;

import java.util.Arrays;
import java.util.Locale;

/** When to save checkpoints: HF's {@code SaveStrategy} ("no", "steps", "epoch", "best"). */
public enum SaveStrategy {
    NO("no"), STEPS("steps"), EPOCH("epoch"), BEST("best");

    private final String hfName;

    SaveStrategy(String hfName) { this.hfName = hfName; }

    public String hfName() { return hfName; }

    @Override public String toString() { return hfName; }

    public static SaveStrategy fromHf(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (SaveStrategy s : values()) if (s.hfName.equals(n)) return s;
        throw new JTuneException(
                "save_strategy (--save-strategy) is \"" + name + "\"",
                "it must be one of " + Arrays.toString(values()),
                "pass no, steps, epoch or best");
    }
}
