package dev.jtune.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Reading fixture JSON into Java arrays. */
public final class Json {
    private static final ObjectMapper M = new ObjectMapper();

    private Json() {}

    public static JsonNode read(Path p) {
        try {
            return M.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long[][] longMatrix(JsonNode n) {
        long[][] m = new long[n.size()][];
        for (int i = 0; i < n.size(); i++) {
            m[i] = new long[n.get(i).size()];
            for (int j = 0; j < m[i].length; j++) m[i][j] = n.get(i).get(j).asLong();
        }
        return m;
    }

    public static float[][] floatMatrix(JsonNode n) {
        float[][] m = new float[n.size()][];
        for (int i = 0; i < n.size(); i++) m[i] = floats(n.get(i));
        return m;
    }

    public static float[] floats(JsonNode n) {
        float[] v = new float[n.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) n.get(i).asDouble();
        return v;
    }
}
