package dev.jtune.models.roberta;

import dev.jtune.models.bert.BertEncoder;
import dev.jtune.models.bert.BertModel;
import dev.jtune.modeling.AttentionImplementation;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Mirrors transformers RobertaModel with {@code add_pooling_layer=False} (the form every RoBERTa head uses; the
 * pretraining checkpoints' {@code pooler.*} is dropped on load): {@link RobertaEmbeddings} then BERT's encoder, which
 * transformers reuses unchanged ({@code RobertaLayer(BertLayer)}, {@code RobertaSelfAttention(BertSelfAttention)}).
 */
public final class RobertaModel extends Module {
    final RobertaEmbeddings embeddings;
    final BertEncoder encoder;

    public RobertaModel(RobertaConfig config) {
        embeddings = register_module("embeddings", new RobertaEmbeddings(config));
        encoder = register_module("encoder", new BertEncoder(config));
    }

    /** inputIds (B, L) int64; attentionMask (B, L) 0/1 or null (all ones); tokenTypeIds (B, L) or null (zeros) -> (B, L, H). */
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        Tensor mask = attentionMask == null ? torch.ones_like(inputIds) : attentionMask;
        Tensor hidden = embeddings.forward(inputIds, tokenTypeIds); // (B, L, H)
        // training: the token-wise layers skip the padding (dev.jtune.modeling.Unpadded); eval keeps HF's layout
        return encoder.forward(hidden, BertModel.extendedAttentionMask(mask), is_training() ? dev.jtune.modeling.Unpadded.of(attentionMask) : null); // (B, L, H)
    }

    void setAttentionImplementation(AttentionImplementation impl) {
        encoder.setAttentionImplementation(impl);
    }
}
