/**
 * ModernBERT ({@code model_type} "modernbert"), mirroring transformers' {@code modeling_modernbert.py} on padded
 * inputs (HF's eager path; the flash-attention unpadded path is not needed on CPU). Reading order:
 * {@link dev.jtune.models.modernbert.ModernBertConfig} (both config.json styles: {@code layer_types} /
 * {@code rope_parameters}, or the older {@code global_attn_every_n_layers} / {@code global_rope_theta} /
 * {@code local_rope_theta}), {@link dev.jtune.models.modernbert.ModernBertEmbeddings} (token embeddings, norm,
 * dropout), {@link dev.jtune.models.modernbert.ModernBertRotaryEmbedding} (one RoPE base per layer type),
 * {@link dev.jtune.models.modernbert.ModernBertAttention} (Wqkv, rotary, masked attention, Wo),
 * {@link dev.jtune.models.modernbert.ModernBertMLP} (GLU), {@link dev.jtune.models.modernbert.ModernBertEncoderLayer}
 * (pre-norm residual blocks), {@link dev.jtune.models.modernbert.ModernBertModel} (masks per layer type, final norm),
 * {@link dev.jtune.models.modernbert.ModernBertPredictionHead} and
 * {@link dev.jtune.models.modernbert.ModernBertForSequenceClassification} (cls or mean pooling, head, classifier).
 * {@code LayerNorm} is {@code nn.LayerNorm} with HF's {@code bias} flag ({@code norm_bias}, off by default).
 */
package dev.jtune.models.modernbert;
