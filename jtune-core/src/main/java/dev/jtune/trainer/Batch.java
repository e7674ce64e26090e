package dev.jtune.trainer;

import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.tokenization.BatchEncoding;
import dev.jtune.tokenization.DataCollatorWithPadding;
import dev.jtune.tokenization.Encoding;
import dev.jtune.torch.Torch;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * One padded micro-batch as tensors (HF's model inputs): input ids, attention mask, token type ids (B, L) and the
 * labels — int64 (B) class ids, float32 (B) scores, float32 (B, C) multi-hot, int64 (B, L) token tags padded with
 * -100 (HF's {@code DataCollatorForTokenClassification}) — or null.
 *
 * @param rows     the data indices in this batch
 * @param numItems labelled items for the loss mean: tokens or rows whose label is not -100, else the batch size
 */
public record Batch(int[] rows, Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels, long numItems) {

    public int size() { return rows.length; }

    /** The same inputs without labels (what the model sees when a custom loss function takes the labels). */
    public Batch withoutLabels() { return new Batch(rows, inputIds, attentionMask, tokenTypeIds, null, numItems); }

    /** Pads rows of {@code features} to the longest and builds tensors (call inside a PointerScope). */
    public static Batch collate(Features features, int[] rows, DataCollatorWithPadding collator) {
        return pad(features, rows, collator).toBatch();
    }

    /** The Java-side half of {@link #collate}: padding and labels as arrays, no native memory (any thread). */
    static Host pad(Features features, int[] rows, DataCollatorWithPadding collator) {
        List<Encoding> enc = new ArrayList<>(rows.length);
        for (int r : rows) enc.add(features.encoding(r));
        BatchEncoding be = collator.pad(enc);
        long[] classIds = null;
        float[] values = null;
        int columns = 0;
        long items = rows.length;
        LabelKind kind = features.labelKind();
        if (features.perToken()) {
            int l = be.seqLen();
            classIds = new long[rows.length * l];
            java.util.Arrays.fill(classIds, Example.IGNORE_INDEX);
            for (int i = 0; i < rows.length; i++) {
                long[] t = features.tokenLabels(rows[i]);
                System.arraycopy(t, 0, classIds, i * l, t.length);
            }
            items = features.countedItems(rows);
            columns = -l;
        } else if (kind == LabelKind.CLASS_INDEX) {
            classIds = new long[rows.length];
            items = 0;
            for (int i = 0; i < rows.length; i++) {
                classIds[i] = features.example(rows[i]).classId();
                if (classIds[i] != Example.IGNORE_INDEX) items++;
            }
        } else if (kind == LabelKind.REGRESSION) {
            values = new float[rows.length];
            for (int i = 0; i < rows.length; i++) values[i] = features.example(rows[i]).value();
        } else if (kind == LabelKind.MULTI_HOT) {
            columns = features.example(rows[0]).multiHot().length;
            values = new float[rows.length * columns];
            for (int i = 0; i < rows.length; i++) System.arraycopy(features.example(rows[i]).multiHot(), 0, values, i * columns, columns);
        }
        return new Host(rows, be.batchSize(), be.seqLen(), be.flatInputIds(), be.flatAttentionMask(), be.flatTokenTypeIds(),
                classIds, values, columns, items);
    }

    /**
     * A padded micro-batch still in Java arrays (what {@link BatchPrefetcher} prepares ahead on its thread).
     *
     * @param classIds class ids (CLASS_INDEX labels), token labels (B × L, columns = -L), or null
     * @param values   regression values (columns = 0) or multi-hot rows (B × columns), or null
     */
    record Host(int[] rows, long b, long l, long[] inputIds, long[] attentionMask, long[] tokenTypeIds, long[] classIds,
                float[] values, int columns, long numItems) {
        /** The tensors (call inside a PointerScope). */
        Batch toBatch() {
            Tensor labels = null;
            if (classIds != null && columns < 0) labels = Torch.longs(classIds, rows.length, -columns);
            else if (classIds != null) labels = Torch.longs(classIds, rows.length);
            else if (values != null && columns == 0) labels = Torch.floats(values, rows.length);
            else if (values != null) labels = Torch.floats(values, rows.length, columns);
            return new Batch(rows, Torch.longs(inputIds, b, l), Torch.longs(attentionMask, b, l), Torch.longs(tokenTypeIds, b, l),
                    labels, numItems);
        }
    }
}
