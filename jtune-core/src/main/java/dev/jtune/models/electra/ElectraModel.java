package dev.jtune.models.electra;

import dev.jtune.modeling.Unpadded;
import dev.jtune.modeling.CheckpointLayout;
import dev.jtune.modeling.AttentionImplementation;
import dev.jtune.models.bert.BertEncoder;
import dev.jtune.models.bert.BertModel;
import dev.jtune.torch.Nn;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers ElectraModel: {@code embeddings} (embedding_size wide), {@code embeddings_project}
 * (Linear embedding_size → hidden_size, present only when the two differ), {@code encoder}; no pooler. HF's
 * ElectraEncoder is BERT's encoder copied, so the encoder is {@link BertEncoder} built from
 * ElectraConfig (a BertConfig).
 */
public final class ElectraModel extends Module {
    /** ELECTRA: ElectraForPreTraining's and ElectraForMaskedLM's heads are dropped. */
    public static final CheckpointLayout LAYOUT = CheckpointLayout.of("electra", true).withOtherTaskPrefixes("discriminator_predictions.", "generator_predictions.", "generator_lm_head.");

    final ElectraConfig config;
    final ElectraEmbeddings embeddings;
    final LinearImpl embeddingsProject;
    final BertEncoder encoder;

    public ElectraModel(ElectraConfig config) {
        config.validate("ElectraModel config");
        this.config = config;
        embeddings = register_module("embeddings", new ElectraEmbeddings(config));
        embeddingsProject = config.projectsEmbeddings()
                ? register_module("embeddings_project", Nn.linear(config.embeddingSize, config.hiddenSize)) : null;
        encoder = register_module("encoder", new BertEncoder(config));
    }

    /**
     * inputIds (B, L) int64; attentionMask (B, L) 0/1 or null (all ones); tokenTypeIds (B, L) or null (zeros)
     * -> last hidden state (B, L, H).
     */
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        if (tokenTypeIds == null) tokenTypeIds = torch.zeros_like(inputIds);
        Tensor mask = attentionMask == null ? torch.ones_like(inputIds) : attentionMask;
        Tensor extended = BertModel.extendedAttentionMask(mask); // (B, 1, 1, L)
        Tensor hidden = embeddings.forward(inputIds, tokenTypeIds); // (B, L, E)
        if (embeddingsProject != null) hidden = embeddingsProject.forward(hidden); // (B, L, H)
        // training: the token-wise layers skip the padding (dev.jtune.modeling.Unpadded); eval keeps HF's layout
        Unpadded u = is_training() ? Unpadded.of(attentionMask) : null;
        return u == null ? encoder.forward(hidden, extended) : encoder.forwardPacked(hidden, extended, u.index()); // (B, L, H)
    }

    void setAttentionImplementation(AttentionImplementation impl) {
        encoder.setAttentionImplementation(impl);
    }
}
