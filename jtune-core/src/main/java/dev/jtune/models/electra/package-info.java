/**
 * ELECTRA (HF {@code model_type} "electra"): the discriminator encoder with a sequence-classification head, as
 * transformers' {@code modeling_electra} defines it.
 *
 * <p>Reading order: {@link dev.jtune.models.electra.ElectraConfig} (BERT's fields plus {@code embedding_size}),
 * {@link dev.jtune.models.electra.ElectraEmbeddings} (BERT's embeddings at {@code embedding_size}),
 * {@link dev.jtune.models.electra.ElectraModel} (embeddings, the {@code embeddings_project} Linear when
 * {@code embedding_size != hidden_size}, then BERT's encoder, which HF copies unchanged; no pooler),
 * {@link dev.jtune.models.electra.ElectraClassificationHead} (first token, dense, GELU, out_proj) and
 * {@link dev.jtune.models.electra.ElectraForSequenceClassification}. Token type ids are used; attention has
 * BERT's eager and fused (SDPA) paths.
 */
package dev.jtune.models.electra;
