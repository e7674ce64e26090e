package dev.jtune.distributed;

/**
 * PyTorch's {@code DistributedSampler} with {@code drop_last=False}: the global order (the same on every rank: same
 * seed and epoch) is padded by repeating its start to a multiple of the world size, and rank {@code r} takes
 * positions {@code r, r+W, r+2W, ...}. Every rank gets {@code ceil(n / W)} indices, so all ranks run the same number
 * of batches; the union of batch {@code k} over the ranks is batch {@code k} of one process with a W-times larger
 * batch, taken from the same order.
 */
public final class DistributedSampler {
    private DistributedSampler() {}

    /** Indices per rank: {@code ceil(n / worldSize)} (PyTorch {@code num_samples}). */
    public static int numSamples(int n, int worldSize) { return (n + worldSize - 1) / worldSize; }

    /** This rank's part of {@code order}, padded by repetition as PyTorch does. */
    public static int[] shard(int[] order, int rank, int worldSize) {
        if (worldSize == 1) return order;
        int perRank = numSamples(order.length, worldSize);
        int total = perRank * worldSize;
        int[] out = new int[perRank];
        for (int i = 0; i < perRank; i++) {
            int pos = rank + i * worldSize;            // position in the padded order
            out[i] = order[pos % order.length];        // indices += indices[:padding] (repeated when padding > n)
        }
        assert total >= order.length;
        return out;
    }
}
