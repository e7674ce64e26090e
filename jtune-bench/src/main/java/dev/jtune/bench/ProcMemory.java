package dev.jtune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from /proc/self/status (VmRSS now, VmHWM peak), in MiB; -1 where unreadable. */
final class ProcMemory {
    private ProcMemory() {}

    static double rssMiB() { return field("VmRSS:"); }

    static double peakMiB() { return field("VmHWM:"); }

    private static double field(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
