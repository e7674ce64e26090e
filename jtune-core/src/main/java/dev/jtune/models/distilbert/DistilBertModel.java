package dev.jtune.models.distilbert;

import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Mirrors transformers {@code DistilBertModel}: {@code embeddings} and {@code transformer}; no pooler. */
public final class DistilBertModel extends Module {
    /** DistilBERT: no token type ids; DistilBertForMaskedLM's {@code vocab_*} and DistilBertForQuestionAnswering's {@code qa_outputs} are dropped; the sequence head adds {@code pre_classifier}. */
    public static final CheckpointLayout LAYOUT = CheckpointLayout.of("distilbert", false)
            .withOtherTaskPrefixes("vocab_transform.", "vocab_layer_norm.", "vocab_projector.", "qa_outputs.").withSequenceHeadPrefixes("pre_classifier.");

    /** float32 min, HF's additive mask value ({@code torch.finfo(float32).min}). */
    static final double FLOAT32_MIN = -3.4028234663852886e38;

    final DistilBertConfig config;
    final DistilBertEmbeddings embeddings;
    final DistilBertTransformer transformer;

    public DistilBertModel(DistilBertConfig config) {
        config.validate("DistilBertModel config");
        this.config = config;
        embeddings = register_module("embeddings", new DistilBertEmbeddings(config));
        transformer = register_module("transformer", new DistilBertTransformer(config));
    }

    public DistilBertConfig config() { return config; }

    /** inputIds (B, L) int64; attentionMask (B, L) 0/1 or null (all ones) -> last hidden state (B, L, dim). */
    public Tensor forward(Tensor inputIds, Tensor attentionMask) {
        Tensor mask = attentionMask == null ? torch.ones_like(inputIds) : attentionMask;
        Tensor extended = extendedAttentionMask(mask); // (B, 1, 1, L)
        Tensor hidden = embeddings.forward(inputIds); // (B, L, dim)
        return transformer.forward(hidden, extended); // (B, L, dim)
    }

    /** (B, L) 0/1 -> (B, 1, 1, L) additive: {@code (1 - mask) * float32_min}, HF's eager mask. */
    static Tensor extendedAttentionMask(Tensor mask) {
        Tensor m = mask.to(torch.ScalarType.Float).unsqueeze(1).unsqueeze(2); // (B, 1, 1, L)
        return m.mul(Nn.scalar(-1.0)).add(Nn.scalar(1.0)).mul(Nn.scalar(FLOAT32_MIN));
    }

    void setAttentionImplementation(AttentionImplementation impl) {
        transformer.setAttentionImplementation(impl);
    }
}
