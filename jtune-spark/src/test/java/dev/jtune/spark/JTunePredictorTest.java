package dev.jtune.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.testing.Fixtures;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.jtune.spark.SparkTestSupport.jtune;
import static dev.jtune.spark.SparkTestSupport.jsonl;
import static dev.jtune.spark.SparkTestSupport.lines;
import static dev.jtune.spark.SparkTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JTunePredictor} in Spark local[2] gives exactly what {@code jtune predict} (run in-process) gives for the same
 * rows: single-label on the shared SST-2 sample, multi-label on GoEmotions, regression on STS-B pairs. The models
 * are the tiny BERT fixture fine-tuned for a few steps through the CLI. Bit-exact where both sides run the same
 * shapes (batch size 1: no padding, the same GEMMs); with different batchings the labels agree and the scores
 * differ by fp32 rounding (measured below).
 */
class JTunePredictorTest {
    @TempDir static Path tmp;
    static SparkSession spark;
    static Path tiny;

    @BeforeAll
    static void setUp() {
        tiny = Fixtures.model("tiny-bert");   // skips when ../shared is absent
        spark = SparkTestSupport.localSpark();
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) spark.stop();
    }

    private static Path train(String name, Path trainFile, String... extra) {
        Path out = tmp.resolve(name);
        List<String> a = new ArrayList<>(List.of("train", "--model", tiny.toString(), "--train", trainFile.toString(),
                "--output-dir", out.toString(), "--max-steps", "6", "--per-device-train-batch-size", "16",
                "--save-strategy", "no", "--learning-rate", "1e-3", "--seed", "7"));
        a.addAll(List.of(extra));
        jtune(a.toArray(String[]::new));
        return out;
    }

    /** The transformer's output rows by id. */
    private static Map<String, Row> byId(Dataset<Row> out) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : out.collectAsList()) m.put(r.getAs("id"), r);
        return m;
    }

    private static Map<String, Double> probabilities(Row r) {
        scala.collection.Map<String, Object> m = r.getMap(r.fieldIndex("probabilities"));
        Map<String, Double> out = new LinkedHashMap<>();
        CollectionConverters.asJava(m).forEach((k, v) -> out.put(k, (Double) v));
        return out;
    }

    private static Map<String, Double> probabilities(JsonNode n) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.get("probabilities").fields(); it.hasNext(); ) {
            var e = it.next();
            out.put(e.getKey(), e.getValue().doubleValue());
        }
        return out;
    }

    @Test
    @Tag("slow") // real (tiny) fine-tunes
    void singleLabelSst2MatchesJtunePredictExactly() throws Exception {
        Path sst2 = Fixtures.data("sst2-train-4k.tsv");
        // trained with max_length 16, so the default maxLength (from training_args.json) truncates many rows
        Path model = train("sst2", write(tmp.resolve("sst2-train.tsv"), lines(sst2, true, 0, 200)), "--max-length", "16");
        List<String> rows = lines(sst2, true, 200, 500);
        List<String> tsv = new ArrayList<>(List.of("id\tsentence"));
        List<Row> dfRows = new ArrayList<>();
        for (int i = 1; i < rows.size(); i++) {
            String sentence = rows.get(i).split("\t")[0];
            tsv.add("r" + i + "\t" + sentence);
            dfRows.add(RowFactory.create("r" + i, sentence));
        }
        Path input = write(tmp.resolve("sst2-predict.tsv"), tsv);
        Path cliOut = tmp.resolve("sst2-cli.jsonl");
        jtune("predict", "--model", model.toString(), "--input", input.toString(), "--output", cliOut.toString(),
                "--max-length", "16", "--batch-size", "1");
        List<JsonNode> cli = jsonl(cliOut);
        assertEquals(300, cli.size());

        StructType schema = new StructType().add("id", DataTypes.StringType).add("sentence", DataTypes.StringType);
        Dataset<Row> df = spark.createDataFrame(dfRows, schema).repartition(2);
        assertEquals(2, df.rdd().getNumPartitions());
        int loadsBefore = ExecutorModels.loads();
        JTunePredictor p = new JTunePredictor().setModelPath(model.toString()).setInputCol("sentence").setBatchSize(1);
        Dataset<Row> out = p.transform(df);
        assertEquals(List.of("id", "sentence", "label", "score", "probabilities", "labels"), List.of(out.schema().fieldNames()));
        Map<String, Row> spk = byId(out);
        assertEquals(1, ExecutorModels.loads() - loadsBefore, "one load for the JVM, not one per partition or task");
        assertEquals(300, spk.size());
        java.util.Set<String> predicted = new java.util.HashSet<>();
        for (JsonNode c : cli) {
            Row r = spk.get(c.get("id").asText());
            assertEquals(c.get("label").asText(), r.getAs("label"), () -> "row " + c);
            assertEquals(c.get("score").doubleValue(), (double) r.getAs("score"), 0.0, () -> "row " + c);
            assertEquals(probabilities(c), probabilities(r), () -> "row " + c);
            assertTrue(r.isNullAt(r.fieldIndex("labels")));
            predicted.add(r.getAs("label"));
        }
        assertEquals(2, predicted.size(), "both classes predicted: " + predicted);

        // other batchings (CLI: 32 rows sorted by length over the file; Spark: 8 rows of a partition) pad and shape the
        // GEMMs differently, which moves fp32 sums in their last bits, not more
        Path cli32 = tmp.resolve("sst2-cli-32.jsonl");
        jtune("predict", "--model", model.toString(), "--input", input.toString(), "--output", cli32.toString(), "--max-length", "16");
        Map<String, Row> spk8 = byId(p.copy(new org.apache.spark.ml.param.ParamMap()).setBatchSize(8).transform(df));
        double maxDiff = 0;
        for (JsonNode c : jsonl(cli32)) {
            Row r = spk8.get(c.get("id").asText());
            assertEquals(c.get("label").asText(), r.getAs("label"), () -> "row " + c);
            maxDiff = Math.max(maxDiff, Math.abs(c.get("score").doubleValue() - (double) r.getAs("score")));
        }
        assertTrue(maxDiff < 1e-6, "batching moves probabilities by rounding only: " + maxDiff);

        // the default maxLength was the training one (16): 128 changes some scores; the model is not loaded again
        Map<String, Row> long128 = byId(p.copy(new org.apache.spark.ml.param.ParamMap()).setMaxLength(128).transform(df));
        long changed = cli.stream().filter(c -> c.get("score").doubleValue() != (double) long128.get(c.get("id").asText()).getAs("score")).count();
        assertTrue(changed > 0, "max_length 128 truncates nothing that 16 kept, so some scores change");
        assertEquals(1, ExecutorModels.loads() - loadsBefore);
    }

    @Test
    @Tag("slow") // real (tiny) fine-tunes
    void multiLabelGoEmotionsMatchesJtunePredict() throws Exception {
        Path go = Fixtures.data("goemotions-train-5k.jsonl");
        Path model = train("go", write(tmp.resolve("go-train.jsonl"), lines(go, false, 0, 150)), "--max-length", "32");
        ObjectMapper json = new ObjectMapper();
        List<String> in = new ArrayList<>();
        List<Row> dfRows = new ArrayList<>();
        int i = 0;
        for (String l : lines(go, false, 150, 250)) {
            String text = json.readTree(l).get("text").asText();
            ObjectNode o = json.createObjectNode().put("id", "g" + i).put("text", text);
            in.add(json.writeValueAsString(o));
            dfRows.add(RowFactory.create("g" + i++, text));
        }
        Path cliOut = tmp.resolve("go-cli.jsonl");
        jtune("predict", "--model", model.toString(), "--input", write(tmp.resolve("go-predict.jsonl"), in).toString(),
                "--output", cliOut.toString(), "--max-length", "32", "--threshold", "0.45", "--batch-size", "1");
        StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
        Map<String, Row> spk = byId(new JTunePredictor().setModelPath(model.toString()).setThreshold(0.45).setBatchSize(1)
                .transform(spark.createDataFrame(dfRows, schema).repartition(2)));
        int assigned = 0;
        for (JsonNode c : jsonl(cliOut)) {
            Row r = spk.get(c.get("id").asText());
            List<String> labels = new ArrayList<>();
            c.get("labels").forEach(n -> labels.add(n.asText()));
            assertEquals(labels, CollectionConverters.asJava(r.<scala.collection.Seq<String>>getAs("labels")), () -> "row " + c);
            assertEquals(probabilities(c), probabilities(r), () -> "row " + c);
            assertNull(r.getAs("label"));
            assertNull(r.getAs("score"));
            assertTrue(probabilities(r).size() > 2);
            assigned += labels.size();
        }
        assertTrue(assigned > 0, "some labels reach the threshold");
    }

    @Test
    @Tag("slow") // real (tiny) fine-tunes
    void regressionStsbPairsMatchJtunePredict() throws Exception {
        Path stsb = Fixtures.data("stsb-train.tsv");
        Path model = train("stsb", write(tmp.resolve("stsb-train.tsv"), lines(stsb, true, 0, 150)), "--max-length", "48");
        List<String> tsv = new ArrayList<>(List.of("id\tsentence1\tsentence2"));
        List<Row> dfRows = new ArrayList<>();
        List<String> rows = lines(stsb, true, 150, 250);
        for (int i = 1; i < rows.size(); i++) {
            String[] f = rows.get(i).split("\t");
            tsv.add("s" + i + "\t" + f[0] + "\t" + f[1]);
            dfRows.add(RowFactory.create("s" + i, f[0], f[1]));
        }
        Path cliOut = tmp.resolve("stsb-cli.jsonl");
        jtune("predict", "--model", model.toString(), "--input", write(tmp.resolve("stsb-predict.tsv"), tsv).toString(),
                "--output", cliOut.toString(), "--max-length", "48", "--batch-size", "1");
        StructType schema = new StructType().add("id", DataTypes.StringType)
                .add("sentence1", DataTypes.StringType).add("sentence2", DataTypes.StringType);
        Dataset<Row> df = spark.createDataFrame(dfRows, schema).repartition(2);
        JTunePredictor p = new JTunePredictor().setModelPath(model.toString()).setInputCol("sentence1").setPairCol("sentence2").setBatchSize(1);
        Map<String, Row> spk = byId(p.transform(df));
        Map<String, Row> single = byId(new JTunePredictor().setModelPath(model.toString()).setInputCol("sentence1").transform(df));
        long pairMatters = 0;
        for (JsonNode c : jsonl(cliOut)) {
            Row r = spk.get(c.get("id").asText());
            // the CLI writes the regression value as a float (the logit); Spark's score is that float as a double
            assertEquals(c.get("score").floatValue(), (float) (double) r.getAs("score"), 0.0f, () -> "row " + c);
            assertEquals((double) (float) (double) r.getAs("score"), (double) r.getAs("score"), 0.0);
            assertNull(r.getAs("label"));
            assertNull(r.getAs("probabilities"));
            if ((double) single.get(c.get("id").asText()).getAs("score") != (double) r.getAs("score")) pairMatters++;
        }
        assertTrue(pairMatters > 0, "pairCol changes the input");
    }

    @Test
    void badSettingsNameTheParamAndColumn() {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("n", DataTypes.IntegerType);
        JTuneException noModel = assertThrows(JTuneException.class, () -> new JTunePredictor().transformSchema(schema));
        assertTrue(noModel.getMessage().contains("modelPath"), noModel.getMessage());
        JTuneException missing = assertThrows(JTuneException.class,
                () -> new JTunePredictor().setModelPath("m").setInputCol("sentence").transformSchema(schema));
        assertTrue(missing.getMessage().contains("\"sentence\"") && missing.getMessage().contains("[id, n]"), missing.getMessage());
        JTuneException notText = assertThrows(JTuneException.class,
                () -> new JTunePredictor().setModelPath("m").setInputCol("n").transformSchema(schema));
        assertTrue(notText.getMessage().contains("int"), notText.getMessage());
        JTuneException clash = assertThrows(JTuneException.class, () -> new JTunePredictor().setModelPath("m").setInputCol("id")
                .transformSchema(schema.add("score", DataTypes.DoubleType)));
        assertTrue(clash.getMessage().contains("\"score\""), clash.getMessage());
        assertThrows(JTuneException.class, () -> new JTunePredictor().setModelPath("m").setInputCol("id").setThreshold(1.5).transformSchema(schema));
        assertThrows(JTuneException.class, () -> new JTunePredictor().setModelPath("m").setInputCol("id").setBatchSize(0).transformSchema(schema));
    }
}
