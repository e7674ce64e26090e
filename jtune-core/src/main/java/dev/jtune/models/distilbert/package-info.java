/**
 * DistilBERT (HF {@code model_type} "distilbert"), mirroring transformers' {@code modeling_distilbert}: a BERT
 * encoder without token type embeddings or pooler, with its own names ({@code dim}, {@code n_heads},
 * {@code q_lin}, {@code sa_layer_norm}, {@code ffn.lin1}, ...) and a {@code pre_classifier} → ReLU →
 * {@code classifier} head on the first token.
 *
 * <p>Reading order: {@link dev.jtune.models.distilbert.DistilBertConfig} (fields and defaults),
 * {@link dev.jtune.models.distilbert.DistilBertEmbeddings} (word + position, optional sinusoidal table),
 * {@link dev.jtune.models.distilbert.DistilBertMultiHeadSelfAttention}, {@link dev.jtune.models.distilbert.DistilBertFFN},
 * {@link dev.jtune.models.distilbert.DistilBertTransformerBlock}, {@link dev.jtune.models.distilbert.DistilBertTransformer},
 * {@link dev.jtune.models.distilbert.DistilBertModel}, {@link dev.jtune.models.distilbert.DistilBertForSequenceClassification}.
 */
package dev.jtune.models.distilbert;
