/**
 * BERT (and MiniLM): reading order {@link dev.jtune.models.bert.BertConfig}, {@link dev.jtune.models.bert.BertEmbeddings},
 * {@link dev.jtune.models.bert.BertSelfAttention} … {@link dev.jtune.models.bert.BertLayer},
 * {@link dev.jtune.models.bert.BertEncoder}, {@link dev.jtune.models.bert.BertModel},
 * {@link dev.jtune.models.bert.BertForSequenceClassification}. RoBERTa and ELECTRA reuse the encoder, as HF does.
 * In inference (eval mode, no gradient) the sequence-classification head lets the encoder skip the padding
 * ({@link dev.jtune.models.bert.BertEncoder#forwardPacked}: real tokens only through every position-wise layer).
 */
package dev.jtune.models.bert;
