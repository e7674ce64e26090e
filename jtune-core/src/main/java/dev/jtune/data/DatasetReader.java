package dev.jtune.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtune.JTuneException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CSV, TSV or JSONL file into a {@link Dataset}, with HF's column guesses and label typing decided over the
 * whole label column (HF decides from the first example).
 *
 * <p>Every problem with the input is a {@link JTuneException} naming the file, line, column and value; with
 * {@link ReadOptions#skipBadRows()} row-level problems are skipped and reported in {@link Dataset#skipped()} instead.
 */
public final class DatasetReader {
    static final List<String> TEXT_GUESSES = List.of("sentence", "text", "sentence1");
    static final List<String> LABEL_GUESSES = List.of("label", "labels", "score");
    static final List<String> ID_GUESSES = List.of("id", "idx");
    private static final ObjectMapper JSON = dev.jtune.io.Json.builder().build()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private DatasetReader() {}

    /** Reads {@code file} with default options (format from the extension, HF column guesses, labels inferred). */
    public static Dataset read(Path file) { return read(file, ReadOptions.defaults()); }

    /** Reads {@code file}; see {@link ReadOptions} for the choices and their defaults. */
    public static Dataset read(Path file, ReadOptions opts) {
        return new Reading(file, opts).run();
    }

    /** A row problem: skipped under skipBadRows, else a JTuneException naming file and line. */
    static final class RowError extends Exception {
        final String rule, fix;
        RowError(String what, String rule, String fix) { super(what, null, false, false); this.rule = rule; this.fix = fix; }
    }

    /** One row after column extraction, before label typing. */
    private record Row(long line, String id, String text, String pair, LabelValue label) {}

    /** The state of one read. */
    private static final class Reading implements LabelTyping.RowSink {
        final Path file;
        final ReadOptions opts;
        final List<SkippedRow> skipped = new ArrayList<>();

        Reading(Path file, ReadOptions opts) { this.file = file; this.opts = opts; }

        Dataset run() {
            DataFormat format = opts.format() != null ? opts.format() : DataFormat.fromFileName(file);
            if (format == null) {
                throw new JTuneException("data file " + file + ": cannot tell its format from the extension",
                        "the format comes from .csv, .tsv, .jsonl or .json, or from --format",
                        "rename the file or pass --format csv|tsv|jsonl");
            }
            checkReadable();
            List<String> lines = TextLines.read(file, opts.rowLimit(), opts.fileLimit());
            if (lines.stream().allMatch(l -> l != null && l.isBlank())) {
                throw new JTuneException("data file " + file + " is empty", "a data file has a header and at least one row",
                        "check the path; for " + format + " put the column names on line 1");
            }
            List<String> columns;
            List<Map<String, Object>> cells = new ArrayList<>();
            List<Long> lineNos = new ArrayList<>();
            if (format == DataFormat.JSONL) {
                columns = readJsonl(lines, cells, lineNos);
            } else {
                columns = readDelimited(format, lines, cells, lineNos);
            }
            Set<String> have = new LinkedHashSet<>(columns);
            String textCol = column(have, columns, opts.textColumn(), TEXT_GUESSES, "text", "--text-column", true);
            String pairCol = opts.textPairColumn() != null
                    ? column(have, columns, opts.textPairColumn(), List.of(), "text pair", "--text-pair-column", true)
                    : (have.contains("sentence2") && !textCol.equals("sentence2") ? "sentence2" : null);
            String labelCol = column(have, columns, opts.labelColumn(), LABEL_GUESSES, "label", "--label-column", false);
            String idCol = column(have, columns, opts.idColumn(), ID_GUESSES, "id", "--id-column", false);

            List<Row> rows = new ArrayList<>();
            for (int r = 0; r < cells.size(); r++) {
                long line = lineNos.get(r);
                try {
                    rows.add(extract(line, cells.get(r), textCol, pairCol, labelCol, idCol));
                } catch (RowError e) {
                    reject(line, e);
                }
            }
            LabelTyping.Result typed = new LabelTyping(file, labelCol, opts, this).type(rows.stream()
                    .map(x -> new LabelTyping.Item(x.line(), x.label())).toList());
            List<Example> examples = new ArrayList<>();
            for (Row row : rows) {
                if (typed.rejected().contains(row.line())) continue;
                examples.add(typed.example(row.line(), row.id(), row.text(), row.pair()));
            }
            if (examples.isEmpty()) {
                throw new JTuneException("data file " + file + " has no usable rows"
                        + (skipped.isEmpty() ? "" : " (" + skipped.size() + " skipped, first: line "
                        + skipped.get(0).line() + ": " + skipped.get(0).reason() + ")"),
                        "a data file has a header and at least one row", "check the file contents");
            }
            skipped.sort((a, b) -> Long.compare(a.line(), b.line()));
            return new Dataset(file, columns, textCol, pairCol, labelCol, typed.kind(), typed.labelMap(), examples, skipped);
        }

        @Override
        public void reject(long line, RowError e) {
            if (opts.skipBadRows()) {
                skipped.add(new SkippedRow(line, e.getMessage()));
            } else {
                throw new JTuneException(file + " line " + line + ": " + e.getMessage(), e.rule,
                        e.fix + (e.fix.isEmpty() ? "" : "; or ") + "pass --skip-bad-rows to skip such rows");
            }
        }

        private void checkReadable() {
            if (!Files.exists(file)) {
                throw new JTuneException("data file " + file.toAbsolutePath() + " does not exist",
                        "the data file must exist and be readable", "check the path (relative paths start at " 
                        + Path.of("").toAbsolutePath() + ")");
            }
            if (Files.isDirectory(file)) {
                throw new JTuneException("data file " + file + " is a directory", "a data file is a CSV, TSV or JSONL file",
                        "pass the file inside it");
            }
        }

        private List<String> readDelimited(DataFormat format, List<String> lines, List<Map<String, Object>> cells, List<Long> lineNos) {
            char delim = opts.csvDelimiter();
            List<CsvParser.Record> recs = format == DataFormat.CSV ? CsvParser.csv(lines, delim) : CsvParser.tsv(lines);
            CsvParser.Record header = recs.get(0);
            if (format == DataFormat.CSV && header.problem() == null && header.fields().size() == 1) {
                String h = header.fields().get(0);
                for (char other : new char[] {';', '\t', '|', ','}) {
                    if (other != delim && h.indexOf(other) >= 0) {
                        String shown = other == '\t' ? "TAB" : "'" + other + "'";
                        throw new JTuneException(file + " line " + header.line() + " (header) is one column \"" + h
                                + "\": the file looks separated by " + shown + ", not '" + delim + "'",
                                "CSV fields are separated by the delimiter (default ','; CLI --delimiter)",
                                other == '\t' ? "pass --format tsv (or name the file .tsv)" : "pass --delimiter " + shown);
                    }
                }
            }
            if (header.problem() != null) {
                throw new JTuneException(file + " line " + header.line() + " (header): " + header.problem(),
                        "the header line must be valid " + (header.problem().startsWith("invalid UTF-8") ? "UTF-8" : format.toString()),
                        header.problem().startsWith("invalid UTF-8") ? "re-save the file as UTF-8" : "fix the header line");
            }
            List<String> columns = new ArrayList<>();
            for (String c : header.fields()) columns.add(c.strip());
            checkUniqueColumns(columns);
            for (int r = 1; r < recs.size(); r++) {
                CsvParser.Record rec = recs.get(r);
                try {
                    if (rec.problem() != null) {
                        boolean utf = rec.problem().startsWith("invalid UTF-8");
                        throw new RowError(rec.problem(), utf ? "data files are UTF-8" : "CSV quoting follows RFC 4180",
                                utf ? "re-save the file as UTF-8" : "fix the quoting of the row");
                    }
                    if (rec.fields().size() != columns.size()) {
                        throw new RowError("has " + rec.fields().size() + " fields but the header has " + columns.size()
                                + " " + columns, "every row has as many fields as the header",
                                format == DataFormat.TSV ? "remove stray TAB characters or add the missing fields"
                                        : "quote fields that contain '" + delim + "' (\"a" + delim + " b\"), add the missing fields, "
                                        + "or pass --delimiter if the file is separated by another character");
                    }
                    Map<String, Object> m = new java.util.HashMap<>();
                    for (int k = 0; k < columns.size(); k++) m.put(columns.get(k), rec.fields().get(k));
                    cells.add(m);
                    lineNos.add(rec.line());
                } catch (RowError e) {
                    reject(rec.line(), e);
                }
            }
            return columns;
        }

        private List<String> readJsonl(List<String> lines, List<Map<String, Object>> cells, List<Long> lineNos) {
            Set<String> columns = new LinkedHashSet<>();
            for (String l : lines) {
                if (l != null && !l.isBlank()) {
                    if (l.strip().startsWith("[")) {
                        throw new JTuneException(file + " line 1 starts a JSON array",
                                "JSONL has one JSON object per line, not one array",
                                "convert it with: jq -c '.[]' " + file.getFileName() + " > data.jsonl");
                    }
                    break;
                }
            }
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                long line = i + 1;
                try {
                    if (l == null) throw new RowError("invalid UTF-8 bytes", "data files are UTF-8", "re-save the file as UTF-8");
                    if (l.isBlank()) continue;
                    JsonNode node;
                    try {
                        node = JSON.readTree(l);
                    } catch (JsonProcessingException e) {
                        throw new RowError("malformed JSON: " + dev.jtune.io.Json.describe(e),
                                "each line is one complete JSON object", "fix the JSON on this line");
                    }
                    if (node == null || !node.isObject()) {
                        throw new RowError("is JSON " + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase())
                                + ", not an object", "each line is one JSON object {\"text\": ..., \"label\": ...}",
                                "wrap the values in an object with named fields");
                    }
                    Map<String, Object> m = new java.util.HashMap<>();
                    node.fields().forEachRemaining(e -> { m.put(e.getKey(), e.getValue()); columns.add(e.getKey()); });
                    cells.add(m);
                    lineNos.add(line);
                } catch (RowError e) {
                    reject(line, e);
                }
            }
            return new ArrayList<>(columns);
        }

        private void checkUniqueColumns(List<String> columns) {
            Set<String> seen = new HashSet<>();
            for (String c : columns) {
                if (!seen.add(c)) {
                    throw new JTuneException(file + " line 1 (header): column \"" + c + "\" appears twice in " + columns,
                            "column names are unique", "rename one of the columns");
                }
            }
        }

        /** The named column (must exist), else the first guess present; null if none and not required. */
        private String column(Set<String> have, List<String> columns, String named, List<String> guesses,
                              String role, String flag, boolean required) {
            if (named != null) {
                if (have.contains(named)) return named;
                throw new JTuneException(file + ": no " + role + " column \"" + named + "\" (" + flag + "); columns found: " + columns,
                        "the " + role + " column must be one of the file's columns",
                        "pass " + flag + " with one of " + columns);
            }
            for (String g : guesses) if (have.contains(g)) return g;
            if (!required) return null;
            throw new JTuneException(file + ": no " + role + " column; columns found: " + columns,
                    "without " + flag + " the " + role + " column is the first of " + guesses,
                    "pass " + flag + " with one of " + columns);
        }

        private Row extract(long line, Map<String, Object> cells, String textCol, String pairCol, String labelCol, String idCol)
                throws RowError {
            String text = text(cells, textCol, "--text-column");
            String pair = pairCol == null ? null : text(cells, pairCol, "--text-pair-column");
            String id = null;
            if (idCol != null) {
                Object v = cells.get(idCol);
                if (v instanceof JsonNode) id = ((JsonNode) v).isNull() ? null : ((JsonNode) v).isValueNode()
                        ? ((JsonNode) v).asText() : v.toString();
                else id = (String) v;
            }
            LabelValue label = labelCol == null ? null : LabelValue.of(cells.get(labelCol), labelCol, opts);
            return new Row(line, id, text, pair, label);
        }

        private static String text(Map<String, Object> cells, String col, String flag) throws RowError {
            Object v = cells.get(col);
            String s;
            if (v == null || (v instanceof JsonNode && ((JsonNode) v).isNull())) s = null;
            else if (v instanceof JsonNode) {
                JsonNode n = (JsonNode) v;
                if (!n.isTextual()) {
                    throw new RowError("column \"" + col + "\" holds JSON " + n.getNodeType().toString().toLowerCase()
                            + " " + abbreviate(n.toString()) + ", not a string", "text values are JSON strings",
                            "quote the text, or choose another column with " + flag);
                }
                s = n.textValue();
            } else s = (String) v;
            if (s == null || s.isBlank()) {
                throw new RowError("column \"" + col + "\" is " + (s == null ? "missing" : "empty"),
                        "every example needs non-empty text", "fill in the text or delete the row");
            }
            return s;
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
