package dev.jtune.bench;

import dev.jtune.models.bert.BertConfig;

/** An encoder shape (layers × hidden, heads, intermediate) and the FLOP count of the PyTorch 1.13 reference figures in jtune-bench/RESULTS.md. */
record Shape(String name, int layers, int hidden, int heads, int intermediate, int vocab) {
    static final Shape MINILM = new Shape("MiniLM", 6, 384, 12, 1536, 30522);
    static final Shape BERT_BASE = new Shape("BERT-base", 12, 768, 12, 3072, 30522);
    /** Same op graph as MiniLM with negligible kernel work: its step time is the per-op dispatch floor. */
    static final Shape FLOOR_MINILM = new Shape("floor-6L", 6, 12, 12, 48, 30522);
    static final Shape FLOOR_BERT = new Shape("floor-12L", 12, 12, 12, 48, 30522);

    Shape floor() { return layers == 12 ? FLOOR_BERT : FLOOR_MINILM; }

    BertConfig config(boolean dropout) {
        BertConfig c = new BertConfig();
        c.vocabSize = vocab;
        c.hiddenSize = hidden;
        c.numHiddenLayers = layers;
        c.numAttentionHeads = heads;
        c.intermediateSize = intermediate;
        c.hiddenDropoutProb = dropout ? 0.1 : 0.0;
        c.attentionProbsDropoutProb = dropout ? 0.1 : 0.0;
        c.setNumLabels(2);
        return c;
    }

    /**
     * Training FLOPs per step (matrix multiplies only): 3 × [B·S·L·2(4H² + 2HI) + B·L·4S²H + B·2(H² + H·C)], C = 2.
     * Inference (one forward) is a third of it.
     */
    double trainFlops(double b, double s) {
        double h = hidden, i = intermediate, l = layers, c = 2;
        return 3.0 * (b * s * l * 2 * (4 * h * h + 2 * h * i) + b * l * 4.0 * s * s * h + b * 2 * (h * h + h * c));
    }
}
