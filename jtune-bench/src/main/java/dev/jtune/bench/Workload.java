package dev.jtune.bench;

import dev.jtune.modeling.AttentionImplementation;

/** One benchmarked configuration: training steps (forward + backward + clip + AdamW) or eval-mode forwards. */
record Workload(String group, Shape shape, int batch, int seq, boolean dropout, boolean bf16, AttentionImplementation attention,
                boolean predict, int warmup, int steps) {

    String label() {
        return shape.name() + " " + batch + "x" + seq + (predict ? " predict" : dropout ? " drop-on" : " drop-off")
                + (bf16 ? " bf16" : " fp32") + " " + attention.name().toLowerCase(java.util.Locale.ROOT);
    }

    double flopsPerStep() {
        double train = shape.trainFlops(batch, seq);
        return predict ? train / 3 : train;
    }

    Workload withShape(Shape s, int b, int l, int w, int n) {
        return new Workload(group, s, b, l, dropout, bf16, attention, predict, w, n);
    }
}
