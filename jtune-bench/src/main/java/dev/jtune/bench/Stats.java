package dev.jtune.bench;

import java.util.Arrays;

/** Medians of per-step timings. */
final class Stats {
    private Stats() {}

    static double median(double[] xs) {
        if (xs.length == 0) return Double.NaN;
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double seconds(long nanos) { return nanos / 1e9; }
}
