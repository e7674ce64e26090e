package dev.jtune.trainer;

import dev.jtune.JTuneException;

import java.util.Arrays;
import java.util.Locale;

/** Training-set order: HF v5's {@code train_sampling_strategy} ("random", "sequential", "group_by_length"). */
public enum TrainSamplingStrategy {
    RANDOM("random"), SEQUENTIAL("sequential"), GROUP_BY_LENGTH("group_by_length");

    private final String hfName;

    TrainSamplingStrategy(String hfName) { this.hfName = hfName; }

    public String hfName() { return hfName; }

    @Override public String toString() { return hfName; }

    public static TrainSamplingStrategy fromHf(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (TrainSamplingStrategy s : values()) if (s.hfName.equals(n)) return s;
        throw new JTuneException(
                "train_sampling_strategy (--train-sampling-strategy) is \"" + name + "\"",
                "it must be one of " + Arrays.toString(values()),
                "pass random, sequential or group_by_length");
    }
}
