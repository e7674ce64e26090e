package dev.jtune.spark;

import dev.jtune.JTuneException;
import dev.jtune.inference.Prediction;
import dev.jtune.inference.Predictor;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The work of one partition, run on an executor: rows are read {@code batchSize} at a time, predicted through
 * the JVM's one {@link Predictor} for the folder (one batch at a time per JVM: libtorch already uses every core),
 * and written out as the input row plus label, score, probabilities and labels. Serialised to the executors, so it
 * holds only settings.
 */
final class PartitionPredictor implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final String modelPath;
    private final String inputCol;
    private final int textIndex;
    private final int pairIndex;
    private final int batchSize;
    private final Integer maxLength;
    private final Double threshold;

    PartitionPredictor(String modelPath, String inputCol, int textIndex, int pairIndex, int batchSize,
                       Integer maxLength, Double threshold) {
        this.modelPath = modelPath;
        this.inputCol = inputCol;
        this.textIndex = textIndex;
        this.pairIndex = pairIndex;
        this.batchSize = batchSize;
        this.maxLength = maxLength;
        this.threshold = threshold;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        if (!input.hasNext()) return input;
        ExecutorModels.Loaded loaded = ExecutorModels.get(modelPath);
        Predictor predictor = loaded.predictor();
        int maxLen = maxLength != null ? maxLength : loaded.trainedMaxLength();
        double[] thresholds = predictor.thresholds(threshold);
        return new Iterator<>() {
            private final List<Row> out = new ArrayList<>();
            private int next;
            private long seen;

            @Override
            public boolean hasNext() {
                if (next < out.size()) return true;
                if (!input.hasNext()) return false;
                fill();
                return next < out.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return out.get(next++);
            }

            private void fill() {
                out.clear();
                next = 0;
                List<Row> rows = new ArrayList<>(batchSize);
                List<String> texts = new ArrayList<>(batchSize);
                List<String> pairs = pairIndex >= 0 ? new ArrayList<>(batchSize) : null;
                while (input.hasNext() && rows.size() < batchSize) {
                    Row r = input.next();
                    seen++;
                    if (r.isNullAt(textIndex)) {
                        TaskContext tc = TaskContext.get();
                        throw new JTuneException("column \"" + inputCol + "\" is null in row " + seen + " of partition "
                                + (tc == null ? "?" : tc.partitionId()),
                                "every row needs a text to predict (JTunePredictor inputCol)",
                                "filter the nulls first, e.g. df.na().drop(new String[] {\"" + inputCol + "\"})");
                    }
                    rows.add(r);
                    texts.add(r.getString(textIndex));
                    if (pairs != null) pairs.add(r.isNullAt(pairIndex) ? null : r.getString(pairIndex));
                }
                List<Prediction> preds;
                synchronized (predictor) {
                    preds = predictor.predict(texts, pairs, batchSize, maxLen, thresholds);
                }
                for (int i = 0; i < rows.size(); i++) out.add(append(rows.get(i), preds.get(i)));
            }
        };
    }

    private static Row append(Row in, Prediction p) {
        int n = in.length();
        Object[] v = new Object[n + 4];
        for (int i = 0; i < n; i++) v[i] = in.get(i);
        v[n] = p.label();
        v[n + 1] = p.score();
        v[n + 2] = p.probabilities() == null ? null : CollectionConverters.asScala(p.probabilities());
        v[n + 3] = p.labels() == null ? null : CollectionConverters.asScala(p.labels()).toSeq();
        return RowFactory.create(v);
    }
}
