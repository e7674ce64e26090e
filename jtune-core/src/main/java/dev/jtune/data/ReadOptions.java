package dev.jtune.data;

import dev.jtune.JTuneException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How {@link DatasetReader} reads a file; every field is optional ({@link #defaults()} guesses like HF scripts).
 *
 * @param format         the file format; null = from the extension
 * @param textColumn     the text column; null = first of {@code sentence}, {@code text}, {@code sentence1}
 * @param textPairColumn the second text column; null = {@code sentence2} when present
 * @param labelColumn    the label column; null = first of {@code label}, {@code labels}, {@code score} (none = unlabeled)
 * @param idColumn       the id column; null = {@code id} or {@code idx} when present
 * @param label2id       class names to ids (e.g. the train set's or the model's); null = sorted names
 * @param labelSeparator splits a text cell into several label names (multi-label); null = none
 * @param problemType    forces the label interpretation (HF {@code problem_type}); null = inferred from the column
 * @param skipBadRows    skip and report bad rows instead of failing on the first one
 * @param delimiter      the CSV field separator (CLI --delimiter); null = ',' (TSV always splits on TAB)
 * @param maxRowBytes    the longest line (row) read, in bytes; 0 = {@link #DEFAULT_MAX_ROW_BYTES}
 * @param maxFileBytes   the largest file read, in bytes; 0 = {@link #defaultMaxFileBytes()}
 */
public record ReadOptions(DataFormat format, String textColumn, String textPairColumn, String labelColumn,
                          String idColumn, Map<String, Integer> label2id, String labelSeparator,
                          LabelKind problemType, boolean skipBadRows, Character delimiter, long maxRowBytes,
                          long maxFileBytes) {

    /** 1 MiB: about 200,000 words, far beyond what any max_length keeps (512 tokens are a few KB). */
    public static final long DEFAULT_MAX_ROW_BYTES = 1L << 20;

    /**
     * A quarter of the Java heap (512 MiB under ./jtune's default -Xmx2g): the rows, their fields and the tokenized
     * features of a file all live on the heap, about three times the file's size.
     */
    public static long defaultMaxFileBytes() { return Runtime.getRuntime().maxMemory() / 4; }

    /** The row limit in force. */
    public long rowLimit() { return maxRowBytes > 0 ? maxRowBytes : DEFAULT_MAX_ROW_BYTES; }

    /** The file limit in force. */
    public long fileLimit() { return maxFileBytes > 0 ? maxFileBytes : defaultMaxFileBytes(); }

    public ReadOptions {
        if (label2id != null) label2id = Map.copyOf(new LinkedHashMap<>(label2id));
        if (labelSeparator != null && labelSeparator.isEmpty()) labelSeparator = null;
        if (problemType == LabelKind.NONE) problemType = null;
        if (delimiter != null && (delimiter == '"' || delimiter == '\n' || delimiter == '\r')) {
            throw new JTuneException("--delimiter " + (delimiter == '"' ? "'\"'" : "a line break"),
                    "the CSV delimiter is one character other than a quote or a line break", "pass e.g. --delimiter ';'");
        }
        if (maxRowBytes < 0 || maxFileBytes < 0) {
            throw new JTuneException("a negative data size limit (--max-row-bytes " + maxRowBytes + ", --max-file-bytes " + maxFileBytes + ")",
                    "size limits are positive numbers of bytes (0 = the default)", "pass a positive number of bytes");
        }
    }

    /** The CSV field separator: {@link #delimiter()} or ','. */
    public char csvDelimiter() { return delimiter == null ? ',' : delimiter; }

    public static ReadOptions defaults() { return builder().build(); }

    public static Builder builder() { return new Builder(); }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.format = format; b.textColumn = textColumn; b.textPairColumn = textPairColumn; b.labelColumn = labelColumn;
        b.idColumn = idColumn; b.label2id = label2id; b.labelSeparator = labelSeparator; b.problemType = problemType;
        b.skipBadRows = skipBadRows; b.delimiter = delimiter; b.maxRowBytes = maxRowBytes; b.maxFileBytes = maxFileBytes;
        return b;
    }

    /** Builder for {@link ReadOptions}. */
    public static final class Builder {
        private DataFormat format;
        private String textColumn, textPairColumn, labelColumn, idColumn, labelSeparator;
        private Map<String, Integer> label2id;
        private LabelKind problemType;
        private boolean skipBadRows;
        private Character delimiter;
        private long maxRowBytes, maxFileBytes;

        /** The CSV field separator (null = ','). */
        public Builder delimiter(Character v) { delimiter = v; return this; }
        public Builder format(DataFormat v) { format = v; return this; }
        public Builder textColumn(String v) { textColumn = v; return this; }
        public Builder textPairColumn(String v) { textPairColumn = v; return this; }
        public Builder labelColumn(String v) { labelColumn = v; return this; }
        public Builder idColumn(String v) { idColumn = v; return this; }
        public Builder label2id(Map<String, Integer> v) { label2id = v; return this; }
        public Builder labelSeparator(String v) { labelSeparator = v; return this; }
        public Builder skipBadRows(boolean v) { skipBadRows = v; return this; }
        /** The longest row (line) in bytes; 0 = the default (1 MiB). */
        public Builder maxRowBytes(long v) { maxRowBytes = v; return this; }
        /** The largest data file in bytes; 0 = the default (a quarter of the Java heap). */
        public Builder maxFileBytes(long v) { maxFileBytes = v; return this; }

        /** The interpretation as an enum ({@link LabelKind#NONE} or null = inferred). */
        public Builder problemType(LabelKind v) { problemType = v; return this; }

        /** The interpretation as HF spells it: "regression", "single_label_classification", "multi_label_classification". */
        public Builder problemType(String v) {
            if (v == null) { problemType = null; return this; }
            LabelKind k = LabelKind.fromProblemType(v.trim());
            if (k == null) {
                throw new JTuneException("problem_type \"" + v + "\" (--problem-type)",
                        "problem_type is one of regression, single_label_classification, multi_label_classification",
                        "pass one of those three values, or leave it out to infer it from the label column");
            }
            problemType = k;
            return this;
        }

        public ReadOptions build() {
            return new ReadOptions(format, textColumn, textPairColumn, labelColumn, idColumn, label2id,
                    labelSeparator, problemType, skipBadRows, delimiter, maxRowBytes, maxFileBytes);
        }
    }
}
