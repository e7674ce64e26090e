package dev.jtune.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** One raw label cell, classified before the whole column is typed. */
final class LabelValue {
    enum Type { INT, FLOAT, NAME, NAMES, HOT }

    private static final Pattern INT = Pattern.compile("[+-]?\\d+");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    final Type type;
    final long intValue;
    final double number;
    final List<String> names;  // NAME (one), NAMES
    final double[] hot;
    final String shown;        // as written, for messages

    private LabelValue(Type type, long intValue, double number, List<String> names, double[] hot, String shown) {
        this.type = type; this.intValue = intValue; this.number = number; this.names = names; this.hot = hot;
        this.shown = DatasetReader.abbreviate(shown);
    }

    boolean isNumeric() { return type == Type.INT || type == Type.FLOAT; }

    /** Classifies a TSV/CSV string or a JSON node; a missing or unusable cell is a row error. */
    static LabelValue of(Object cell, String column, ReadOptions opts) throws DatasetReader.RowError {
        boolean split = opts.labelSeparator() != null
                && (opts.problemType() == null || opts.problemType() == LabelKind.MULTI_HOT);
        if (cell instanceof JsonNode) return ofJson((JsonNode) cell, column, split ? opts.labelSeparator() : null);
        String s = cell == null ? null : ((String) cell).strip();
        if (s == null || s.isEmpty()) throw missing(column);
        if (split) return names(splitNames(s, opts.labelSeparator()), s);
        if (INT.matcher(s).matches()) {
            try {
                long v = Long.parseLong(s);
                return new LabelValue(Type.INT, v, v, null, null, s);
            } catch (NumberFormatException tooLong) {
                return new LabelValue(Type.FLOAT, 0, Double.parseDouble(s), null, null, s);
            }
        }
        if (FLOAT.matcher(s).matches()) return new LabelValue(Type.FLOAT, 0, Double.parseDouble(s), null, null, s);
        if (NON_FINITE.matcher(s).matches()) {
            String t = s.toLowerCase(Locale.ROOT);
            double v = t.contains("nan") ? Double.NaN : t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            return new LabelValue(Type.FLOAT, 0, v, null, null, s);
        }
        return new LabelValue(Type.NAME, 0, Double.NaN, List.of(s), null, s);
    }

    private static LabelValue ofJson(JsonNode n, String column, String separator) throws DatasetReader.RowError {
        if (n == null || n.isNull() || n.isMissingNode()) throw missing(column);
        String shown = n.toString();
        if (n.isIntegralNumber()) {
            if (n.canConvertToLong()) return new LabelValue(Type.INT, n.longValue(), n.longValue(), null, null, shown);
            return new LabelValue(Type.FLOAT, 0, n.doubleValue(), null, null, shown);
        }
        if (n.isNumber()) return new LabelValue(Type.FLOAT, 0, n.doubleValue(), null, null, shown);
        if (n.isTextual() || n.isBoolean()) {
            String s = n.asText().strip();
            if (s.isEmpty()) throw missing(column);
            if (separator != null) return names(splitNames(s, separator), shown);
            return new LabelValue(Type.NAME, 0, Double.NaN, List.of(s), null, shown);
        }
        if (n.isArray()) {
            boolean allText = true, allNum = true;
            for (JsonNode e : n) { allText &= e.isTextual(); allNum &= e.isNumber(); }
            if (n.size() == 0 || allText) {
                List<String> names = new ArrayList<>();
                for (JsonNode e : n) names.add(e.textValue().strip());
                return names(names, shown);
            }
            if (allNum) {
                double[] hot = new double[n.size()];
                for (int i = 0; i < hot.length; i++) hot[i] = n.get(i).doubleValue();
                return new LabelValue(Type.HOT, 0, Double.NaN, null, hot, shown);
            }
            throw new DatasetReader.RowError("label column \"" + column + "\" holds " + DatasetReader.abbreviate(shown)
                    + ", a list mixing strings and other values",
                    "a multi-label list holds label names [\"a\", \"b\"] or a 0/1 vector [0, 1, 0]",
                    "write the labels as a list of names");
        }
        throw new DatasetReader.RowError("label column \"" + column + "\" holds a JSON object " + DatasetReader.abbreviate(shown),
                "a label is a number, a name or a list", "write the label as a number, a string or a list");
    }

    private static LabelValue names(List<String> names, String shown) {
        return new LabelValue(Type.NAMES, 0, Double.NaN, names, null, shown);
    }

    private static List<String> splitNames(String s, String sep) {
        List<String> out = new ArrayList<>();
        for (String p : s.split(Pattern.quote(sep), -1)) {
            String t = p.strip();
            if (!t.isEmpty() && !out.contains(t)) out.add(t);
        }
        return out;
    }

    private static DatasetReader.RowError missing(String column) {
        return new DatasetReader.RowError("label column \"" + column + "\" is missing or empty",
                "every row of a labelled file has a label", "fill in the label or delete the row");
    }
}
