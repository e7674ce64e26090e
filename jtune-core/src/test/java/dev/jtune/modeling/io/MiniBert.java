package dev.jtune.modeling.io;

import dev.jtune.io.RawTensor;

import java.util.Map;

/** A plain float64 HF BertModel forward (one unpadded sequence), only to check imported weights in tests. */
final class MiniBert {
    private MiniBert() {}

    static double[][] forward(Map<String, RawTensor> t, int[] ids, int layers, int heads) {
        float[] word = t.get("embeddings.word_embeddings.weight").toFloatArray();
        float[] pos = t.get("embeddings.position_embeddings.weight").toFloatArray();
        float[] type = t.get("embeddings.token_type_embeddings.weight").toFloatArray();
        int h = (int) t.get("embeddings.word_embeddings.weight").shape()[1];
        int n = ids.length;
        double[][] x = new double[n][h];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < h; i++) x[s][i] = word[ids[s] * h + i] + pos[s * h + i] + type[i];
        }
        x = layerNorm(t, "embeddings.LayerNorm", x);
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            double[][] q = linear(t, p + "attention.self.query", x);
            double[][] k = linear(t, p + "attention.self.key", x);
            double[][] v = linear(t, p + "attention.self.value", x);
            int d = h / heads;
            double[][] ctx = new double[n][h];
            for (int head = 0; head < heads; head++) {
                for (int i = 0; i < n; i++) {
                    double[] scores = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) dot += q[i][head * d + c] * k[j][head * d + c];
                        scores[j] = dot / Math.sqrt(d);
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) sum += scores[j] = Math.exp(scores[j] - max);
                    for (int j = 0; j < n; j++) {
                        for (int c = 0; c < d; c++) ctx[i][head * d + c] += scores[j] / sum * v[j][head * d + c];
                    }
                }
            }
            double[][] attn = layerNorm(t, p + "attention.output.LayerNorm", add(linear(t, p + "attention.output.dense", ctx), x));
            double[][] inter = linear(t, p + "intermediate.dense", attn);
            for (double[] row : inter) for (int i = 0; i < row.length; i++) row[i] = gelu(row[i]);
            x = layerNorm(t, p + "output.LayerNorm", add(linear(t, p + "output.dense", inter), attn));
        }
        return x;
    }

    private static double[][] linear(Map<String, RawTensor> t, String name, double[][] x) {
        RawTensor wt = t.get(name + ".weight");
        float[] w = wt.toFloatArray();
        float[] b = t.get(name + ".bias").toFloatArray();
        int out = (int) wt.shape()[0];
        int in = (int) wt.shape()[1];
        double[][] y = new double[x.length][out];
        for (int s = 0; s < x.length; s++) {
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                for (int i = 0; i < in; i++) acc += w[o * in + i] * x[s][i];
                y[s][o] = acc;
            }
        }
        return y;
    }

    private static double[][] layerNorm(Map<String, RawTensor> t, String name, double[][] x) {
        float[] g = t.get(name + ".weight").toFloatArray();
        float[] b = t.get(name + ".bias").toFloatArray();
        double[][] y = new double[x.length][];
        for (int s = 0; s < x.length; s++) {
            double mean = 0;
            for (double v : x[s]) mean += v / x[s].length;
            double var = 0;
            for (double v : x[s]) var += (v - mean) * (v - mean) / x[s].length;
            y[s] = new double[x[s].length];
            for (int i = 0; i < x[s].length; i++) y[s][i] = (x[s][i] - mean) / Math.sqrt(var + 1e-12) * g[i] + b[i];
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        for (int s = 0; s < a.length; s++) for (int i = 0; i < a[s].length; i++) a[s][i] += b[s][i];
        return a;
    }

    /** Exact (erf) GELU; erf by Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7). */
    private static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    private static double erf(double x) {
        double sign = Math.signum(x);
        double a = Math.abs(x);
        double t = 1 / (1 + 0.3275911 * a);
        double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
                * Math.exp(-a * a);
        return sign * y;
    }
}
