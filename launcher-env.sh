# Sourced by ./jtune and jtune-bench/bench.sh: picks the native allocator (jtune_malloc_env) and the instruction-set
# cap (jtune_isa_env) for the JVM before it starts.
#
# JTUNE_MALLOC=auto (default): preload jemalloc when libjemalloc.so.2 is installed (Debian: apt-get install
#   libjemalloc2), else run on glibc malloc, which dev.jtune.torch.Engine tunes from inside the JVM.
# JTUNE_MALLOC=jemalloc: the same, but exit 2 when jemalloc is not found. JTUNE_JEMALLOC=/path/libjemalloc.so.2
#   names the library. JTUNE_MALLOC=glibc or default: no preload (default also leaves glibc's settings alone).
#
# Why jemalloc: libtorch frees and re-allocates tens of MB of activations every step. glibc reuses that memory
# (once tuned) but fragments: over 2,000 MiniLM steps its resident memory moved in a 63-78 MB band; jemalloc keeps
# size classes apart and stayed flat to 0.8 MB, with bf16 steps about 8% faster (jtune-bench/RESULTS.md).
# MALLOC_CONF (kept if you set it): one arena (libtorch's OpenMP workers and the training thread share it, as with
# glibc) and no decay, so freed pages are reused, not returned and faulted in again every step (jemalloc's default
# decay made steps 60% slower here).
jtune_malloc_env() {
    local choice="${JTUNE_MALLOC:-auto}"
    choice="${choice,,}"
    [[ "$choice" == auto || "$choice" == jemalloc ]] || return 0
    local lib="${JTUNE_JEMALLOC:-}" c
    if [[ -z "$lib" ]]; then
        for c in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2 \
                 /usr/local/lib/libjemalloc.so.2; do
            if [[ -f "$c" ]]; then lib="$c"; break; fi
        done
    fi
    if [[ -z "$lib" || ! -f "$lib" ]]; then
        if [[ "$choice" == jemalloc ]]; then
            echo "error: JTUNE_MALLOC is 'jemalloc' but libjemalloc.so.2 was not found${JTUNE_JEMALLOC:+ at $JTUNE_JEMALLOC}" >&2
            echo "  rule: jemalloc must be installed to be preloaded" >&2
            echo "  fix: apt-get install libjemalloc2, set JTUNE_JEMALLOC=/path/to/libjemalloc.so.2, or use JTUNE_MALLOC=auto" >&2
            exit 2
        fi
        return 0
    fi
    export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
    # recorded so that processes jtune starts (the bench's PyTorch reference) can run without it
    export JTUNE_PRELOADED="$lib"
    if [[ -z "${MALLOC_CONF:-}" ]]; then
        export MALLOC_CONF="narenas:1,dirty_decay_ms:-1,muzzy_decay_ms:-1" JTUNE_SET_MALLOC_CONF=1
    fi
}

# JTUNE_CPU_ISA=avx2: run as on a CPU with AVX2 and nothing newer (AMD Zen 3, Intel before Skylake-SP), on any newer
#   x86 CPU, to measure the AVX2 code paths. The caps of libtorch (ATEN_CPU_CAPABILITY), MKL (MKL_ENABLE_INSTRUCTIONS)
#   and oneDNN (ONEDNN_MAX_CPU_ISA) are read when their libraries load, so they are set here, before the JVM starts;
#   jtune itself (dev.jtune.torch.Engine.isaCap) then hides AVX-512, AMX and AVX-VNNI from its own decisions (bf16,
#   the engine probe's cache key, the bench reference's OpenBLAS core, which the reference inherits with the caps).
#   JTUNE_CPU_ISA=native or unset: the CPU's own instruction sets.
jtune_isa_env() {
    local isa="${JTUNE_CPU_ISA:-native}"
    case "${isa,,}" in
        native|"") return 0 ;;
        avx2)
            export ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2
            ;;
        *)
            echo "error: JTUNE_CPU_ISA is '$isa'" >&2
            echo "  rule: the instruction-set cap is 'native' (the CPU's own, the default) or 'avx2' (run as on an AVX2-only CPU)" >&2
            echo "  fix: set JTUNE_CPU_ISA=avx2, JTUNE_CPU_ISA=native, or unset it" >&2
            exit 2
            ;;
    esac
}
