package dev.jtune.spark;

import dev.jtune.data.Dataset;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.inference.Predictor;
import dev.jtune.losses.ProblemType;
import dev.jtune.modeling.AutoModel;
import dev.jtune.modeling.FromPretrainedOptions;
import dev.jtune.models.AutoModelForSequenceClassification;
import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.PreTrainedTokenizer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints rows/s of prediction for the same rows two ways: in-process through {@link Predictor} (what {@code jtune
 * predict} runs, without its JVM start and file IO) and through {@link JTunePredictor} in Spark {@code local[N]}.
 * Asserts nothing. Arguments: {@code [model-dir|minilm] [sst2.tsv] [rows] [local-threads] [batch-size]}; with
 * {@code minilm} (the default) the built-in MiniLM with a fresh 2-label head is saved to a temporary folder first
 * (prediction cost does not depend on the head's weights). Run it with Spark's JVM options (README "Scaling out").
 */
public final class SparkPredictBench {
    private SparkPredictBench() {}

    public static void main(String[] a) throws Exception {
        String modelArg = a.length > 0 ? a[0] : "minilm";
        Path data = Path.of(a.length > 1 ? a[1] : "../shared/data/sst2-train-4k.tsv");
        int n = a.length > 2 ? Integer.parseInt(a[2]) : 2000;
        int threads = a.length > 3 ? Integer.parseInt(a[3]) : 2;
        int batch = a.length > 4 ? Integer.parseInt(a[4]) : 32;

        Path model;
        if (modelArg.equals("minilm")) {
            model = Files.createTempDirectory("jtune-spark-bench");
            var m = AutoModelForSequenceClassification.fromPretrained(AutoModel.resolve("minilm"),
                    FromPretrainedOptions.builder().numLabels(2).problemType(ProblemType.SINGLE_LABEL_CLASSIFICATION).seed(1).build());
            m.savePretrained(model);
            try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(AutoModel.resolve("minilm"))) { tok.savePretrained(model); }
        } else {
            model = Path.of(modelArg);
        }
        List<String> lines = Files.readAllLines(data, StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>();
        for (int i = 1; i < lines.size() && texts.size() < n; i++) texts.add(lines.get(i).split("\t")[0]);
        int maxLen = Predictor.trainedMaxLength(model);
        System.out.printf(Locale.ROOT, "model %s, %d rows of %s, batch %d, max_length %d, %d cores%n",
                modelArg, texts.size(), data.getFileName(), batch, maxLen, Runtime.getRuntime().availableProcessors());

        // 1. in-process, the code of `jtune predict`: one warm-up pass, then timed
        double inProcess;
        try (Predictor p = Predictor.load(model, null)) {
            List<Example> ex = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) ex.add(Example.unlabeled(null, texts.get(i), null, i + 1));
            Dataset d = new Dataset(null, List.of("sentence"), "sentence", null, null, LabelKind.NONE, null, ex, List.of());
            p.predictLogits(d, batch, maxLen);
            long t0 = System.nanoTime();
            p.predictLogits(d, batch, maxLen);
            inProcess = texts.size() / ((System.nanoTime() - t0) / 1e9);
            System.out.printf(Locale.ROOT, "jtune predict (in-process Predictor, whole set): %.1f rows/s%n", inProcess);
            // the same rows as JTunePredictor feeds them: batch-sized chunks in input order
            long t1 = System.nanoTime();
            double[] th = p.thresholds(null);
            for (int i = 0; i < texts.size(); i += batch) p.predict(texts.subList(i, Math.min(texts.size(), i + batch)), null, batch, maxLen, th);
            System.out.printf(Locale.ROOT, "in-process Predictor, %d-row chunks in input order: %.1f rows/s%n", batch,
                    texts.size() / ((System.nanoTime() - t1) / 1e9));
        }

        // 2. Spark local[threads]: session start and first pass (model load) reported apart, then a warm pass
        long s0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().master("local[" + threads + "]").appName("jtune-spark-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        double start = (System.nanoTime() - s0) / 1e9;
        try {
            List<Row> rows = new ArrayList<>();
            for (String t : texts) rows.add(RowFactory.create(t));
            var df = spark.createDataFrame(rows, new StructType().add("sentence", DataTypes.StringType)).repartition(threads).cache();
            df.count();
            JTunePredictor jp = new JTunePredictor().setModelPath(model.toString()).setInputCol("sentence").setBatchSize(batch);
            long t1 = System.nanoTime();
            int got = jp.transform(df).collectAsList().size();
            double first = (System.nanoTime() - t1) / 1e9;
            long t2 = System.nanoTime();
            got = jp.transform(df).collectAsList().size();
            double warm = got / ((System.nanoTime() - t2) / 1e9);
            System.out.printf(Locale.ROOT, "Spark local[%d] JTunePredictor: %.1f rows/s warm (%d partitions; first pass with model load %.1f s; session start %.1f s)%n",
                    threads, warm, threads, first, start);
            System.out.printf(Locale.ROOT, "Spark / in-process: %.2f%n", warm / inProcess);
        } finally {
            spark.stop();
        }
    }
}
