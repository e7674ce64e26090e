package dev.jtune.models.bert;

import dev.jtune.torch.Nn;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.PreTrainedModel;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Mirrors transformers BertModel: embeddings, encoder and (optionally) the pooler. */
public final class BertModel extends PreTrainedModel {
    /** float32 min, HF's additive mask value ({@code torch.finfo(float32).min}). */
    static final double FLOAT32_MIN = -3.4028234663852886e38;

    final BertConfig config;
    final BertEmbeddings embeddings;
    final BertEncoder encoder;
    final BertPooler pooler;

    public BertModel(BertConfig config, boolean addPoolingLayer) {
        config.validate("BertModel config");
        this.config = config;
        embeddings = register_module("embeddings", new BertEmbeddings(config));
        encoder = register_module("encoder", new BertEncoder(config));
        pooler = addPoolingLayer ? register_module("pooler", new BertPooler(config)) : null;
    }

    public BertConfig config() { return config; }

    /** A bare encoder with HF initialisation (the constructor alone leaves weights uninitialised when nested). */
    public static BertModel create(BertConfig config, boolean addPoolingLayer) {
        BertModel m = new BertModel(config, addPoolingLayer);
        m.initWeights(config.initializerRange, config.padTokenId);
        return m;
    }

    /**
     * Loads a bare encoder (last_hidden_state) from an HF folder: keys with or without the {@code bert.} prefix, a
     * missing pooler initialised, task heads ignored.
     */
    public static BertModel fromPretrained(java.nio.file.Path dir, boolean addPoolingLayer) {
        BertConfig config = BertForSequenceClassification.loadConfig(dir, dev.jtune.modeling.FromPretrainedOptions.defaults());
        dev.jtune.modeling.io.LoadedWeights w = dev.jtune.modeling.io.WeightFiles.load(dir);
        dev.jtune.torch.Engine.manualSeed(42);
        BertModel m = create(config, addPoolingLayer);
        m.loadReport = m.loadStateDict(w.tensors(), w.files().toString(),
                new LoadOptions(false, config.initializerRange, config.padTokenId));
        return m;
    }

    private dev.jtune.modeling.LoadReport loadReport;

    /** What {@link #fromPretrained} did with the checkpoint's keys. */
    public dev.jtune.modeling.LoadReport loadReport() { return loadReport; }

    @Override
    public String basePrefix() { return ""; }

    @Override
    public String baseModelPrefix() { return "bert"; }

    @Override
    public String architecture() { return "BertModel"; }

    @Override
    public boolean isHeadKey(String key) { return key.startsWith("pooler."); }

    public boolean hasPooler() { return pooler != null; }

    /** The encoder's outputs: last hidden state (B, L, H) and pooled output (B, H) or null without a pooler. */
    public record Output(Tensor lastHiddenState, Tensor pooledOutput) {}

    /**
     * inputIds (B, L) int64; attentionMask (B, L) 0/1 or null (all ones); tokenTypeIds (B, L) or null (zeros).
     */
    public Output forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        if (tokenTypeIds == null) tokenTypeIds = torch.zeros_like(inputIds);
        Tensor mask = attentionMask == null ? torch.ones_like(inputIds) : attentionMask;
        Tensor extended = extendedAttentionMask(mask); // (B, 1, 1, L)
        Tensor hidden = embeddings.forward(inputIds, tokenTypeIds); // (B, L, H)
        // training: the token-wise layers skip the padding (dev.jtune.modeling.Unpadded); eval keeps HF's layout
        hidden = encoder.forward(hidden, extended, is_training() ? dev.jtune.modeling.Unpadded.of(attentionMask) : null); // (B, L, H)
        Tensor pooled = pooler != null ? pooler.forward(hidden) : null; // (B, H)
        return new Output(hidden, pooled);
    }

    /** (B, L) 0/1 -> (B, 1, 1, L) additive: {@code (1 - mask) * float32_min}. */
    public static Tensor extendedAttentionMask(Tensor mask) {
        Tensor m = mask.to(torch.ScalarType.Float).unsqueeze(1).unsqueeze(2); // (B, 1, 1, L)
        return m.mul(Nn.scalar(-1.0)).add(Nn.scalar(1.0)).mul(Nn.scalar(FLOAT32_MIN));
    }

    public void setAttentionImplementation(AttentionImplementation impl) {
        encoder.setAttentionImplementation(impl);
    }
}
