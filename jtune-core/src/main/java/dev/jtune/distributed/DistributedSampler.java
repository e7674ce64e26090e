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

    /**
     * Evaluation sharding, PyTorch's {@code DistributedSampler(shuffle=False)}: the sequential order {@code 0..n-1}
     * padded by repetition to {@code numSamples(n, W) * W} positions; rank {@code r} takes positions
     * {@code r, r+W, ...}. Returns those positions; position {@code p} holds dataset row {@link #evalRow}{@code (p, n)}.
     */
    public static int[] evalPositions(int n, int rank, int worldSize) {
        int perRank = numSamples(n, worldSize);
        int[] out = new int[perRank];
        for (int i = 0; i < perRank; i++) out[i] = rank + i * worldSize;
        return out;
    }

    /** Padded size of the gathered evaluation: {@code numSamples(n, W) * W} (HF gathers this many rows before truncating). */
    public static int paddedSize(int n, int worldSize) { return numSamples(n, worldSize) * worldSize; }

    /** The dataset row at position {@code p} of the padded sequential order (the padding repeats the start). */
    public static int evalRow(int position, int n) { return position % n; }

    /**
     * This rank's evaluation rows without the padding duplicates: its positions below {@code n} (in the sequential
     * order a position below {@code n} is its own row). Over the ranks they are {@code 0..n-1}, each once: gathering
     * every rank's rows into the padded order and truncating it to {@code n} (HF {@code nested_truncate}) gives the
     * dataset in its order.
     */
    public static int[] evalRealRows(int n, int rank, int worldSize) {
        return java.util.Arrays.stream(evalPositions(n, rank, worldSize)).filter(p -> p < n).toArray();
    }
}
