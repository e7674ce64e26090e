package dev.jtune.bench;

import dev.jtune.modeling.AttentionImplementation;

/**
 * One benchmarked configuration: training steps through the library's loop ({@link LoopRunner}) or eval-mode
 * forwards ({@link PredictRunner}). {@code dynamic}: the rows are the SST-2 sentences as they are, padded per batch
 * to the longest (dynamic padding, {@code seq} = max_length); otherwise every row is exactly {@code seq} tokens.
 */
record Workload(String group, Shape shape, int batch, int seq, boolean dropout, boolean bf16, AttentionImplementation attention,
                boolean predict, int warmup, int steps, boolean dynamic) {

    Workload(String group, Shape shape, int batch, int seq, boolean dropout, boolean bf16, AttentionImplementation attention,
             boolean predict, int warmup, int steps) {
        this(group, shape, batch, seq, dropout, bf16, attention, predict, warmup, steps, false);
    }

    String label() {
        return shape.name() + " " + batch + "x" + (dynamic ? "sst2" : String.valueOf(seq)) + (predict ? " predict" : dropout ? " drop-on" : " drop-off")
                + (bf16 ? " bf16" : " fp32") + " " + attention.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Matmul FLOPs of one step with {@code tokensPerRow} tokens per row (padding included). */
    double flopsPerStep(double tokensPerRow) {
        double train = shape.trainFlops(batch, tokensPerRow);
        return predict ? train / 3 : train;
    }

    Workload withShape(Shape s, int b, int l, int w, int n) {
        return new Workload(group, s, b, l, dropout, bf16, attention, predict, w, n, dynamic);
    }
}
