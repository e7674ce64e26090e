/**
 * Training data: CSV / TSV / JSONL readers ({@link dev.jtune.data.DatasetReader}), label typing by the whole column
 * ({@link dev.jtune.data.LabelTyping}), label maps, and the {@link dev.jtune.data.Dataset} of examples;
 * token-classification data (CoNLL columns, tokens/ner_tags JSONL) through {@link dev.jtune.data.TokenTagReader}.
 */
package dev.jtune.data;
