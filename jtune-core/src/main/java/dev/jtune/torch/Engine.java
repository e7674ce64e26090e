package dev.jtune.torch;

import org.bytedeco.pytorch.global.torch;

/**
 * One-time engine setup: keeps DJL offline, loads libtorch from the JavaCPP cache (never a system libtorch), and
 * sets the intra-op thread count deliberately (cores, or {@code jtune.threads} / {@code JTUNE_THREADS}).
 */
public final class Engine {
    private static volatile boolean initialised;

    private Engine() {}

    public static synchronized void init() {
        if (initialised) return;
        System.setProperty("ai.djl.offline", "true");
        // Prefer the natives shipped in the JavaCPP jars over anything on the system library path.
        if (System.getProperty("org.bytedeco.javacpp.pathsFirst") == null) {
            System.setProperty("org.bytedeco.javacpp.pathsFirst", "false");
        }
        org.bytedeco.javacpp.Loader.load(torch.class);
        int threads = configuredThreads();
        torch.set_num_threads(threads);
        initialised = true;
    }

    /** Intra-op threads: {@code -Djtune.threads}, then {@code JTUNE_THREADS}, else the number of cores. */
    public static int configuredThreads() {
        String v = System.getProperty("jtune.threads");
        if (v == null) v = System.getenv("JTUNE_THREADS");
        if (v != null) {
            try {
                int n = Integer.parseInt(v.trim());
                if (n > 0) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static volatile Boolean amx;

    /**
     * Whether this CPU has AMX with bf16 tiles (Linux {@code /proc/cpuinfo} flag {@code amx_bf16}): where bf16
     * autocast is several times faster than fp32. Without it, bf16 on CPU is emulated and slow.
     */
    public static boolean cpuSupportsAmxBf16() {
        if (amx == null) {
            boolean found = false;
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("flags") && line.contains(" amx_bf16")) { found = true; break; }
                }
            } catch (java.io.IOException | RuntimeException e) {
                found = false;
            }
            amx = found;
        }
        return amx;
    }

    /** Seeds libtorch's global generator (init of new weights, dropout masks). */
    public static void manualSeed(long seed) {
        init();
        torch.manual_seed(seed);
    }
}
