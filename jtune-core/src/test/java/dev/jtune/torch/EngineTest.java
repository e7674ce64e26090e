package dev.jtune.torch;

import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine configuration the CLI runs with: MKL as fp32 BLAS when its jar is present; jemalloc or glibc malloc tuned. */
class EngineTest {
    @Test
    void mklIsLoadedWhenItsJarIsOnTheClasspath() {
        assertTrue(Engine.mklOnClasspath(), "jtune-core's tests carry org.bytedeco:mkl (linux-x86_64-redist)");
        assertEquals("MKL", Engine.blas());
        assertTrue(Engine.mallocTuned(), "mallopt through JNA on Linux/glibc");
    }

    /**
     * With the tuned settings glibc keeps freed tensor memory resident for reuse; {@code releaseFreeMemory} must give
     * it back (the training loop relies on it to keep RSS flat over long runs).
     */
    @Test
    void freedTensorMemoryStaysResidentUntilReleased() {
        assertTrue(Engine.mallocTuned());
        double mib = 1048576.0;
        Engine.releaseFreeMemory();
        double before = org.bytedeco.javacpp.Pointer.physicalBytes() / mib;
        try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
            // 8 blocks of 32 MiB, written, so every page is resident
            for (int i = 0; i < 8; i++) torch.ones(new long[] {8L << 20}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Float));
        }
        double kept = org.bytedeco.javacpp.Pointer.physicalBytes() / mib;
        assertTrue(kept - before > 200, "freed blocks stay resident (no trim, no mmap): " + before + " -> " + kept + " MiB");
        assertTrue(Engine.releaseFreeMemory(), "malloc_trim released memory");
        double after = org.bytedeco.javacpp.Pointer.physicalBytes() / mib;
        assertTrue(kept - after > 200, "released: " + kept + " -> " + after + " MiB");
        assertTrue(!Engine.releaseFreeMemoryAt(0) && !Engine.releaseFreeMemoryAt(Engine.RELEASE_EVERY_STEPS + 1),
                "only at positive multiples of the interval");
    }

    /** A fresh JVM (the BLAS is chosen once per process) with the given system property; prints Engine.blas(). */
    private static String childBlas(String property) throws IOException, InterruptedException {
        return child(property, null, "blas");
    }

    /** As {@link #childBlas}, optionally with {@code LD_PRELOAD}; prints Engine.blas() or Engine.allocator(). */
    private static String child(String property, String preload, String what) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), property,
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir", ""),
                EngineProbe.class.getName(), what)).redirectErrorStream(true);
        pb.environment().remove("JTUNE_BLAS");
        pb.environment().remove("JTUNE_MALLOC");
        pb.environment().remove("LD_PRELOAD");
        if (preload != null) pb.environment().put("LD_PRELOAD", preload);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return p.exitValue() + ":" + out.strip().lines().reduce((a, b) -> b).orElse("");
    }

    @Test
    void mklByDefaultOpenBlasOnRequestAndABadChoiceIsAnError() throws Exception {
        assertEquals("0:MKL", childBlas("-Djtune.blas=auto"), "auto: MKL because its jar is on the classpath");
        assertEquals("0:OpenBLAS", childBlas("-Djtune.blas=openblas"));
        String bad = childBlas("-Djtune.blas=atlas");
        assertTrue(bad.startsWith("2:") && bad.contains("mkl, openblas or auto"), bad);
    }

    @Test
    void allocatorChoice() throws Exception {
        assertEquals("0:glibc (tuned)", child("-Djtune.malloc=auto", null, "allocator"), "no jemalloc preloaded: glibc, tuned");
        assertEquals("0:glibc (defaults)", child("-Djtune.malloc=default", null, "allocator"));
        String bad = child("-Djtune.malloc=tcmalloc", null, "allocator");
        assertTrue(bad.startsWith("2:") && bad.contains("auto, jemalloc, glibc or default"), bad);
        String missing = child("-Djtune.malloc=jemalloc", null, "allocator");
        assertTrue(missing.startsWith("2:") && missing.contains("does not run on jemalloc") && missing.contains("libjemalloc2"), missing);
        // where jemalloc is installed (not on a fresh CI machine), a preloaded one is detected and used
        Path jemalloc = Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
        if (java.nio.file.Files.isRegularFile(jemalloc)) {
            assertEquals("0:jemalloc", child("-Djtune.malloc=jemalloc", jemalloc.toString(), "allocator"));
        }
    }

    /** Child-JVM entry point for {@link EngineTest}. */
    public static final class EngineProbe {
        public static void main(String[] args) {
            try {
                System.out.println(args.length > 0 && args[0].equals("allocator") ? Engine.allocator() : Engine.blas());
            } catch (dev.jtune.JTuneException e) {
                System.out.println(e.getMessage().replace('\n', ' '));
                System.exit(2);
            }
        }
    }
}
