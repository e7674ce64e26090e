package dev.jtune.io;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where start-up time goes ({@code JTUNE_TRACE_STARTUP=1} or {@code -Djtune.trace.startup=true}): named marks from
 * the process start (the OS's start time of this process, so the JVM's own start counts) to the first result,
 * printed as one table on stderr. Off by default: a mark then costs one boolean test.
 */
public final class StartupTrace {
    private static final boolean ON = "true".equals(System.getProperty("jtune.trace.startup"))
            || "1".equals(System.getenv("JTUNE_TRACE_STARTUP"));
    private static final List<Object[]> MARKS = new ArrayList<>();

    private StartupTrace() {}

    public static boolean enabled() { return ON; }

    /** Records that {@code phase} ended now. */
    public static synchronized void mark(String phase) {
        if (ON) MARKS.add(new Object[] {phase, System.currentTimeMillis()});
    }

    /** Prints the phases (ms each, and since the process started) on {@code out}; nothing when off. */
    public static synchronized void print(PrintStream out) {
        if (!ON || MARKS.isEmpty()) return;
        long start = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli)
                .orElse(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        long prev = start;
        out.println("start-up trace (ms): phase, duration, since the process started");
        for (Object[] m : MARKS) {
            long t = (long) m[1];
            out.printf(Locale.ROOT, "  %-34s %7d %8d%n", m[0], t - prev, t - start);
            prev = t;
        }
    }
}
