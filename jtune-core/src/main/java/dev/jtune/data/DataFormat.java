package dev.jtune.data;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats {@link DatasetReader} reads. */
public enum DataFormat {
    /** Comma-separated, RFC 4180 quoting, first line is the header. */
    CSV,
    /** Tab-separated GLUE style: split on TAB, no quoting (quotes are literal), first line is the header. */
    TSV,
    /** One JSON object per line ("JSON lines"). */
    JSONL;

    /** The format implied by a file's extension ({@code .csv}, {@code .tsv}, {@code .jsonl}, {@code .json}), or null. */
    public static DataFormat fromFileName(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv")) return CSV;
        if (n.endsWith(".tsv")) return TSV;
        if (n.endsWith(".jsonl") || n.endsWith(".json")) return JSONL;
        return null;
    }

    /**
     * The format of text without a file name (standard input), from its first non-blank line: a JSON object is
     * JSONL, a line with a TAB is TSV, anything else CSV.
     */
    public static DataFormat sniff(String text) {
        for (String line : text.split("\n", 50)) {
            String l = line.strip();
            if (l.isEmpty() || l.equals("\uFEFF")) continue;
            if (l.startsWith("{") || l.startsWith("\uFEFF{")) return JSONL;
            return line.indexOf('\t') >= 0 ? TSV : CSV;
        }
        return CSV;
    }

    /** Parses a CLI/JSON spelling ({@code csv}, {@code tsv}, {@code jsonl} or {@code json}), or null if unknown. */
    public static DataFormat parse(String s) {
        if (s == null) return null;
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "csv": return CSV;
            case "tsv": return TSV;
            case "jsonl": case "json": case "ndjson": return JSONL;
            default: return null;
        }
    }
}
