package dev.jtune.spark;

import dev.jtune.JTuneException;
import dev.jtune.inference.Predictor;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;

/**
 * Batch prediction with a jtune model folder as a Spark ML {@link Transformer}: the rows' {@code inputCol} (and
 * optional {@code pairCol}) texts go through the code of {@code jtune predict} ({@link Predictor}), and four
 * columns are appended:
 * <ul>
 *   <li>{@code label} (string): single-label: the most probable class; otherwise null</li>
 *   <li>{@code score} (double): single-label: that class's probability; regression: the predicted value;
 *       multi-label: null</li>
 *   <li>{@code probabilities} (map&lt;string, double&gt;): class name → probability (softmax, or sigmoid for
 *       multi-label); regression: null</li>
 *   <li>{@code labels} (array&lt;string&gt;): multi-label: the classes at or above their threshold; otherwise null</li>
 * </ul>
 * Each executor JVM loads the folder once (the first task that needs it) and predicts its partitions in batches of
 * {@code batchSize}. The folder must be readable at {@code modelPath} on every executor (a shared file system, or
 * shipped with {@code spark-submit --archives}).
 *
 * <pre>{@code
 * Dataset<Row> out = new JTunePredictor().setModelPath("/models/sst2").setInputCol("sentence").transform(df);
 * }</pre>
 */
public final class JTunePredictor extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    /** The appended columns, in order. */
    public static final List<String> OUTPUT_COLUMNS = List.of("label", "score", "probabilities", "labels");

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> inputCol;
    private final Param<String> pairCol;
    private final IntParam batchSize;
    private final IntParam maxLength;
    private final DoubleParam threshold;

    public JTunePredictor() { this(Identifiable$.MODULE$.randomUID("jtunePredictor")); }

    public JTunePredictor(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "a jtune (or Hugging Face) sequence-classification model folder, readable on every executor");
        inputCol = new Param<>(this, "inputCol", "the text column");
        pairCol = new Param<>(this, "pairCol", "the second text of a pair task (optional; null or empty = no pair)");
        batchSize = new IntParam(this, "batchSize", "rows per forward pass (HF per_device_eval_batch_size)");
        maxLength = new IntParam(this, "maxLength", "tokenizer truncation length (default: max_length of the folder's training_args.json, else 128)");
        threshold = new DoubleParam(this, "threshold", "multi-label decision threshold for every class (default: the calibrated thresholds in config.json, else 0.5)");
        setDefault(inputCol, "text");
        setDefault(batchSize, 32);
    }

    @Override public String uid() { return uid; }

    public Param<String> modelPath() { return modelPath; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> pairCol() { return pairCol; }
    public IntParam batchSize() { return batchSize; }
    public IntParam maxLength() { return maxLength; }
    public DoubleParam threshold() { return threshold; }

    public JTunePredictor setModelPath(String v) { set(modelPath, v); return this; }
    public JTunePredictor setInputCol(String v) { set(inputCol, v); return this; }
    public JTunePredictor setPairCol(String v) { set(pairCol, v); return this; }
    public JTunePredictor setBatchSize(int v) { set(batchSize, v); return this; }
    public JTunePredictor setMaxLength(int v) { set(maxLength, v); return this; }
    public JTunePredictor setThreshold(double v) { set(threshold, v); return this; }

    public String getModelPath() { return isDefined(modelPath) ? $(modelPath) : null; }
    public String getInputCol() { return $(inputCol); }
    public String getPairCol() { return isDefined(pairCol) ? $(pairCol) : null; }
    public int getBatchSize() { return (Integer) $(batchSize); }
    /** The truncation length set, or null: the one training used. */
    public Integer getMaxLength() { return isDefined(maxLength) ? (Integer) $(maxLength) : null; }
    public Double getThreshold() { return isDefined(threshold) ? (Double) $(threshold) : null; }

    @Override
    public StructType transformSchema(StructType schema) {
        if (getModelPath() == null) {
            throw new JTuneException("JTunePredictor has no modelPath", "the transformer needs a model folder",
                    "call setModelPath(\"/path/to/model\") (a folder written by jtune train)");
        }
        if (getBatchSize() < 1) {
            throw new JTuneException("JTunePredictor batchSize is " + getBatchSize(), "the batch size is at least 1",
                    "call setBatchSize(32)");
        }
        if (getMaxLength() != null && getMaxLength() < 2) {
            throw new JTuneException("JTunePredictor maxLength is " + getMaxLength(),
                    "max_length >= 2 (it counts [CLS] and [SEP])", "call setMaxLength(128), or leave it unset for the training value");
        }
        Predictor.checkThreshold(getThreshold());
        checkText(schema, getInputCol(), "inputCol", "setInputCol");
        if (getPairCol() != null) checkText(schema, getPairCol(), "pairCol", "setPairCol");
        for (String c : OUTPUT_COLUMNS) {
            if (Arrays.asList(schema.fieldNames()).contains(c)) {
                throw new JTuneException("the input already has a column \"" + c + "\"",
                        "JTunePredictor appends the columns " + OUTPUT_COLUMNS,
                        "rename or drop it first, e.g. df.withColumnRenamed(\"" + c + "\", \"" + c + "_in\")");
            }
        }
        return schema
                .add(new StructField("label", DataTypes.StringType, true, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField("score", DataTypes.DoubleType, true, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField("probabilities", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), true,
                        org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField("labels", DataTypes.createArrayType(DataTypes.StringType, false), true,
                        org.apache.spark.sql.types.Metadata.empty()));
    }

    private static void checkText(StructType schema, String col, String param, String setter) {
        if (!Arrays.asList(schema.fieldNames()).contains(col)) {
            throw new JTuneException("JTunePredictor " + param + " \"" + col + "\" is not a column of the input (columns: "
                    + Arrays.toString(schema.fieldNames()) + ")", "the text columns must exist",
                    "call " + setter + "(...) with one of the columns");
        }
        if (!(schema.apply(col).dataType() instanceof StringType)) {
            throw new JTuneException("JTunePredictor " + param + " \"" + col + "\" has type " + schema.apply(col).dataType().simpleString(),
                    "text columns are strings", "cast it first, e.g. df.withColumn(\"" + col + "\", col(\"" + col + "\").cast(\"string\"))");
        }
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        PartitionPredictor fn = new PartitionPredictor(getModelPath(), getInputCol(), in.fieldIndex(getInputCol()),
                getPairCol() == null ? -1 : in.fieldIndex(getPairCol()), getBatchSize(), getMaxLength(), getThreshold());
        return dataset.toDF().mapPartitions(fn, Encoders.row(out));
    }

    @Override
    public JTunePredictor copy(ParamMap extra) { return defaultCopy(extra); }

    /** Reads a transformer saved with {@code write().save(path)} (or as a stage of a saved Pipeline). */
    public static MLReader<JTunePredictor> read() { return new DefaultParamsReader<>(); }

    public static JTunePredictor load(String path) { return read().load(path); }
}
