package dev.jtune.bench;

import dev.jtune.torch.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference's OpenBLAS core follows the CPU's flags (fake /proc/cpuinfo files through -Djtune.cpuinfo). */
class ReferenceTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() { System.clearProperty("jtune.cpuinfo"); }

    private String coreFor(String flags) throws IOException {
        Path f = dir.resolve("cpuinfo-" + flags.hashCode());
        Files.writeString(f, "processor\t: 0\nvendor_id\t: test\nflags\t\t: " + flags + "\nbogomips\t: 4000\n\nprocessor\t: 1\nflags\t\t: " + flags + "\n");
        System.setProperty("jtune.cpuinfo", f.toString());
        return Reference.openblasCoreType(Engine.cpuFlags());
    }

    @Test
    void amdZen3WithAvx2OnlyGetsHaswellNotSkylakeX() throws IOException {
        // flags of an AMD EPYC 7B13 (Zen 3): AVX2 and FMA, no AVX-512; SkylakeX kernels die there with SIGILL
        assertEquals("Haswell", coreFor("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr sse sse2 ssse3 fma cx16 sse4_1 sse4_2 "
                + "movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy abm sse4a bmi1 avx2 smep bmi2 erms "
                + "invpcid rdseed adx clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 clzero xsaveerptr arat npt nrip_save vaes vpclmulqdq rdpid fsrm"));
    }

    @Test
    void intelWithAvx512AndAmxGetsSkylakeX() throws IOException {
        assertEquals("SkylakeX", coreFor("fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 avx512f avx512dq avx512cd avx512bw "
                + "avx512vl avx512_bf16 amx_bf16 amx_tile amx_int8"));
    }

    @Test
    void aCpuWithoutAvx2LeavesTheChoiceToOpenBlas() throws IOException {
        assertNull(coreFor("fpu sse sse2 ssse3 sse4_1 sse4_2 avx"));
    }

    @Test
    void anUnreadableCpuinfoHasNoFlagsAndNoForcedCore() {
        System.setProperty("jtune.cpuinfo", dir.resolve("missing").toString());
        assertTrue(Engine.cpuFlags().isEmpty());
        assertNull(Reference.openblasCoreType(Engine.cpuFlags()));
    }

    @Test
    void avx512ButNotAvx2IsStillSkylakeX() {
        // the rule reads avx512f first: every AVX-512 CPU has AVX2, but a trimmed flag list must not demote it
        assertEquals("SkylakeX", Reference.openblasCoreType(java.util.Set.of("avx512f")));
        assertFalse("SkylakeX".equals(Reference.openblasCoreType(java.util.Set.of("avx2", "fma"))));
    }

    @Test
    void theReferenceRunsWithoutTheLaunchersJemalloc() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("LD_PRELOAD", "/usr/lib/libjemalloc.so.2:/opt/other.so",
                "JTUNE_PRELOADED", "/usr/lib/libjemalloc.so.2", "MALLOC_CONF", "narenas:1", "JTUNE_SET_MALLOC_CONF", "1"));
        Reference.withoutLauncherAllocator(env);
        assertEquals("/opt/other.so", env.get("LD_PRELOAD"));
        assertFalse(env.containsKey("MALLOC_CONF"));
        assertFalse(env.containsKey("JTUNE_PRELOADED"));
    }
}
