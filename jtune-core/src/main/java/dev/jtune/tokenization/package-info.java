/**
 * Tokenizers of every family through HF's Rust {@code tokenizers} ({@link dev.jtune.tokenization.AutoTokenizer} →
 * {@link dev.jtune.tokenization.BertTokenizerFast}); special tokens from the post-processor template
 * ({@link dev.jtune.tokenization.PostProcessorTemplate}), truncation in Java, padding in
 * {@link dev.jtune.tokenization.DataCollatorWithPadding}; token character offsets
 * ({@link dev.jtune.tokenization.OffsetEncoding}) and word-tag alignment ({@link dev.jtune.tokenization.WordAlignment}).
 */
package dev.jtune.tokenization;
