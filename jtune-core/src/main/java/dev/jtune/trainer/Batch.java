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
 * labels — int64 (B) class ids, float32 (B) scores or float32 (B, C) multi-hot — or null.
 *
 * @param rows     the data indices in this batch
 * @param numItems labelled items for the loss mean: rows whose class id is not -100, else the batch size
 */
public record Batch(int[] rows, Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels, long numItems) {

    public int size() { return rows.length; }

    /** The same inputs without labels (what the model sees when a custom loss function takes the labels). */
    public Batch withoutLabels() { return new Batch(rows, inputIds, attentionMask, tokenTypeIds, null, numItems); }

    /** Pads rows of {@code features} to the longest and builds tensors (call inside a PointerScope). */
    public static Batch collate(Features features, int[] rows, DataCollatorWithPadding collator) {
        List<Encoding> enc = new ArrayList<>(rows.length);
        for (int r : rows) enc.add(features.encoding(r));
        BatchEncoding be = collator.pad(enc);
        long b = be.batchSize(), l = be.seqLen();
        Tensor ids = Torch.longs(be.flatInputIds(), b, l);
        Tensor mask = Torch.longs(be.flatAttentionMask(), b, l);
        Tensor types = Torch.longs(be.flatTokenTypeIds(), b, l);
        Tensor labels = null;
        long items = rows.length;
        LabelKind kind = features.labelKind();
        if (kind == LabelKind.CLASS_INDEX) {
            long[] y = new long[rows.length];
            items = 0;
            for (int i = 0; i < rows.length; i++) {
                y[i] = features.example(rows[i]).classId();
                if (y[i] != Example.IGNORE_INDEX) items++;
            }
            labels = Torch.longs(y, rows.length);
        } else if (kind == LabelKind.REGRESSION) {
            float[] y = new float[rows.length];
            for (int i = 0; i < rows.length; i++) y[i] = features.example(rows[i]).value();
            labels = Torch.floats(y, rows.length);
        } else if (kind == LabelKind.MULTI_HOT) {
            int c = features.example(rows[0]).multiHot().length;
            float[] y = new float[rows.length * c];
            for (int i = 0; i < rows.length; i++) System.arraycopy(features.example(rows[i]).multiHot(), 0, y, i * c, c);
            labels = Torch.floats(y, rows.length, c);
        }
        return new Batch(rows, ids, mask, types, labels, items);
    }
}
