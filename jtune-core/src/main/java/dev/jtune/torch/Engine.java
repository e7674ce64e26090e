package dev.jtune.torch;

import org.bytedeco.pytorch.global.torch;

/**
 * One-time engine setup: keeps DJL offline, picks the fp32 BLAS, loads libtorch from the JavaCPP cache (never a
 * system libtorch), and sets the intra-op thread count deliberately (cores, or {@code jtune.threads} /
 * {@code JTUNE_THREADS}).
 *
 * <p>BLAS: libtorch's fp32 matrix multiplies go through the JavaCPP OpenBLAS preset, which can load Intel MKL
 * instead ({@code org.bytedeco.openblas.load=mkl_rt}). MKL made fp32 training 1.8-2.2× faster on this project's
 * machines (jtune-bench/RESULTS.md), so when {@code org.bytedeco:mkl} ({@code linux-x86_64-redist}) is on the
 * classpath, as it is in the CLI, jtune loads it. {@code -Djtune.blas} / {@code JTUNE_BLAS} = {@code mkl},
 * {@code openblas} or {@code auto} (default) overrides that. The choice must be made before the first libtorch class
 * loads: jtune's entry points ({@code AutoModel}, {@code AutoTokenizer}, {@code Trainer}, {@code Torch}) call
 * {@link #init()} first; code that touches {@code org.bytedeco.pytorch} classes directly should call it before.
 */
public final class Engine {
    private static volatile boolean initialised;
    private static volatile String blas = "unknown";
    private static volatile Allocator allocator = Allocator.GLIBC_DEFAULTS;

    private Engine() {}

    /** The values of {@code jtune.blas} / {@code JTUNE_BLAS}. */
    public enum BlasChoice { AUTO, MKL, OPENBLAS }

    /** The values of {@code jtune.malloc} / {@code JTUNE_MALLOC} (see {@link #mallocChoice()}). */
    public enum MallocChoice { AUTO, JEMALLOC, GLIBC, DEFAULT }

    /** The native allocator a run uses; {@link #toString()} is its label in logs. */
    public enum Allocator {
        JEMALLOC("jemalloc"), GLIBC_TUNED("glibc (tuned)"), GLIBC_DEFAULTS("glibc (defaults)");

        private final String label;

        Allocator(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    public static synchronized void init() {
        if (initialised) return;
        boolean alreadyLoaded = libtorchLoaded();
        configureNatives();
        MallocChoice mallocChoice = mallocChoice();
        boolean jemalloc = jemallocLoaded();
        allocator = jemalloc ? Allocator.JEMALLOC
                : mallocChoice != MallocChoice.DEFAULT && tuneMalloc() ? Allocator.GLIBC_TUNED : Allocator.GLIBC_DEFAULTS;
        // the load sample (below) spans loading libtorch, which takes longer than the sample needs: no extra wait
        CpuSample before = threadsGiven() ? null : CpuSample.now();
        long sampleStart = System.nanoTime();
        String capProblem = isaCapProblem();
        if (capProblem != null) System.getLogger(Engine.class.getName()).log(System.Logger.Level.WARNING, capProblem);
        org.bytedeco.javacpp.Loader.load(torch.class);
        blas = loadedBlas();
        if (alreadyLoaded && mklOnClasspath() && !"MKL".equals(blas) && blasChoice() != BlasChoice.OPENBLAS) {
            System.getLogger(Engine.class.getName()).log(System.Logger.Level.WARNING,
                    "libtorch was loaded before jtune's Engine.init(), so fp32 BLAS is " + blas + ", not MKL; "
                            + "call dev.jtune.torch.Engine.init() before using org.bytedeco.pytorch classes, "
                            + "or pass -Dorg.bytedeco.openblas.load=mkl_rt");
        }
        int threads = configuredThreads();
        if (!threadsGiven()) {
            // a machine already busy with another program: libtorch's and MKL's spinning workers then fight it for the
            // cores (measured on 2 cores beside one busy process: fp32 MiniLM 5.5 s/step with 2 threads, 3.3 s with 1)
            long waitMs = 150 - (System.nanoTime() - sampleStart) / 1_000_000;
            if (waitMs > 0) {
                try {
                    Thread.sleep(waitMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            double others = CpuSample.now().othersBusyCores(before);
            int fitted = threadsForLoad(threads, others);
            if (fitted < threads) {
                System.getLogger(Engine.class.getName()).log(System.Logger.Level.WARNING, "other programs keep "
                        + String.format(java.util.Locale.ROOT, "%.1f", others) + " of " + threads
                        + " cores busy: using " + fitted + " intra-op thread(s) (JTUNE_THREADS sets the count)");
                threads = fitted;
            }
        }
        torch.set_num_threads(threads);
        currentThreads = threads;
        loadSample = CpuSample.now();
        initialised = true;
    }

    /**
     * Sets the system properties that must precede the first native load (DJL offline, JavaCPP's own natives first,
     * the BLAS choice) without loading anything: cheap, idempotent, for a {@code main} to call first.
     */
    public static void configureNatives() {
        // without the lock once done: a thread loading the tokenizer beside Engine.init must not wait for libtorch
        if (nativesConfigured) return;
        synchronized (Engine.class) {
            if (nativesConfigured) return;
            configureNativesLocked();
            nativesConfigured = true;
        }
    }

    private static volatile boolean nativesConfigured;

    private static void configureNativesLocked() {
        // a bad JTUNE_MALLOC is reported here, at the entry point (JTune.main), not from a static initialiser
        if (mallocChoice() == MallocChoice.JEMALLOC && !jemallocLoaded()) {
            throw new dev.jtune.JTuneException("JTUNE_MALLOC / -Djtune.malloc is 'jemalloc' but this process does not run on jemalloc",
                    "jemalloc must be preloaded before the JVM starts; the jtune launcher does that when libjemalloc.so.2 is installed",
                    "install it (Debian: apt-get install libjemalloc2) and use ./jtune, start the JVM with "
                            + "LD_PRELOAD=/path/to/libjemalloc.so.2, or set JTUNE_MALLOC=auto");
        }
        System.setProperty("ai.djl.offline", "true");
        // Prefer the natives shipped in the JavaCPP jars over anything on the system library path.
        if (System.getProperty("org.bytedeco.javacpp.pathsFirst") == null) {
            System.setProperty("org.bytedeco.javacpp.pathsFirst", "false");
        }
        if (!libtorchLoaded()) chooseBlas();
    }

    /**
     * glibc malloc settings for libtorch's many large, short-lived CPU tensors (activations, masks, gradients of a few
     * to tens of MB each step): by default glibc serves each of them with a fresh mmap (or gives freed memory back
     * with trim), so every step pays page faults and the kernel zeroing those pages: 1.6 M faults and ~15% of a bf16
     * MiniLM step. Here: no mmap for allocations and no trimming (and no new arenas for threads started later), so
     * freed blocks are reused and resident memory stays at its high-water mark. Measured: MiniLM 32×128 bf16 with
     * dropout 0.87 → 0.77-0.80 s/step, fp32 1.48 → 1.32; over 2,000 bf16 steps RSS stayed within 0.4 MB for 1,500
     * steps, with one 63 MB rise of glibc's arena (fragmentation: bytes in use unchanged), which
     * {@link #releaseFreeMemory()} every 200 steps now gives back. Alternatives measured in
     * jtune-bench/RESULTS.md: {@code MALLOC_ARENA_MAX=1} at start (the JVM's own allocations then share the tensors'
     * arena and RSS crept up 60 MB in 900 steps) and a fixed 32 MB mmap threshold (5% slower, the same one-time
     * rise). Called through JNA ({@code mallopt}); off with {@code -Djtune.malloc=default} /
     * {@code JTUNE_MALLOC=default}, a no-op where libc has no mallopt, and skipped when the process runs on jemalloc
     * (the better choice where it is installed: flat RSS without trimming, see {@link #jemallocLoaded()}).
     *
     * @return whether the settings were applied
     */
    static boolean tuneMalloc() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return false;
        try {
            com.sun.jna.Function mallopt = com.sun.jna.NativeLibrary.getInstance("c").getFunction("mallopt");
            final int mTrimThreshold = -1, mMmapMax = -4, mArenaMax = -8;
            boolean ok = mallopt.invokeInt(new Object[] {mArenaMax, 1}) == 1; // no new arenas for later threads
            ok &= mallopt.invokeInt(new Object[] {mMmapMax, 0}) == 1;
            ok &= mallopt.invokeInt(new Object[] {mTrimThreshold, Integer.MAX_VALUE}) == 1;
            return ok;
        } catch (Throwable t) { // no glibc (musl), no JNA native: keep the defaults
            System.getLogger(Engine.class.getName()).log(System.Logger.Level.DEBUG, "malloc tuning skipped: " + t);
            return false;
        }
    }

    /** Optimizer steps between two {@link #releaseFreeMemory()} calls of the training loop. */
    public static final int RELEASE_EVERY_STEPS = 200;

    /**
     * Gives the free memory glibc keeps back to the OS ({@code malloc_trim(0)}: every free chunk's whole pages are
     * dropped with {@code madvise}, in every arena), so that holes left by fragmentation stop counting as resident.
     * Why: with {@link #tuneMalloc()}'s settings, freed blocks stay resident for reuse; when one step's large
     * tensors once no longer fit the holes between smaller blocks, glibc extends its heap and the old holes stay
     * resident: over 2,000 bf16 MiniLM steps RSS rose once by 63 MB while the bytes in use did not change. The
     * training loop calls this every {@link #RELEASE_EVERY_STEPS} optimizer steps and after each evaluation; the next
     * step faults its working set in again, about one step's page-fault cost (~0.1 s for MiniLM 32×128) per 200
     * steps. Off with {@code JTUNE_MALLOC=default}, like the tuning; a no-op where libc has no {@code malloc_trim}.
     *
     * @return whether memory was released
     */
    public static boolean releaseFreeMemory() {
        init();
        try {
            if (allocator == Allocator.JEMALLOC) { // all arenas (MALLCTL_ARENAS_ALL = 4096)
                return com.sun.jna.NativeLibrary.getProcess().getFunction("mallctl")
                        .invokeInt(new Object[] {"arena.4096.purge", null, null, null, 0L}) == 0;
            }
            if (allocator != Allocator.GLIBC_TUNED) return false;
            return com.sun.jna.NativeLibrary.getInstance("c").getFunction("malloc_trim").invokeInt(new Object[] {0L}) == 1;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * {@link #releaseFreeMemory()} when {@code step} is a positive multiple of {@link #RELEASE_EVERY_STEPS}, under
     * glibc malloc only: jemalloc keeps its size classes apart and its RSS stayed flat to 0.8 MB over 2,000 steps without it.
     */
    public static boolean releaseFreeMemoryAt(long step) {
        return step > 0 && step % RELEASE_EVERY_STEPS == 0 && allocator() != Allocator.JEMALLOC && releaseFreeMemory();
    }

    /**
     * Whether the process runs on jemalloc (the {@code jtune} launcher preloads it when {@code libjemalloc.so.2} is
     * installed; see {@code launcher-env.sh}): then glibc's malloc is not used and jtune leaves it alone.
     */
    static boolean jemallocLoaded() {
        try {
            com.sun.jna.NativeLibrary.getProcess().getFunction("mallctl");
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** The native allocator jtune runs on (after {@link #init()}). */
    public static Allocator allocator() {
        init();
        return allocator;
    }

    /** Whether {@link #tuneMalloc()} applied jtune's glibc malloc settings (after {@link #init()}). */
    public static boolean mallocTuned() {
        return allocator() == Allocator.GLIBC_TUNED;
    }

    /**
     * {@code -Djtune.malloc}, then {@code JTUNE_MALLOC}: {@code auto} (default: jemalloc when the launcher preloaded
     * it, else glibc tuned), {@code jemalloc} (required), {@code glibc} (glibc tuned, the launcher does not preload
     * jemalloc) or {@code default} (glibc as it comes).
     */
    public static MallocChoice mallocChoice() {
        return choice(MallocChoice.class, "jtune.malloc", "JTUNE_MALLOC", MallocChoice.AUTO, "auto, jemalloc, glibc or default");
    }

    /** {@code -Djtune.blas}, then {@code JTUNE_BLAS}: mkl, openblas or auto (default). */
    public static BlasChoice blasChoice() {
        return choice(BlasChoice.class, "jtune.blas", "JTUNE_BLAS", BlasChoice.AUTO, "mkl, openblas or auto");
    }

    /** An enum-valued engine setting (system property, then environment), case-insensitive; unset or blank = {@code dflt}. */
    private static <E extends Enum<E>> E choice(Class<E> type, String property, String env, E dflt, String allowed) {
        String v = setting(property, env);
        if (v == null || v.isBlank()) return dflt;
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new dev.jtune.JTuneException(env + " / -D" + property + " is '" + v + "'",
                    "it must be " + allowed, "unset it, or set it to one of those values");
        }
    }

    private static void chooseBlas() {
        if (System.getProperty("org.bytedeco.openblas.load") != null) return; // the user chose with JavaCPP's own flag
        BlasChoice c = blasChoice();
        if (c == BlasChoice.OPENBLAS) return;
        if (mklOnClasspath()) {
            System.setProperty("org.bytedeco.openblas.load", "mkl_rt");
        } else if (c == BlasChoice.MKL) {
            throw new dev.jtune.JTuneException("JTUNE_BLAS / -Djtune.blas is 'mkl' but Intel MKL is not on the classpath",
                    "MKL comes from the Maven artifact org.bytedeco:mkl:2025.2-1.5.12 with classifier linux-x86_64-redist",
                    "add that dependency (the jtune CLI ships it), or use JTUNE_BLAS=auto");
        }
    }

    /** Whether the MKL natives ({@code org.bytedeco:mkl}, classifier {@code linux-x86_64-redist}) are on the classpath. */
    public static boolean mklOnClasspath() {
        String platform = org.bytedeco.javacpp.Loader.getPlatform();
        ClassLoader cl = Engine.class.getClassLoader();
        return cl.getResource("org/bytedeco/mkl/" + platform + "/libmkl_rt.so.2") != null
                || cl.getResource("org/bytedeco/mkl/" + platform + "/libmkl_rt.so") != null;
    }

    /** One line for logs: the engine configuration a run uses (BLAS, threads, AMX, malloc). */
    public static String describe() {
        init();
        return "libtorch CPU, fp32 BLAS " + blas + ", " + torch.get_num_threads() + " intra-op threads, "
                + switch (bf16Support()) {
                    case AMX_BF16 -> "AMX bf16";
                    case AVX512_BF16 -> "AVX512_BF16 (no AMX)";
                    case NONE -> "no native bf16 (--bf16 refused)";
                } + (isaCap() == IsaCap.AVX2 ? ", instruction sets capped to AVX2 (JTUNE_CPU_ISA)" : "") + ", malloc " + allocator();
    }

    /** The fp32 BLAS libtorch uses: "MKL" or "OpenBLAS" (after {@link #init()}). */
    public static String blas() {
        init();
        return blas;
    }

    private static boolean libtorchLoaded() {
        for (String k : org.bytedeco.javacpp.Loader.getLoadedLibraries().keySet()) {
            if (k.contains("torch")) return true;
        }
        return false;
    }

    private static String loadedBlas() {
        for (var e : org.bytedeco.javacpp.Loader.getLoadedLibraries().entrySet()) {
            if (e.getKey().contains("mkl_rt") || String.valueOf(e.getValue()).contains("libmkl_rt")) return "MKL";
        }
        return "OpenBLAS";
    }

    /** An engine setting: the system property if set, else the environment variable, else null. */
    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }

    private static volatile int currentThreads;
    private static volatile CpuSample loadSample;

    /** Whether the thread count was given ({@code -Djtune.threads} / {@code JTUNE_THREADS}): then it is never changed. */
    static boolean threadsGiven() { return setting("jtune.threads", "JTUNE_THREADS") != null; }

    /**
     * The intra-op threads for {@code cores} cores of which other programs keep {@code othersBusy} busy: one per core
     * they leave free (a core counts as taken from half of its time on: a busy program sharing the cores with
     * jtune's threads gets only part of one), at least one.
     */
    static int threadsForLoad(int cores, double othersBusy) {
        int taken = (int) Math.floor(othersBusy + 0.5);
        return Math.max(1, Math.min(cores, cores - taken));
    }

    /**
     * Follows the load between two calls (the training loop calls it every few dozen steps): when other programs
     * take cores, the intra-op threads step down to the cores left; when they are gone, back up to the configured
     * count. Says so once per change; never changes a count given by {@code JTUNE_THREADS}.
     */
    public static synchronized void adaptThreadsToLoad() {
        if (!initialised || threadsGiven() || loadSample == null) return;
        CpuSample now = CpuSample.now();
        double others = now.othersBusyCores(loadSample);
        loadSample = now;
        if (Double.isNaN(others)) return;
        int want = threadsForLoad(configuredThreads(), others);
        if (want != currentThreads) {
            System.getLogger(Engine.class.getName()).log(System.Logger.Level.WARNING, String.format(java.util.Locale.ROOT,
                    "other programs keep %.1f cores busy: intra-op threads %d -> %d", others, currentThreads, want));
            torch.set_num_threads(want);
            currentThreads = want;
        }
    }

    /** The intra-op threads in use now. */
    public static int currentThreads() { return currentThreads; }

    /** Cumulative CPU ticks of the machine ({@code /proc/stat}) and of this process ({@code /proc/self/stat}). */
    record CpuSample(long total, long busy, long self, int cores) {
        static CpuSample now() {
            try {
                String cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0);
                String[] f = cpu.trim().split("\\s+");
                long total = 0, idle = 0;
                for (int i = 1; i < f.length && i <= 8; i++) total += Long.parseLong(f[i]);
                idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0); // idle + iowait
                String st = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
                String[] g = st.substring(st.lastIndexOf(')') + 2).trim().split("\\s+");
                long self = Long.parseLong(g[11]) + Long.parseLong(g[12]); // utime + stime (fields 14, 15)
                return new CpuSample(total, total - idle, self, Runtime.getRuntime().availableProcessors());
            } catch (java.io.IOException | RuntimeException e) {
                return new CpuSample(-1, -1, -1, Runtime.getRuntime().availableProcessors());
            }
        }

        /** Cores other processes kept busy since {@code before} (NaN when unknown). */
        double othersBusyCores(CpuSample before) {
            if (total < 0 || before.total < 0 || total <= before.total) return Double.NaN;
            double busyTicks = (busy - before.busy) - (self - before.self);
            // /proc/stat sums every core's ticks; a core-second is `cores` times fewer of the total
            return Math.max(0, busyTicks) / (double) (total - before.total) * cores;
        }
    }

    /** Intra-op threads: {@code -Djtune.threads}, then {@code JTUNE_THREADS}, else the number of cores. */
    public static int configuredThreads() {
        String v = setting("jtune.threads", "JTUNE_THREADS");
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

    /** Native bf16 arithmetic of the CPU, best first. */
    public enum Bf16Support {
        /** AMX tiles with bf16 (Intel Sapphire Rapids and later): bf16 autocast several times faster than fp32. */
        AMX_BF16,
        /** AVX512_BF16 dot products (Intel Cooper Lake, AMD Zen 4): native bf16, without AMX's matrix units. */
        AVX512_BF16,
        /** Neither: bf16 is emulated in software (e.g. AMD Zen 3, AVX2 only) and slower than fp32. */
        NONE
    }

    private static volatile Bf16Support bf16Support;

    /**
     * The CPU's native bf16 support, from the {@code flags} line of {@code /proc/cpuinfo} ({@code -Djtune.cpuinfo=FILE}
     * reads another file, for tests; it is read afresh each call when set).
     */
    public static Bf16Support bf16Support() {
        if (System.getProperty("jtune.cpuinfo") != null || System.getProperty("jtune.cpu.isa") != null) return bf16SupportOf(cpuFlags(cpuinfoFile()));
        if (bf16Support == null) bf16Support = bf16SupportOf(cpuFlags(cpuinfoFile()));
        return bf16Support;
    }

    /** {@code /proc/cpuinfo}, or the file {@code -Djtune.cpuinfo=FILE} names (tests: another CPU's flags). */
    public static java.nio.file.Path cpuinfoFile() {
        return java.nio.file.Path.of(System.getProperty("jtune.cpuinfo", "/proc/cpuinfo"));
    }

    /** The support the given CPU flags imply. */
    static Bf16Support bf16SupportOf(java.util.Set<String> flags) {
        if (flags.contains("amx_bf16")) return Bf16Support.AMX_BF16;
        if (flags.contains("avx512_bf16")) return Bf16Support.AVX512_BF16;
        return Bf16Support.NONE;
    }

    /**
     * This CPU's flags from {@code /proc/cpuinfo} ({@code -Djtune.cpuinfo=FILE} reads another file, for tests), e.g.
     * {@code avx2}, {@code avx512f}, {@code amx_bf16}; empty when unreadable.
     */
    public static java.util.Set<String> cpuFlags() {
        return java.util.Collections.unmodifiableSet(cpuFlags(cpuinfoFile()));
    }

    /**
     * The flags of the first {@code flags} line (empty when the file cannot be read), less those an instruction-set cap
     * ({@link #isaCap()}) hides.
     */
    static java.util.Set<String> cpuFlags(java.nio.file.Path cpuinfo) {
        java.util.Set<String> flags = new java.util.HashSet<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags")) {
                    int colon = line.indexOf(':');
                    flags.addAll(java.util.Arrays.asList(line.substring(colon + 1).trim().split("\\s+")));
                    break;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // unreadable: no flags known
        }
        if (isaCap() == IsaCap.AVX2) flags.removeIf(IsaCap::beyondAvx2);
        return flags;
    }

    /** The CPU's {@code model name} from {@code /proc/cpuinfo} ({@code -Djtune.cpuinfo=FILE}), or "unknown CPU". */
    public static String cpuModel() {
        try {
            for (String line : java.nio.file.Files.readAllLines(cpuinfoFile())) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // unreadable: unknown
        }
        return "unknown CPU";
    }

    /**
     * An instruction-set cap: {@code JTUNE_CPU_ISA=avx2} (or {@code -Djtune.cpu.isa=avx2}) runs jtune as on a CPU with
     * AVX2 and nothing newer (AMD Zen 3, Intel Haswell to Comet Lake), on any newer x86 CPU. {@code ./jtune} then starts
     * the JVM with libtorch's, MKL's and oneDNN's own caps ({@code ATEN_CPU_CAPABILITY=avx2},
     * {@code MKL_ENABLE_INSTRUCTIONS=AVX2}, {@code ONEDNN_MAX_CPU_ISA=AVX2}), and jtune's own decisions (native bf16, the
     * engine probe's cache key, the bench reference's OpenBLAS core) see the CPU flags without AVX-512, AMX and
     * AVX-VNNI. Used to measure the AVX2 code paths on an AVX-512 machine; the kernels are the AVX2 ones, the silicon
     * (caches, memory, clocks) stays this machine's.
     */
    public enum IsaCap {
        /** no cap: the CPU's own instruction sets (default; {@code JTUNE_CPU_ISA=native}) */
        NATIVE,
        /** AVX2 and older only */
        AVX2;

        /** The flags an AVX2 cap hides: AVX-512 (all subsets), AMX, and the VEX-encoded VNNI/IFMA extensions. */
        static boolean beyondAvx2(String flag) {
            return flag.startsWith("avx512") || flag.startsWith("amx") || flag.startsWith("avx_vnni") || flag.equals("avx_ifma")
                    || flag.equals("avx_ne_convert");
        }
    }

    /**
     * The cap {@code -Djtune.cpu.isa} or {@code JTUNE_CPU_ISA} sets ({@code native} or {@code avx2}, any case; unset
     * or blank is native).
     *
     * @throws dev.jtune.JTuneException for any other value (exit 2 in the CLI; {@code ./jtune} checks it first)
     */
    public static IsaCap isaCap() {
        String v = setting("jtune.cpu.isa", "JTUNE_CPU_ISA");
        if (v == null || v.isBlank()) return IsaCap.NATIVE;
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "native" -> IsaCap.NATIVE;
            case "avx2" -> IsaCap.AVX2;
            default -> throw new dev.jtune.JTuneException("JTUNE_CPU_ISA (-Djtune.cpu.isa) is '" + v + "'",
                    "the instruction-set cap is 'native' (the CPU's own, the default) or 'avx2' (run as on an AVX2-only CPU)",
                    "set JTUNE_CPU_ISA=avx2, JTUNE_CPU_ISA=native, or unset it");
        };
    }

    /**
     * With {@code JTUNE_CPU_ISA=avx2}, whether libtorch's kernels are capped too: the environment variables that
     * {@code ./jtune} sets must be there before the JVM starts (they are read when the native libraries load).
     */
    static String isaCapProblem() {
        if (isaCap() != IsaCap.AVX2) return null;
        java.util.List<String> missing = new java.util.ArrayList<>();
        if (!"avx2".equalsIgnoreCase(String.valueOf(System.getenv("ATEN_CPU_CAPABILITY")))) missing.add("ATEN_CPU_CAPABILITY=avx2");
        if (!"AVX2".equalsIgnoreCase(String.valueOf(System.getenv("MKL_ENABLE_INSTRUCTIONS")))) missing.add("MKL_ENABLE_INSTRUCTIONS=AVX2");
        if (!"AVX2".equalsIgnoreCase(String.valueOf(System.getenv("ONEDNN_MAX_CPU_ISA")))) missing.add("ONEDNN_MAX_CPU_ISA=AVX2");
        return missing.isEmpty() ? null : "JTUNE_CPU_ISA=avx2 hides AVX-512 and AMX from jtune's own decisions, but libtorch's kernels are not "
                + "capped: " + String.join(", ", missing) + " must be set before the JVM starts (./jtune sets them)";
    }

    /**
     * Whether this CPU has AMX with bf16 tiles (Linux {@code /proc/cpuinfo} flag {@code amx_bf16}): where bf16
     * autocast is several times faster than fp32. Without it, bf16 on CPU is slower or emulated.
     */
    public static boolean cpuSupportsAmxBf16() {
        return bf16Support() == Bf16Support.AMX_BF16;
    }

    /**
     * Refuses bf16 autocast on a CPU without native bf16 ({@code --bf16}, HF {@code bf16=True}): there it is emulated,
     * and measured on an AMD EPYC (Zen 3, AVX2 only) a bf16 MiniLM 32x128 training step did not finish in ten minutes
     * where fp32 took 3.9 s.
     */
    public static void requireNativeBf16(String what) {
        if (bf16Support() != Bf16Support.NONE) return;
        String rule = "bf16 autocast needs AMX (amx_bf16) or AVX512_BF16; elsewhere libtorch emulates bf16 and it is far slower than fp32 "
                + "(an AMD Zen 3 bf16 training step did not finish in 10 minutes; fp32 took 3.9 s)";
        if (isaCap() == IsaCap.AVX2) {
            throw new dev.jtune.JTuneException(what + " with JTUNE_CPU_ISA=avx2: the cap hides amx_bf16 and avx512_bf16 (jtune runs as on an AVX2-only CPU)",
                    rule, "drop --bf16 (HF bf16=False), or unset JTUNE_CPU_ISA to use this CPU's own instruction sets");
        }
        java.util.Set<String> flags = cpuFlags(cpuinfoFile());
        String simd = flags.contains("avx512f") ? "AVX-512 without AVX512_BF16" : flags.contains("avx2") ? "AVX2 only" : "no AVX2";
        throw new dev.jtune.JTuneException(what + " on a CPU without native bf16: /proc/cpuinfo has neither amx_bf16 nor avx512_bf16 ("
                + simd + ")", rule, "drop --bf16 (HF bf16=False): fp32 is the fast path on this CPU");
    }

    /** Seeds libtorch's global generator (init of new weights, dropout masks). */
    public static void manualSeed(long seed) {
        init();
        torch.manual_seed(seed);
    }
}
