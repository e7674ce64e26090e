package dev.jtune.trainer;

import dev.jtune.data.Dataset;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.tokenization.Encoding;
import dev.jtune.tokenization.PreTrainedTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A data set tokenised once (no padding) with its labels, ready for batching: HF's {@code dataset.map(tokenize)}.
 */
public final class Features {
    private final Dataset dataset;
    private final List<Encoding> encodings;

    private Features(Dataset dataset, List<Encoding> encodings) {
        this.dataset = dataset;
        this.encodings = encodings;
    }

    /** Tokenises every example (text, optional pair) with truncation to {@code maxLength}. */
    public static Features tokenize(Dataset dataset, PreTrainedTokenizer tokenizer, int maxLength) {
        List<String> texts = new ArrayList<>(dataset.size());
        List<String> pairs = new ArrayList<>(dataset.size());
        boolean anyPair = false;
        for (Example e : dataset.examples()) {
            texts.add(e.text());
            pairs.add(e.textPair());
            anyPair |= e.textPair() != null;
        }
        List<Encoding> enc = new ArrayList<>(dataset.size());
        int chunk = 512;
        for (int i = 0; i < texts.size(); i += chunk) {
            int j = Math.min(texts.size(), i + chunk);
            enc.addAll(tokenizer.encodeBatch(texts.subList(i, j), anyPair ? pairs.subList(i, j) : null, maxLength));
        }
        return new Features(dataset, enc);
    }

    public Dataset dataset() { return dataset; }

    public int size() { return encodings.size(); }

    public Encoding encoding(int i) { return encodings.get(i); }

    public Example example(int i) { return dataset.examples().get(i); }

    public LabelKind labelKind() { return dataset.labelKind(); }

    /** Token count of example i (for length grouping and statistics). */
    public int length(int i) { return encodings.get(i).length(); }

    public int[] lengths() {
        int[] l = new int[size()];
        for (int i = 0; i < l.length; i++) l[i] = length(i);
        return l;
    }
}
