/**
 * Training data: CSV / TSV / JSONL readers ({@link dev.jtune.data.DatasetReader}), label typing by the whole column
 * ({@link dev.jtune.data.LabelTyping}), label maps, and the {@link dev.jtune.data.Dataset} of examples;
 * token-classification data (CoNLL columns, tokens/ner_tags JSONL) through {@link dev.jtune.data.TokenTagReader}. Files are
 * streamed with two budgets ({@link dev.jtune.data.ReadOptions#rowLimit()}, {@link dev.jtune.data.ReadOptions#fileLimit()}),
 * so neither a huge file nor one without newlines is ever held in memory.
 */
package dev.jtune.data;
