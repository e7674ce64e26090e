package dev.jtune.cli;

import dev.jtune.data.DataFormat;
import dev.jtune.data.ReadOptions;
import picocli.CommandLine.Option;

/** Data column options shared by the commands that read data files (kebab-case flags with HF snake_case aliases). */
public class DataOptions {
    @Option(names = {"--text-column", "--text_column"}, paramLabel = "NAME",
            description = "Text column (default: sentence, text or sentence1).")
    String textColumn;

    @Option(names = {"--text-pair-column", "--text_pair_column"}, paramLabel = "NAME",
            description = "Second text column for sentence pairs (default: sentence2 when present).")
    String textPairColumn;

    @Option(names = {"--label-column", "--label_column"}, paramLabel = "NAME",
            description = "Label column (default: label, labels or score).")
    String labelColumn;

    @Option(names = {"--id-column", "--id_column"}, paramLabel = "NAME",
            description = "Id column copied to predictions (default: id or idx when present).")
    String idColumn;

    @Option(names = {"--label-separator", "--label_separator"}, paramLabel = "SEP",
            description = "Splits a label cell into several labels (multi-label CSV/TSV), e.g. ','.")
    String labelSeparator;

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv, tsv or jsonl (default: from the file extension).")
    String format;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "CSV field separator (default ','), e.g. ';' for many spreadsheet exports; 'tab' for TAB.")
    String delimiter;

    @Option(names = {"--tag-column", "--tag_column"}, paramLabel = "N",
            description = "Token classification: the 1-based column of the tag in a CoNLL file (default: the last column).")
    Integer tagColumn;

    @Option(names = {"--skip-bad-rows", "--skip_bad_rows"},
            description = "Skip and report bad rows instead of stopping at the first one.")
    boolean skipBadRows;

    @Option(names = {"--max-row-bytes", "--max_row_bytes"}, paramLabel = "BYTES",
            description = "Longest data row (line) read, in bytes (default 1048576 = 1 MiB).")
    long maxRowBytes;

    @Option(names = {"--max-file-bytes", "--max_file_bytes"}, paramLabel = "BYTES",
            description = "Largest data file read, in bytes (default: a quarter of the Java heap, 512 MiB under ./jtune's 2g; "
                    + "raise the heap with JTUNE_HEAP=8g).")
    long maxFileBytes;

    /** Read options with these columns set (label map and problem type left to the caller). */
    public ReadOptions.Builder readOptions() {
        return ReadOptions.builder()
                .format(format == null ? null : DataFormat.parse(format))
                .textColumn(textColumn).textPairColumn(textPairColumn).labelColumn(labelColumn).idColumn(idColumn)
                .labelSeparator(labelSeparator).skipBadRows(skipBadRows).delimiter(delimiter())
                .maxRowBytes(maxRowBytes).maxFileBytes(maxFileBytes);
    }

    private Character delimiter() {
        if (delimiter == null) return null;
        String d = delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t") ? "\t" : delimiter;
        if (d.length() != 1) {
            throw new dev.jtune.JTuneException("--delimiter \"" + delimiter + "\"", "the CSV delimiter is one character",
                    "pass e.g. --delimiter ';' or --delimiter tab");
        }
        return d.charAt(0);
    }
}
