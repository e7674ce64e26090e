package dev.jtune.optim;

import dev.jtune.JTuneException;

/** Learning-rate schedule names, spelled as HF's {@code SchedulerType} values for JSON and CLI round trips. */
public enum SchedulerType {
    LINEAR("linear"),
    COSINE("cosine"),
    COSINE_WITH_RESTARTS("cosine_with_restarts"),
    POLYNOMIAL("polynomial"),
    CONSTANT("constant"),
    CONSTANT_WITH_WARMUP("constant_with_warmup"),
    INVERSE_SQRT("inverse_sqrt");

    private final String hfName;

    SchedulerType(String hfName) { this.hfName = hfName; }

    /** The HF spelling, e.g. {@code "constant_with_warmup"}. */
    public String hfName() { return hfName; }

    @Override public String toString() { return hfName; }

    /** Parses the HF spelling (case-insensitive; {@code -} accepted for {@code _}). */
    public static SchedulerType fromHf(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        for (SchedulerType t : values()) if (t.hfName.equals(n)) return t;
        throw new JTuneException(
                "lr_scheduler_type (--lr-scheduler-type) is \"" + name + "\"",
                "jtune implements the HF schedules " + java.util.Arrays.toString(values())
                        + "; reduce_lr_on_plateau, cosine_with_min_lr and warmup_stable_decay are not implemented",
                "pass one of " + java.util.Arrays.toString(values()));
    }
}
