package dev.jtune.models.bert;

import dev.jtune.modeling.Unpadded;
import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.torch.Nn;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.modeling.PreTrainedModel;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Mirrors transformers BertModel: embeddings, encoder and (optionally) the pooler. */
public final class BertModel extends PreTrainedModel {
    /** BERT: token type ids; the sequence head uses the pooler, the token head drops it; BertForPreTraining's {@code cls.*} is dropped (for every family). */
    public static final CheckpointLayout LAYOUT = CheckpointLayout.of("bert", true).withSequenceHeadPrefixes("bert.pooler.");

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
    public String baseModelPrefix() { return LAYOUT.baseModelPrefix(); }

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
        Tensor packed = packedIndex(mask);
        hidden = packed == null ? encoder.forward(hidden, extended)
                : encoder.forwardPacked(hidden, extended, packed, firstTokenRows(packed, mask)); // (B, L, H)
        Tensor pooled = pooler != null ? pooler.forward(hidden) : null; // (B, H)
        return new Output(hidden, pooled);
    }

    /**
     * The flat positions of the real tokens (T) when the encoder may skip the padding
     * ({@link BertEncoder#forwardPacked}), else null:
     * <ul>
     * <li>training: always ({@link Unpadded}; {@code JTUNE_UNPAD=0} turns it off), since a padded position reaches
     * neither a real token nor the loss;</li>
     * <li>inference (eval mode, no gradient): when the head reads no padded position ({@link #skipPaddingInInference});
     * {@code -Djtune.packedInference=false} turns it off (for comparison);</li>
     * <li>eval mode with gradients, or no padding: HF's padded layout.</li>
     * </ul>
     */
    Tensor packedIndex(Tensor mask) {
        if (is_training()) {
            Unpadded u = Unpadded.of(mask);
            return u == null ? null : u.index();
        }
        if (!skipPaddingInInference || org.bytedeco.pytorch.GradMode.is_enabled() || "false".equals(System.getProperty("jtune.packedInference"))) {
            return null;
        }
        Tensor index = mask.reshape(new long[] {-1}).nonzero().squeeze(1); // (T)
        return index.size(0) == mask.numel() && !firstTokenOnlyInInference ? null : index;
    }

    /**
     * With {@link #firstTokenOnlyInInference}: the rows of {@code index} that hold each row's first token (B), or
     * null when some row's first token is padding (then every token is computed).
     */
    private Tensor firstTokenRows(Tensor index, Tensor mask) {
        if (!firstTokenOnlyInInference || is_training() || "false".equals(System.getProperty("jtune.firstTokenInference"))) return null;
        long l = mask.size(1);
        Tensor first = index.remainder(Nn.scalar(l)).eq(Nn.scalar(0)).nonzero().squeeze(1); // (≤ B)
        return first.size(0) == mask.size(0) ? first : null;
    }

    private boolean firstTokenOnlyInInference;

    /**
     * In inference, also computes only each row's first token in the last layer ({@link BertEncoder#forwardPacked}
     * with first tokens): for heads that read the first token alone (BERT's pooler). The last hidden state then holds
     * the first tokens and zeros elsewhere. Implies {@link #skipPaddingInInference}.
     */
    public void firstTokenOnlyInInference(boolean on) {
        firstTokenOnlyInInference = on;
        if (on) skipPaddingInInference = true;
    }

    private boolean skipPaddingInInference;

    /**
     * Lets inference skip the padding ({@link BertEncoder#forwardPacked}): for heads that read only real tokens (the
     * sequence-classification head reads the first). The last hidden state then holds zeros at padded positions,
     * where HF has values computed from the pad embedding; token heads keep HF's values there (their logits at
     * padded positions are part of HF's output), so they leave this off.
     */
    public void skipPaddingInInference(boolean on) { skipPaddingInInference = on; }

    /** (B, L) 0/1 -> (B, 1, 1, L) additive: {@code (1 - mask) * float32_min}. */
    public static Tensor extendedAttentionMask(Tensor mask) {
        Tensor m = mask.to(torch.ScalarType.Float).unsqueeze(1).unsqueeze(2); // (B, 1, 1, L)
        return m.mul(Nn.scalar(-1.0)).add(Nn.scalar(1.0)).mul(Nn.scalar(FLOAT32_MIN));
    }

    public void setAttentionImplementation(AttentionImplementation impl) {
        encoder.setAttentionImplementation(impl);
    }
}
