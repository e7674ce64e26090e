package dev.jtune.data;

import java.util.ArrayList;
import java.util.List;

/** Splits physical lines into records: RFC 4180 CSV (quoted fields may hold commas, quotes and newlines) or GLUE TSV. */
final class CsvParser {
    private CsvParser() {}

    /** One record: the line it starts on (1-based), its fields, and a parse problem (null when fine). */
    record Record(long line, List<String> fields, String problem) {}

    /** TSV: every non-empty line is a record split on TAB; quotes are ordinary characters. */
    static List<Record> tsv(List<String> lines) {
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i);
            if (s == null) { out.add(new Record(i + 1, List.of(), "invalid UTF-8 bytes")); continue; }
            if (s.indexOf('\t') < 0 && s.isBlank()) continue; // blank line (a row of empty fields still has TABs)
            out.add(new Record(i + 1, List.of(s.split("\t", -1)), null));
        }
        return out;
    }

    /** CSV per RFC 4180; a quote inside an unquoted field is kept literally; blank lines between records are skipped. */
    static List<Record> csv(List<String> lines) { return csv(lines, ','); }

    /** CSV with another field separator ({@code ;} in many European exports). */
    static List<Record> csv(List<String> lines, char delimiter) {
        List<Record> out = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String first = lines.get(i);
            if (first != null && first.isEmpty()) { i++; continue; }
            long startLine = i + 1;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            String problem = null;
            boolean quoted = false;      // inside a quoted field
            boolean afterQuote = false;  // a quoted field just closed
            boolean fieldStart = true;
            while (true) {
                String line = lines.get(i);
                if (line == null) { problem = "invalid UTF-8 bytes at line " + (i + 1); line = ""; }
                for (int k = 0; k < line.length(); k++) {
                    char c = line.charAt(k);
                    if (quoted) {
                        if (c == '"') {
                            if (k + 1 < line.length() && line.charAt(k + 1) == '"') { field.append('"'); k++; }
                            else { quoted = false; afterQuote = true; }
                        } else {
                            field.append(c);
                        }
                    } else if (c == delimiter) {
                        fields.add(field.toString());
                        field.setLength(0);
                        afterQuote = false;
                        fieldStart = true;
                    } else if (afterQuote) {
                        if (problem == null) problem = "text after a closing quote at line " + (i + 1) + " (a quote inside a quoted field is written \"\")";
                        field.append(c);
                    } else if (c == '"' && fieldStart) {
                        quoted = true;
                        fieldStart = false;
                    } else {
                        field.append(c);
                        fieldStart = false;
                    }
                }
                if (!quoted) break;
                if (i + 1 >= lines.size()) {
                    problem = "a quoted field opened at line " + startLine + " is never closed (it swallowed lines " + startLine
                            + "-" + (i + 1) + ", " + (i + 2 - startLine) + " lines, as one row)";
                    break;
                }
                field.append('\n');
                i++;
            }
            fields.add(field.toString());
            out.add(new Record(startLine, fields, problem));
            i++;
        }
        return out;
    }
}
