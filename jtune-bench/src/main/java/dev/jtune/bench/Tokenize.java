package dev.jtune.bench;

import dev.jtune.tokenization.AutoTokenizer;
import dev.jtune.tokenization.BertTokenizerFast;
import dev.jtune.tokenization.DataCollatorWithPadding;
import dev.jtune.tokenization.Encoding;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Tokenization + padding cost per batch with the built-in all-MiniLM-L6-v2 tokenizer (HF fast tokenizer via DJL). */
final class Tokenize {
    static final String[] WORDS = ("the a movie film was is not very good bad great terrible plot actors story and but "
            + "with without surprisingly boring charming director's performance unforgettable overlong sentimental, however "
            + "it's an of to in that this for on as quite entirely remarkably").split(" ");

    private Tokenize() {}

    /** Median seconds to tokenize {@code batch} texts of about {@code seq} tokens (truncated to seq) and pad them. */
    static double secondsPerBatch(int batch, int seq, int reps) {
        String json;
        try (InputStream in = Tokenize.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            if (in == null) return Double.NaN;
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Double.NaN;
        }
        SplittableRandom rnd = new SplittableRandom(3);
        try (BertTokenizerFast tok = AutoTokenizer.fromTokenizerJson(json, "all-minilm-l6-v2-tokenizer.json")) {
            DataCollatorWithPadding collator = new DataCollatorWithPadding(tok);
            double[] t = new double[reps];
            for (int r = -1; r < reps; r++) {
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    StringBuilder sb = new StringBuilder();
                    for (int j = 0; j < seq; j++) sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
                    texts.add(sb.toString());
                }
                long t0 = System.nanoTime();
                List<Encoding> enc = tok.encodeBatch(texts, null, seq);
                collator.pad(enc);
                if (r >= 0) t[r] = Stats.seconds(System.nanoTime() - t0);
            }
            return Stats.median(t);
        }
    }
}
