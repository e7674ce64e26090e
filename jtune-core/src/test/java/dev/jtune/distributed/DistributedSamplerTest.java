package dev.jtune.distributed;

import dev.jtune.JTuneException;
import dev.jtune.trainer.Sampler;
import dev.jtune.trainer.TrainSamplingStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PyTorch's DistributedSampler rule, the rank samplers against the one-process sampler, and torchrun's variables. */
class DistributedSamplerTest {
    @Test
    void padsByRepetitionAndStridesLikePyTorch() {
        // torch: indices = [5,3,0,4,1,2,6]; n=7, W=3 -> num_samples 3, total 9, padded + [5,3]; rank r takes [r::3]
        int[] order = {5, 3, 0, 4, 1, 2, 6};
        assertEquals(3, DistributedSampler.numSamples(7, 3));
        assertArrayEquals(new int[] {5, 4, 6}, DistributedSampler.shard(order, 0, 3));
        assertArrayEquals(new int[] {3, 1, 5}, DistributedSampler.shard(order, 1, 3));
        assertArrayEquals(new int[] {0, 2, 3}, DistributedSampler.shard(order, 2, 3));
        // padding longer than the data repeats it again (n=2, W=5: [a,b,a,b,a])
        assertArrayEquals(new int[] {9}, DistributedSampler.shard(new int[] {9, 8}, 4, 5));
        assertArrayEquals(new int[] {8}, DistributedSampler.shard(new int[] {9, 8}, 3, 5));
        assertArrayEquals(order, DistributedSampler.shard(order, 0, 1));
    }

    @Test
    void evalShardsAreSequentialPaddedAndTruncateBackToTheDataset() {
        // torch DistributedSampler(shuffle=False), n=7, W=2: indices [0..6] + [0] (padding to 8); rank 1 takes [1,3,5,0]
        assertEquals(8, DistributedSampler.paddedSize(7, 2));
        assertArrayEquals(new int[] {0, 2, 4, 6}, DistributedSampler.evalPositions(7, 0, 2));
        assertArrayEquals(new int[] {1, 3, 5, 7}, DistributedSampler.evalPositions(7, 1, 2));
        assertArrayEquals(new int[] {1, 3, 5, 0}, Arrays.stream(DistributedSampler.evalPositions(7, 1, 2)).map(p -> DistributedSampler.evalRow(p, 7)).toArray());
        // the padding duplicate (position 7 = row 0 again) is dropped: HF nested_truncate to the dataset length
        assertArrayEquals(new int[] {0, 2, 4, 6}, DistributedSampler.evalRealRows(7, 0, 2));
        assertArrayEquals(new int[] {1, 3, 5}, DistributedSampler.evalRealRows(7, 1, 2));
        // n=2, W=5: indices [0,1,0,1,0]; ranks 2..4 hold only duplicates
        assertEquals(5, DistributedSampler.paddedSize(2, 5));
        assertEquals(0, DistributedSampler.evalRow(DistributedSampler.evalPositions(2, 4, 5)[0], 2));
        assertEquals(1, DistributedSampler.evalRow(DistributedSampler.evalPositions(2, 3, 5)[0], 2));
        assertArrayEquals(new int[] {1}, DistributedSampler.evalRealRows(2, 1, 5));
        assertArrayEquals(new int[] {}, DistributedSampler.evalRealRows(2, 4, 5));
        assertEquals(0, DistributedSampler.paddedSize(0, 3));
        // the same as the training shard of the identity order; the real rows of all ranks are 0..n-1, each once
        for (int n : new int[] {1, 5, 7, 8, 13}) {
            for (int w : new int[] {1, 2, 3, 4, 9}) {
                int[] identity = java.util.stream.IntStream.range(0, n).toArray();
                int[] seen = new int[n];
                for (int r = 0; r < w; r++) {
                    final int nn = n;
                    assertArrayEquals(DistributedSampler.shard(identity, r, w),
                            Arrays.stream(DistributedSampler.evalPositions(n, r, w)).map(p -> DistributedSampler.evalRow(p, nn)).toArray(), "n=" + n + " W=" + w);
                    for (int i : DistributedSampler.evalRealRows(n, r, w)) seen[i]++;
                    assertEquals(DistributedSampler.numSamples(n, w), DistributedSampler.evalPositions(n, r, w).length);
                }
                int[] once = new int[n];
                Arrays.fill(once, 1);
                assertArrayEquals(once, seen, "n=" + n + " W=" + w);
            }
        }
    }

    @Test
    void batchKOfEveryRankTogetherIsBatchKOfOneProcessWithTheWholeBatch() {
        int[] lengths = new int[24];
        Arrays.fill(lengths, 10);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<int[]> one = new Sampler(TrainSamplingStrategy.RANDOM, 8, false, 42, lengths).batches(epoch);
            List<int[]> r0 = new Sampler(TrainSamplingStrategy.RANDOM, 4, false, 42, lengths, 0, 2).batches(epoch);
            List<int[]> r1 = new Sampler(TrainSamplingStrategy.RANDOM, 4, false, 42, lengths, 1, 2).batches(epoch);
            assertEquals(3, one.size());
            assertEquals(3, r0.size());
            for (int k = 0; k < 3; k++) {
                List<Integer> together = new ArrayList<>();
                for (int i : r0.get(k)) together.add(i);
                for (int i : r1.get(k)) together.add(i);
                together.sort(null);
                int[] whole = one.get(k).clone();
                Arrays.sort(whole);
                assertArrayEquals(whole, together.stream().mapToInt(Integer::intValue).toArray(), "epoch " + epoch + " batch " + k);
            }
        }
        assertEquals(3, new Sampler(TrainSamplingStrategy.RANDOM, 4, false, 42, lengths, 1, 2).batchesPerEpoch());
    }

    @Test
    void torchrunVariablesFlagsWinAndBadValuesAreNamed() {
        Map<String, String> env = Map.of("MASTER_ADDR", "10.0.0.1", "MASTER_PORT", "29500", "WORLD_SIZE", "4", "RANK", "3", "LOCAL_RANK", "1");
        DistributedConfig c = DistributedConfig.resolve(env, null, null, null, null, null, 1800);
        assertEquals(new DistributedConfig("10.0.0.1", 29500, 4, 3, 1, 1800), c);
        assertEquals(2, DistributedConfig.resolve(env, null, null, null, 2, null, 60).rank());
        assertEquals(1, DistributedConfig.resolve(Map.of(), null, null, null, null, null, 60).worldSize());
        JTuneException e = assertThrows(JTuneException.class, () -> DistributedConfig.resolve(env, null, null, null, 4, null, 60));
        assertTrue(e.getMessage().contains("RANK (--rank) is 4 with WORLD_SIZE 4"), e.getMessage());
        e = assertThrows(JTuneException.class, () -> DistributedConfig.resolve(Map.of("WORLD_SIZE", "2", "RANK", "1"), null, null, null, null, null, 60));
        assertTrue(e.getMessage().contains("MASTER_ADDR"), e.getMessage());
        e = assertThrows(JTuneException.class, () -> DistributedConfig.resolve(Map.of("WORLD_SIZE", "two"), null, null, null, null, null, 60));
        assertTrue(e.getMessage().contains("WORLD_SIZE=two"), e.getMessage());
    }
}
