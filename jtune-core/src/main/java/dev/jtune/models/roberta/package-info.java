/**
 * RoBERTa ({@code model_type} "roberta") and XLM-RoBERTa ("xlm-roberta"): one module tree, two configs and two head
 * classes, as in transformers, where XLM-RoBERTa's modeling file is RoBERTa's with the names changed.
 *
 * <p>Reading order: {@link dev.jtune.models.roberta.RobertaConfig} (BERT's fields, {@code pad_token_id} 1) and
 * {@link dev.jtune.models.roberta.XLMRobertaConfig}; {@link dev.jtune.models.roberta.RobertaEmbeddings} (the one
 * block that differs from BERT: position ids counted from {@code pad_token_id + 1} over non-padding tokens);
 * {@link dev.jtune.models.roberta.RobertaModel} (those embeddings + BERT's encoder, which transformers reuses as
 * {@code RobertaLayer(BertLayer)}, no pooler); {@link dev.jtune.models.roberta.RobertaClassificationHead}
 * (dense → tanh → out_proj on {@code <s>}); {@link dev.jtune.models.roberta.RobertaForSequenceClassification} and
 * {@link dev.jtune.models.roberta.XLMRobertaForSequenceClassification}.
 */
package dev.jtune.models.roberta;
