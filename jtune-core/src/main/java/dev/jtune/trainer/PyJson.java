package dev.jtune.trainer;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON byte-for-byte like Python's {@code json.dumps(obj, indent=2[, sort_keys=True])}: {@code ": "}
 * separators, ASCII-only strings, Python float repr ({@code 5e-05}, {@code 1.0}), {@code NaN}/{@code Infinity}.
 */
final class PyJson {
    private PyJson() {}

    static String dumps(Object value, boolean sortKeys) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, sortKeys);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int level, boolean sortKeys) {
        if (v == null) sb.append("null");
        else if (v instanceof String s) string(sb, s);
        else if (v instanceof Boolean b) sb.append(b ? "true" : "false");
        else if (v instanceof Double d) sb.append(floatRepr(d));
        else if (v instanceof Float f) sb.append(floatRepr(f.doubleValue()));
        else if (v instanceof Number n) sb.append(n.toString());
        else if (v instanceof Enum<?> e) string(sb, e.toString());
        else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) { sb.append("{}"); return; }
            List<String> keys = new ArrayList<>();
            for (Object k : m.keySet()) keys.add(String.valueOf(k));
            if (sortKeys) Collections.sort(keys);
            sb.append('{');
            boolean first = true;
            for (String k : keys) {
                sb.append(first ? "\n" : ",\n");
                first = false;
                indent(sb, level + 1);
                string(sb, k);
                sb.append(": ");
                write(sb, m.get(k), level + 1, sortKeys);
            }
            sb.append('\n');
            indent(sb, level);
            sb.append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) { sb.append("[]"); return; }
            sb.append('[');
            boolean first = true;
            for (Object o : l) {
                sb.append(first ? "\n" : ",\n");
                first = false;
                indent(sb, level + 1);
                write(sb, o, level + 1, sortKeys);
            }
            sb.append('\n');
            indent(sb, level);
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass() + " as JSON");
        }
    }

    private static void indent(StringBuilder sb, int level) {
        for (int i = 0; i < level; i++) sb.append("  ");
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e && c != 0x7f) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }

    /** Python's {@code repr(float)}: shortest digits; fixed notation for 1e-4 <= |x| < 1e16, else {@code 1e-05}. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = bd.abs().toPlainString();
            if (!plain.contains(".")) plain += ".0";
            return sign + plain;
        }
        return sci(sign, digits, exp);
    }

    private static String sci(String sign, String digits, int exp) {
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String e = String.format("%02d", Math.abs(exp));
        return sign + mant + "e" + (exp < 0 ? "-" : "+") + e;
    }
}
