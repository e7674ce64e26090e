/**
 * DeBERTa-v2 / v3 ({@code model_type} "deberta-v2"), mirroring transformers' {@code modeling_deberta_v2}: the
 * config ({@link dev.jtune.models.deberta_v2.DebertaV2Config}), the embeddings without absolute positions in v3
 * ({@link dev.jtune.models.deberta_v2.DebertaV2Embeddings}), the relative-position helpers
 * ({@link dev.jtune.models.deberta_v2.RelativePositions}: log buckets), the disentangled attention
 * ({@link dev.jtune.models.deberta_v2.DisentangledSelfAttention}: content-to-content + c2p + p2c) and the blocks
 * around it ({@code DebertaV2SelfOutput}, {@code DebertaV2Attention}, {@code DebertaV2Intermediate},
 * {@code DebertaV2Output}, {@code DebertaV2Layer}), the encoder with the shared relative table and the optional
 * {@link dev.jtune.models.deberta_v2.ConvLayer}, {@link dev.jtune.models.deberta_v2.DebertaV2Model}, and the
 * sequence head ({@link dev.jtune.models.deberta_v2.ContextPooler},
 * {@link dev.jtune.models.deberta_v2.DebertaV2ForSequenceClassification}).
 *
 * <p>Reading order: config, RelativePositions, DisentangledSelfAttention, encoder, model, head. Attention is eager
 * only (HF has no fused path for disentangled attention); token type ids are read, and embedded only when
 * {@code type_vocab_size > 0}.
 */
package dev.jtune.models.deberta_v2;
