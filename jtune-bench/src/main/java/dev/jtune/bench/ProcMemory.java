package dev.jtune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from /proc/self/status (VmRSS now, VmHWM peak), in MiB; -1 where unreadable. */
final class ProcMemory {
    private ProcMemory() {}

    static double rssMiB() { return field("VmRSS:"); }

    static double peakMiB() { return field("VmHWM:"); }

    /**
     * Resets the peak ({@code VmHWM}) to the current RSS by writing 5 to /proc/self/clear_refs (Linux 4.0+), so that
     * {@link #peakMiB()} then gives the peak since this call; false where that is not allowed.
     */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * glibc's own view of its heap ({@code mallinfo2}): {@code arena} = bytes obtained with sbrk/heaps, {@code hblkhd} =
     * bytes in mmap'd blocks, {@code uordblks} = bytes in use, {@code fordblks} = free bytes kept; MiB, or null where
     * libc has no mallinfo2 (glibc before 2.33, musl).
     */
    static double[] mallinfo() {
        try {
            com.sun.jna.Function f = com.sun.jna.NativeLibrary.getInstance("c").getFunction("mallinfo2");
            MallInfo2 m = (MallInfo2) f.invoke(MallInfo2.class, new Object[0]);
            double mib = 1048576.0;
            return new double[] {m.arena / mib, m.hblkhd / mib, m.uordblks / mib, m.fordblks / mib};
        } catch (Throwable t) {
            return null;
        }
    }

    /** struct mallinfo2 (glibc >= 2.33): ten size_t fields. */
    @com.sun.jna.Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost"})
    public static final class MallInfo2 extends com.sun.jna.Structure implements com.sun.jna.Structure.ByValue {
        public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

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
