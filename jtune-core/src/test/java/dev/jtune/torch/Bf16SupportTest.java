package dev.jtune.torch;

import dev.jtune.JTuneException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Native bf16 is detected from the CPU flags, and bf16 autocast is refused where it would be emulated. */
class Bf16SupportTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("jtune.cpuinfo");
        System.clearProperty("jtune.cpu.isa");
    }

    private void cpu(String flags) throws IOException {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nvendor_id\t: X\nflags\t\t: " + flags + "\nbogomips\t: 1\n\nprocessor\t: 1\nflags\t\t: other\n");
        System.setProperty("jtune.cpuinfo", f.toString());
    }

    @Test
    void flagsDecideTheSupport() throws IOException {
        assertEquals(Engine.Bf16Support.AMX_BF16, Engine.bf16SupportOf(Set.of("avx512f", "avx512_bf16", "amx_bf16", "amx_tile")));
        assertEquals(Engine.Bf16Support.AVX512_BF16, Engine.bf16SupportOf(Set.of("avx512f", "avx512_bf16")));
        assertEquals(Engine.Bf16Support.NONE, Engine.bf16SupportOf(Set.of("avx2", "fma", "avx512f")));
        cpu("fpu sse2 avx avx2 fma");
        assertEquals(Engine.Bf16Support.NONE, Engine.bf16Support(), "only the first flags line counts");
        assertFalse(Engine.cpuSupportsAmxBf16());
    }

    @Test
    void bf16IsRefusedWithoutNativeSupportAndAllowedWithIt() throws IOException {
        cpu("fpu sse2 avx avx2 fma");
        JTuneException e = assertThrows(JTuneException.class, () -> Engine.requireNativeBf16("bf16=True (CLI --bf16)"));
        assertTrue(e.getMessage().contains("--bf16") && e.getMessage().contains("amx_bf16") && e.getMessage().contains("avx512_bf16")
                && e.getMessage().contains("AVX2 only"), e.getMessage());
        cpu("fpu avx2 avx512f avx512_bf16");
        assertDoesNotThrow(() -> Engine.requireNativeBf16("bf16"));
        cpu("fpu avx2 avx512f avx512_bf16 amx_bf16 amx_tile");
        assertDoesNotThrow(() -> Engine.requireNativeBf16("bf16"));
        assertTrue(Engine.cpuSupportsAmxBf16());
    }

    @Test
    void anAvx2CapHidesAvx512AndAmxAndRefusesBf16NamingTheCap() throws IOException {
        cpu("fpu avx avx2 fma avx512f avx512bw avx512_bf16 avx512_vnni amx_bf16 amx_tile amx_int8 avx_vnni");
        assertEquals(Engine.Bf16Support.AMX_BF16, Engine.bf16Support());
        System.setProperty("jtune.cpu.isa", "AVX2");
        assertEquals(Engine.IsaCap.AVX2, Engine.isaCap());
        assertEquals(Set.of("fpu", "avx", "avx2", "fma"), Engine.cpuFlags(), "AVX-512, AMX and AVX-VNNI are hidden, AVX2 and older kept");
        assertEquals(Engine.Bf16Support.NONE, Engine.bf16Support());
        JTuneException e = assertThrows(JTuneException.class, () -> Engine.requireNativeBf16("bf16=True (CLI --bf16)"));
        assertTrue(e.getMessage().contains("JTUNE_CPU_ISA=avx2") && e.getMessage().contains("--bf16")
                && e.getMessage().contains("unset JTUNE_CPU_ISA"), e.getMessage());
        System.setProperty("jtune.cpu.isa", "native");
        assertEquals(Engine.Bf16Support.AMX_BF16, Engine.bf16Support());
        assertTrue(Engine.cpuFlags().contains("avx512f"));
    }

    @Test
    void anUnknownCapIsBadInputNamingTheVariableAndTheChoices() {
        System.setProperty("jtune.cpu.isa", "avx512");
        JTuneException e = assertThrows(JTuneException.class, Engine::isaCap);
        assertTrue(e.getMessage().contains("JTUNE_CPU_ISA") && e.getMessage().contains("'avx512'") && e.getMessage().contains("'avx2'")
                && e.getMessage().contains("'native'"), e.getMessage());
    }
}
