package dev.jtune.trainer;

import dev.jtune.distributed.DistributedSampler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The micro-batches of each epoch: sequential, random (seeded by data seed and epoch, so a resumed run sees the
 * same order), or length-grouped as HF's {@code LengthGroupedSampler} (random mega-batches of 50 batches, each
 * sorted by length, longest batch first). Under data-parallel training each rank takes its shard of that order
 * ({@link DistributedSampler}: HF's {@code DistributedLengthGroupedSampler} shards the length-grouped order the same way).
 */
public final class Sampler {
    private final TrainSamplingStrategy strategy;
    private final int batchSize;
    private final boolean dropLast;
    private final long seed;
    private final int[] lengths;
    private final int rank;
    private final int worldSize;

    public Sampler(TrainSamplingStrategy strategy, int batchSize, boolean dropLast, long seed, int[] lengths) {
        this(strategy, batchSize, dropLast, seed, lengths, 0, 1);
    }

    /**
     * The sampler of rank {@code rank} of {@code worldSize}: the same global order on every rank, sharded as PyTorch's
     * {@code DistributedSampler} does ({@link DistributedSampler}); then batched per device.
     */
    public Sampler(TrainSamplingStrategy strategy, int batchSize, boolean dropLast, long seed, int[] lengths, int rank, int worldSize) {
        this.strategy = strategy;
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.seed = seed;
        this.lengths = lengths;
        this.rank = rank;
        this.worldSize = worldSize;
    }

    /** Number of micro-batches per epoch (on each rank). */
    public int batchesPerEpoch() {
        int n = DistributedSampler.numSamples(lengths.length, worldSize);
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The row indices of every micro-batch of {@code epoch} (0-based), in order. */
    public List<int[]> batches(int epoch) {
        int[] order = switch (strategy) {
            case SEQUENTIAL -> identity(lengths.length);
            case RANDOM -> permutation(lengths.length, new SplittableRandom(seed * 1_000_003L + epoch));
            case GROUP_BY_LENGTH -> lengthGrouped(new SplittableRandom(seed * 1_000_003L + epoch));
        };
        order = DistributedSampler.shard(order, rank, worldSize);
        int n = order.length;
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i += batchSize) {
            int j = Math.min(n, i + batchSize);
            if (dropLast && j - i < batchSize) break;
            out.add(Arrays.copyOfRange(order, i, j));
        }
        return out;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    private static int[] permutation(int n, SplittableRandom r) {
        int[] a = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
        return a;
    }

    private int[] lengthGrouped(SplittableRandom r) {
        int n = lengths.length;
        int[] perm = permutation(n, r);
        int mega = batchSize * 50;
        List<Integer> out = new ArrayList<>(n);
        List<List<Integer>> megas = new ArrayList<>();
        for (int i = 0; i < n; i += mega) {
            List<Integer> m = new ArrayList<>();
            for (int k = i; k < Math.min(n, i + mega); k++) m.add(perm[k]);
            m.sort((a, b) -> Integer.compare(lengths[b], lengths[a])); // longest first within the mega-batch
            megas.add(m);
        }
        // HF puts the batch with the overall longest example first, so a too-large batch fails at once
        int bestMega = 0;
        int bestLen = -1;
        for (int i = 0; i < megas.size(); i++) {
            int l = lengths[megas.get(i).get(0)];
            if (l > bestLen) { bestLen = l; bestMega = i; }
        }
        if (bestMega != 0) {
            List<Integer> t = megas.get(0);
            int tmp = t.get(0);
            t.set(0, megas.get(bestMega).get(0));
            megas.get(bestMega).set(0, tmp);
        }
        megas.forEach(out::addAll);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
