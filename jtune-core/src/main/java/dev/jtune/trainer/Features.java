package dev.jtune.trainer;

import dev.jtune.JTuneException;
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
        return tokenize(dataset, tokenizer, maxLength, Integer.MAX_VALUE);
    }

    /**
     * As {@link #tokenize(Dataset, PreTrainedTokenizer, int)}, and checks every token id against the model's
     * embedding table ({@code vocab_size}): a tokenizer larger than the embedding is an error naming the id, the row
     * and both sizes, before the first step (libtorch would fail with "index out of range in self").
     */
    public static Features tokenize(Dataset dataset, PreTrainedTokenizer tokenizer, int maxLength, int vocabSize) {
        Features f = tokenizeUnchecked(dataset, tokenizer, maxLength);
        checkTokenIds(dataset, f.encodings, tokenizer, vocabSize);
        return f;
    }

    /** The check of {@link #tokenize(Dataset, PreTrainedTokenizer, int, int)} on encodings of {@code dataset}'s rows, in order. */
    public static void checkTokenIds(Dataset dataset, List<Encoding> encodings, PreTrainedTokenizer tokenizer, int vocabSize) {
        for (int i = 0; i < encodings.size(); i++) {
            for (long id : encodings.get(i).inputIds()) {
                if (id >= vocabSize || id < 0) {
                    Example e = dataset.examples().get(i);
                    throw new JTuneException("token id " + id + " of row " + (i + 1) + " of " + dataset.file()
                            + (e.id() != null ? " (id " + e.id() + ")" : "") + " is outside the model's embedding table (vocab_size "
                            + vocabSize + " in config.json; the tokenizer has " + tokenizer.vocabSize() + " tokens)",
                            "every token id must be smaller than vocab_size: the tokenizer and the model must belong together",
                            "use the tokenizer saved with this model (tokenizer.json of the same checkpoint), or resize the model's embeddings in Python first");
                }
            }
        }
    }

    private static Features tokenizeUnchecked(Dataset dataset, PreTrainedTokenizer tokenizer, int maxLength) {
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
