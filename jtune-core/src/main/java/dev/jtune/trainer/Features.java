package dev.jtune.trainer;

import dev.jtune.JTuneException;
import dev.jtune.data.Dataset;
import dev.jtune.data.Example;
import dev.jtune.data.LabelKind;
import dev.jtune.data.LabelMap;
import dev.jtune.data.TokenTags;
import dev.jtune.tokenization.Encoding;
import dev.jtune.tokenization.OffsetEncoding;
import dev.jtune.tokenization.WordAlignment;
import dev.jtune.tokenization.PreTrainedTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A data set tokenised once (no padding) with its labels, ready for batching: HF's {@code dataset.map(tokenize)}.
 */
public final class Features {
    private final Dataset dataset;
    private final List<Encoding> encodings;
    private final List<WordAlignment> alignments; // token tags: per row, else null
    private final long[][] tokenLabels;           // token tags: per row, one label per token, else null

    private Features(Dataset dataset, List<Encoding> encodings, List<WordAlignment> alignments, long[][] tokenLabels) {
        this.dataset = dataset;
        this.encodings = encodings;
        this.alignments = alignments;
        this.tokenLabels = tokenLabels;
    }

    /** Tokenises every example (text, optional pair) with truncation to {@code maxLength}. */
    public static Features tokenize(Dataset dataset, PreTrainedTokenizer tokenizer, int maxLength) {
        return tokenize(dataset, tokenizer, maxLength, false, Integer.MAX_VALUE);
    }

    /**
     * As {@link #tokenize(Dataset, PreTrainedTokenizer, int)}; for token tags, word tags are aligned to sub-tokens
     * ({@link WordAlignment}): only the first sub-token of a word counts, or every sub-token with
     * {@code labelAllTokens} (B- becomes I- on continuations). Per-token labels are used as given (cut or padded
     * with -100 to the encoding's length). Every token id is checked against the model's embedding table
     * ({@code vocab_size}): a tokenizer larger than the embedding is an error naming the id, the row and both sizes,
     * before the first step (libtorch would fail with "index out of range in self").
     */
    public static Features tokenize(Dataset dataset, PreTrainedTokenizer tokenizer, int maxLength, boolean labelAllTokens, int vocabSize) {
        Features f = tokenizeUnchecked(dataset, tokenizer, maxLength, labelAllTokens);
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

    private static Features tokenizeUnchecked(Dataset dataset, PreTrainedTokenizer tokenizer, int maxLength, boolean labelAllTokens) {
        if (dataset.labelKind() == LabelKind.TOKEN_TAGS || dataset.examples().stream().anyMatch(e -> e.tokenTags() != null)) {
            return tokenizeTokens(dataset, tokenizer, maxLength, labelAllTokens);
        }
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
        return new Features(dataset, enc, null, null);
    }

    private static Features tokenizeTokens(Dataset dataset, PreTrainedTokenizer tokenizer, int maxLength, boolean labelAllTokens) {
        int[] bToI = bToI(dataset.labelMap());
        int n = dataset.size();
        List<Encoding> enc = new ArrayList<>(n);
        List<WordAlignment> al = new ArrayList<>(n);
        long[][] labels = new long[n][];
        for (int i = 0; i < n; i++) {
            Example e = dataset.examples().get(i);
            TokenTags tt = e.tokenTags();
            boolean words = tt != null && tt.perWord();
            OffsetEncoding oe = words || e.textPair() == null ? tokenizer.encodeWithOffsets(e.text(), maxLength) : null;
            Encoding en = oe != null ? oe.encoding() : tokenizer.encode(e.text(), e.textPair(), maxLength);
            enc.add(en);
            int len = en.length();
            if (words) {
                WordAlignment a = WordAlignment.align(oe, tt.words(), tt.tags(), labelAllTokens, bToI);
                al.add(a);
                labels[i] = a.labels();
            } else {
                al.add(null);
                long[] l = new long[len];
                java.util.Arrays.fill(l, WordAlignment.IGNORE);
                if (tt != null && tt.tokenLabels() != null) {
                    for (int t = 0; t < Math.min(len, tt.tokenLabels().length); t++) l[t] = tt.tokenLabels()[t];
                }
                labels[i] = l;
            }
        }
        return new Features(dataset, enc, al, labels);
    }

    /** Tag id → the id of its I- form for B- tags that have one (identity otherwise); null without a label map. */
    public static int[] bToI(LabelMap map) {
        if (map == null) return null;
        int[] m = new int[map.size()];
        for (int i = 0; i < m.length; i++) {
            String name = map.name(i);
            m[i] = i;
            if (name.startsWith("B-") && map.label2id().containsKey("I-" + name.substring(2))) m[i] = map.id("I-" + name.substring(2));
        }
        return m;
    }

    /** True for token-classification features (labels per token). */
    public boolean perToken() { return tokenLabels != null; }

    /** Token labels of row i (one per token, -100 where not counted), or null for sequence features. */
    public long[] tokenLabels(int i) { return tokenLabels == null ? null : tokenLabels[i]; }

    /** The word alignment of row i (word tags), or null. */
    public WordAlignment alignment(int i) { return alignments == null ? null : alignments.get(i); }

    /** Labelled words that lost every token to truncation, over all rows (explain and the train log report it). */
    public int lostWords() {
        int n = 0;
        if (alignments != null) for (WordAlignment a : alignments) if (a != null) n += a.lostWords();
        return n;
    }

    /** Labelled positions in rows: tokens whose label is not -100 (token features), else rows with a label. */
    public long countedItems(int[] rows) {
        long n = 0;
        if (tokenLabels != null) {
            for (int r : rows) for (long v : tokenLabels[r]) if (v != WordAlignment.IGNORE) n++;
            return n;
        }
        if (labelKind() != LabelKind.CLASS_INDEX) return rows.length;
        for (int r : rows) if (example(r).classId() != Example.IGNORE_INDEX) n++;
        return n;
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
