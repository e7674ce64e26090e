package dev.jtune.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jtune.JTuneException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the commands: model names, JSON output, atomic writes, list flags. */
final class CliSupport {
    static final ObjectMapper JSON = dev.jtune.io.Json.builder().build();

    private CliSupport() {}

    /**
     * {@link dev.jtune.modeling.AutoModel#resolve}, except that a built-in name (minilm) means the built-in model even
     * when a folder of that name without config.json happens to exist in the working directory.
     */
    static Path resolveModel(String nameOrPath) {
        return dev.jtune.modeling.AutoModel.resolve(nameOrPath);
    }

    /** Pretty JSON with sorted keys and 4-space indentation, as HF's save_metrics writes it. */
    static String metricsJson(Map<String, ?> metrics) {
        try {
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("    ", "\n"));
            ObjectWriter w = JSON.writer(pp).with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
            return w.writeValueAsString(new LinkedHashMap<>(metrics)) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a text file atomically (see {@link #writeBytes}). */
    static void writeString(Path file, String text) {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Atomically, through {@link dev.jtune.io.AtomicFiles} (fsync, rename; the file gets the user's umask). */
    static void writeBytes(Path file, byte[] bytes) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            dev.jtune.io.AtomicFiles.write(file, bytes);
        } catch (IOException e) {
            throw new JTuneException("cannot write " + file + ": " + e.getMessage(), "the output location must be writable",
                    "choose another output path", e);
        }
    }

    /** "1 prediction", "3 predictions". */
    static String count(long n, String singular) { return n + " " + singular + (n == 1 ? "" : "s"); }

    /** Parses --config-override key=value[,key=value]: numbers, booleans and null as JSON values, anything else as text. */
    static Map<String, Object> parseOverrides(List<String> items) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (items == null) return m;
        for (String item : items) {
            for (String kv : item.split(",")) {
                if (kv.isBlank()) continue;
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new JTuneException("--config-override \"" + kv + "\" has no key=value form",
                            "each override is key=value, several separated by commas",
                            "pass e.g. --config-override hidden_dropout_prob=0.2,attention_probs_dropout_prob=0.2");
                }
                String k = kv.substring(0, eq).trim(), v = kv.substring(eq + 1).trim();
                m.put(k, parseScalar(v));
            }
        }
        return m;
    }

    private static Object parseScalar(String v) {
        if (v.equals("null") || v.equals("None")) return null;
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        try {
            if (v.matches("[+-]?\\d+")) return Long.parseLong(v);
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    /** Parses "1,2.5,3" into floats for the flag {@code flag}. */
    static float[] parseFloats(String text, String flag) {
        String[] parts = text.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new JTuneException(flag + " \"" + text + "\": item " + (i + 1) + " (\"" + parts[i] + "\") is not a number",
                        flag + " takes comma-separated numbers, one per label", "pass e.g. " + flag + " 1.0,2.5");
            }
            if (!Float.isFinite(out[i]) || out[i] < 0) {
                throw new JTuneException(flag + " \"" + text + "\": item " + (i + 1) + " is " + out[i],
                        "weights are finite and not negative", "pass e.g. " + flag + " 1.0,2.5");
            }
        }
        return out;
    }
}
