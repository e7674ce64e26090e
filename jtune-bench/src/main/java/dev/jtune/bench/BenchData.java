package dev.jtune.bench;

import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.BertTokenizerFast;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real text for the training workloads: the shared SST-2 4k sample ({@code ../shared/data/sst2-train-4k.tsv},
 * {@code sentence<TAB>label}) as it is for the dynamic-length workload (short phrases, dynamic padding), and for a
 * fixed shape B×L its sentences joined in file order until a row has at least L words, so that the tokenizer
 * truncates every row to exactly L tokens. Tokenized by the built-in all-MiniLM-L6-v2 tokenizer, through the
 * Trainer's own pipeline. Without the shared folder, rows of words from a fixed list stand in (said once).
 */
final class BenchData implements AutoCloseable {
    private final Path sst2;
    private final List<String[]> rows = new ArrayList<>(); // sentence, label
    private final Map<String, Path> files = new HashMap<>();
    private final Path dir;
    private BertTokenizerFast tokenizer;

    BenchData(Path shared) {
        Path f = shared.resolve("data/sst2-train-4k.tsv");
        try {
            dir = Files.createTempDirectory("jtune-bench-data");
            if (Files.isRegularFile(f)) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (String line : lines.subList(1, lines.size())) {
                    int tab = line.lastIndexOf('\t');
                    if (tab > 0) rows.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
                }
                sst2 = f;
            } else {
                System.out.println("bench data: " + f + " not found; training on generated sentences instead of SST-2");
                java.util.SplittableRandom r = new java.util.SplittableRandom(3);
                String[] words = Tokenize.WORDS;
                StringBuilder tsv = new StringBuilder("sentence\tlabel\n");
                for (int i = 0; i < 4000; i++) {
                    StringBuilder s = new StringBuilder();
                    for (int j = 0, n = 3 + r.nextInt(15); j < n; j++) s.append(j == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
                    String label = String.valueOf(r.nextInt(2));
                    rows.add(new String[] {s.toString(), label});
                    tsv.append(s).append('\t').append(label).append('\n');
                }
                sst2 = dir.resolve("generated-sentences.tsv");
                Files.writeString(sst2, tsv);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sentence file of the dynamic-length workload (SST-2 4k, or the generated stand-in). */
    Path sentences() { return sst2; }

    /** Whether {@link #sentences()} is the shared SST-2 sample. */
    boolean isSst2() { return !sst2.startsWith(dir); }

    /** A TSV of {@code n} rows of at least {@code words} words each (consecutive sentences joined), label of the first. */
    synchronized Path fixedLength(int words, int n) {
        return files.computeIfAbsent(words + "x" + n, k -> {
            StringBuilder tsv = new StringBuilder("sentence\tlabel\n");
            int next = 0;
            for (int i = 0; i < n; i++) {
                StringBuilder s = new StringBuilder();
                String label = rows.get(next % rows.size())[1];
                int count = 0;
                while (count < words) {
                    String sentence = rows.get(next++ % rows.size())[0];
                    if (s.length() > 0) s.append(' ');
                    s.append(sentence);
                    count += sentence.split("\\s+").length;
                }
                tsv.append(s).append('\t').append(label).append('\n');
            }
            Path p = dir.resolve("fixed-" + k + ".tsv");
            try {
                Files.writeString(p, tsv);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p;
        });
    }

    /** The built-in all-MiniLM-L6-v2 tokenizer (WordPiece, uncased; vocabulary 30,522). */
    synchronized BertTokenizerFast tokenizer() {
        if (tokenizer == null) {
            try (InputStream in = BenchData.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
                if (in == null) throw new IllegalStateException("all-minilm-l6-v2-tokenizer.json is not on the classpath (jtune-core)");
                tokenizer = AutoTokenizer.fromTokenizerJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), "all-minilm-l6-v2-tokenizer.json");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    @Override
    public void close() {
        if (tokenizer != null) tokenizer.close();
        LoopRunner.deleteQuietly(dir);
    }
}
