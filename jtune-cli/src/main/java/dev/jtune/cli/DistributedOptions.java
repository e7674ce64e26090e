package dev.jtune.cli;

import dev.jtune.JTuneException;
import dev.jtune.distributed.DistributedConfig;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * Data-parallel training, torchrun style: each process reads {@code MASTER_ADDR}, {@code MASTER_PORT},
 * {@code WORLD_SIZE}, {@code RANK}, {@code LOCAL_RANK} from the environment, or these flags (which win);
 * {@code --nproc-per-node N} starts N local ranks itself ({@link LocalLauncher}).
 */
public class DistributedOptions {
    @Option(names = {"--nproc-per-node", "--nproc_per_node"}, paramLabel = "N",
            description = "Start N training processes (ranks) on this machine, as torchrun does, and wait for them; "
                    + "each trains on its shard of the data with the per-device batch size, gradients are averaged over all ranks.")
    Integer nprocPerNode;

    @Option(names = {"--nnodes"}, paramLabel = "N", description = "With --nproc-per-node: machines in the job (torchrun --nnodes; default 1).")
    Integer nnodes;

    @Option(names = {"--node-rank", "--node_rank"}, paramLabel = "I",
            description = "With --nproc-per-node: this machine's index, 0 to nnodes-1 (torchrun --node-rank; default 0).")
    Integer nodeRank;

    @Option(names = {"--master-addr", "--master_addr"}, paramLabel = "HOST", description = "Host of rank 0, the rendezvous (env MASTER_ADDR).")
    String masterAddr;

    @Option(names = {"--master-port", "--master_port"}, paramLabel = "PORT", description = "Port of the rendezvous on rank 0's host (env MASTER_PORT).")
    Integer masterPort;

    @Option(names = {"--world-size", "--world_size"}, paramLabel = "N", description = "Ranks in the whole job (env WORLD_SIZE; default 1).")
    Integer worldSize;

    @Option(names = {"--rank"}, paramLabel = "R", description = "This process's rank, 0 to WORLD_SIZE-1 (env RANK).")
    Integer rank;

    @Option(names = {"--local-rank", "--local_rank"}, paramLabel = "R", description = "This process's index on its machine (env LOCAL_RANK).")
    Integer localRank;

    /** Whether this command is to start the local ranks itself. */
    boolean launches() { return nprocPerNode != null; }

    /** This process's place in the job: flags, then the environment. */
    DistributedConfig config(Map<String, String> env, int timeoutSeconds) {
        return DistributedConfig.resolve(env, masterAddr, masterPort, worldSize, rank, localRank, timeoutSeconds);
    }

    void checkLauncher() {
        if (nprocPerNode < 1) {
            throw new JTuneException("--nproc-per-node " + nprocPerNode, "it is the number of training processes to start on this machine, at least 1",
                    "pass --nproc-per-node 2 (or more)");
        }
        int n = nnodes == null ? 1 : nnodes, i = nodeRank == null ? 0 : nodeRank;
        if (n < 1 || i < 0 || i >= n) {
            throw new JTuneException("--nnodes " + n + " with --node-rank " + i, "node ranks are 0 to nnodes-1, one per machine",
                    "start rank 0's machine with --node-rank 0 and the others with 1.." + (n - 1));
        }
        if (worldSize != null || rank != null || localRank != null) {
            throw new JTuneException("--nproc-per-node with --world-size/--rank/--local-rank", "the launcher sets every rank's WORLD_SIZE, RANK and LOCAL_RANK itself",
                    "drop --world-size, --rank and --local-rank");
        }
    }
}
