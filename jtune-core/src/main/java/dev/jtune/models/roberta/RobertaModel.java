package dev.jtune.models.roberta;

import dev.jtune.modeling.Unpadded;
import dev.jtune.modeling.CheckpointLayout;
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
    /** RoBERTa and XLM-R: no token type ids (HF's tokenizers give none); the masked-LM {@code lm_head} and the pooler, which neither head has, are dropped. */
    public static final CheckpointLayout LAYOUT = CheckpointLayout.of("roberta", false).withOtherTaskPrefixes("lm_head.").withUnusedPrefixes("roberta.pooler.");

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
        Tensor extended = BertModel.extendedAttentionMask(mask); // (B, 1, 1, L)
        // training: the token-wise layers skip the padding (dev.jtune.modeling.Unpadded); eval keeps HF's layout
        Unpadded u = is_training() ? Unpadded.of(attentionMask) : null;
        return u == null ? encoder.forward(hidden, extended) : encoder.forwardPacked(hidden, extended, u.index()); // (B, L, H)
    }

    void setAttentionImplementation(AttentionImplementation impl) {
        encoder.setAttentionImplementation(impl);
    }
}
