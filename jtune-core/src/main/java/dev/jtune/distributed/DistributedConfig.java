package dev.jtune.distributed;

import dev.jtune.JTuneException;

import java.util.Map;

/**
 * Where this process stands in a data-parallel job, read the way {@code torchrun} passes it: {@code MASTER_ADDR},
 * {@code MASTER_PORT}, {@code WORLD_SIZE}, {@code RANK}, {@code LOCAL_RANK} (environment), each overridable by the
 * CLI flag of the same name ({@code --master-addr}, ...). A world size of 1 is a single process: nothing distributed
 * is created.
 *
 * @param masterAddr     host of rank 0, which serves the rendezvous store (c10d {@code TCPStore})
 * @param masterPort     its port
 * @param worldSize      number of processes (ranks) in the job
 * @param rank           this process's rank, 0 to worldSize-1; rank 0 writes checkpoints, the model and reports
 * @param localRank      its index among the ranks of its machine
 * @param timeoutSeconds how long a collective or the rendezvous waits for the other ranks (HF {@code ddp_timeout})
 */
public record DistributedConfig(String masterAddr, int masterPort, int worldSize, int rank, int localRank, int timeoutSeconds) {

    /** One process, no process group. */
    public static DistributedConfig single() { return new DistributedConfig("127.0.0.1", 0, 1, 0, 0, 1800); }

    public boolean isDistributed() { return worldSize > 1; }

    public boolean isMain() { return rank == 0; }

    /**
     * Flags (non-null values) beat the environment, which beats the single-process default. Checked: ranks in range,
     * a master address and port when the world size is above 1.
     */
    public static DistributedConfig resolve(Map<String, String> env, String masterAddr, Integer masterPort, Integer worldSize,
                                            Integer rank, Integer localRank, int timeoutSeconds) {
        int w = pick(worldSize, env, "WORLD_SIZE", "--world-size", 1);
        int r = pick(rank, env, "RANK", "--rank", 0);
        int lr = pick(localRank, env, "LOCAL_RANK", "--local-rank", r);
        String addr = masterAddr != null ? masterAddr : env.get("MASTER_ADDR");
        Integer port = masterPort != null ? masterPort : (env.get("MASTER_PORT") == null ? null : pick(null, env, "MASTER_PORT", "--master-port", 0));
        if (w < 1) throw bad("WORLD_SIZE (--world-size) is " + w, "the world size is the number of processes, at least 1", "pass --world-size N with N >= 1");
        if (r < 0 || r >= w) {
            throw bad("RANK (--rank) is " + r + " with WORLD_SIZE " + w, "a rank is 0 to WORLD_SIZE-1, one per process",
                    "start the processes with RANK 0.." + (w - 1) + ", or use jtune train --nproc-per-node N, which sets them");
        }
        if (w == 1) return new DistributedConfig(addr == null ? "127.0.0.1" : addr, port == null ? 0 : port, 1, 0, 0, timeoutSeconds);
        if (addr == null || addr.isBlank()) {
            throw bad("WORLD_SIZE is " + w + " but no MASTER_ADDR (--master-addr) is given", "every rank meets rank 0 at MASTER_ADDR:MASTER_PORT (torchrun's rendezvous)",
                    "set MASTER_ADDR to the host of rank 0 (127.0.0.1 on one machine), or use --nproc-per-node N");
        }
        if (port == null || port < 1 || port > 65535) {
            throw bad("WORLD_SIZE is " + w + " but MASTER_PORT (--master-port) is " + (port == null ? "not given" : port),
                    "rank 0 listens on MASTER_PORT, a TCP port 1..65535 free on its host", "set MASTER_PORT, e.g. 29500 (torchrun's default)");
        }
        return new DistributedConfig(addr, port, w, r, lr, timeoutSeconds);
    }

    private static int pick(Integer flag, Map<String, String> env, String name, String cliFlag, int def) {
        if (flag != null) return flag;
        String v = env.get(name);
        if (v == null || v.isBlank()) return def;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw bad(name + "=" + v + " is not an integer (CLI " + cliFlag + ")", name + " is set by torchrun-style launchers to a whole number",
                    "set " + name + " to a whole number or unset it");
        }
    }

    private static JTuneException bad(String what, String rule, String fix) { return new JTuneException(what, rule, fix); }

    /** "rank 1 of 2 (local rank 1), rendezvous at 127.0.0.1:29500". */
    public String describe() {
        return "rank " + rank + " of " + worldSize + " (local rank " + localRank + "), rendezvous at " + masterAddr + ":" + masterPort
                + ", timeout " + timeoutSeconds + " s";
    }
}
