package dev.jtune.modeling.io;

import dev.jtune.JTuneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded mutation fuzzing: flipped, overwritten, inserted and truncated bytes in valid files must either load or
 * fail with a JTuneException (never another exception, a hang or an out-of-memory error).
 */
class WeightFilesFuzzTest {
    private static final long SEED = Long.getLong("jtune.fuzz.seed", 20240611L);
    /** -Djtune.fuzz.scale=N multiplies every mutant count (a longer run; see the README). */
    private static final int SCALE = Integer.getInteger("jtune.fuzz.scale", 1);

    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void mutatedSafetensorsFiles() throws IOException {
        Path valid = tmp.resolve("valid.safetensors");
        SafeTensors.write(valid, SafeTensorsTest.sample(), Map.of("k", "v"));
        byte[] base = Files.readAllBytes(valid);
        int[] outcomes = fuzz(base, 900 * SCALE, 400 * SCALE, p -> SafeTensors.read(p));
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "both outcomes seen: " + Arrays.toString(outcomes));
    }

    @Test
    @Timeout(60)
    void mutatedTorchZipFiles() throws IOException {
        int[] outcomes = fuzz(TorchCheckpoints.sample(), 500 * SCALE, 0, p -> TorchPickle.read(p));
        assertTrue(outcomes[1] > 0, Arrays.toString(outcomes));
    }

    @Test
    @Timeout(60)
    void mutatedPicklesInsideValidZips() throws IOException {
        byte[] pkl = TorchCheckpoints.stateDictPickle(java.util.List.of(
                TorchCheckpoints.Tensor.contiguous("a.weight", "FloatStorage", "0", 2, 3),
                new TorchCheckpoints.Tensor("a.t", "FloatStorage", "0", 6, 0, new long[] {3, 2}, new long[] {1, 3}),
                TorchCheckpoints.Tensor.contiguous("ids", "LongStorage", "1", 4)));
        Map<String, byte[]> storages = new LinkedHashMap<>();
        storages.put("0", TorchCheckpoints.floats(1, 2, 3, 4, 5, 6));
        storages.put("1", TorchCheckpoints.longsLe(0, 1, 2, 3));
        Random random = new Random(SEED + 1);
        Path file = tmp.resolve("pickle.bin");
        int ok = 0;
        int refused = 0;
        for (int i = 0; i < 700 * SCALE; i++) {
            byte[] mutated = mutate(pkl, random, pkl.length);
            Files.write(file, TorchCheckpoints.zip("archive", mutated, storages));
            if (attempt(file, p -> TorchPickle.read(p), i)) ok++;
            else refused++;
        }
        assertTrue(ok > 0 && refused > 0, ok + " loaded, " + refused + " refused");
    }

    /**
     * Amplification mutants (issue 16): a run of 200,000-700,000 repetitions of a short opcode chunk (empty dicts,
     * lists, tuples, marks, memoize, memo gets, pops) spliced into a valid state-dict pickle. Each loads or is refused
     * with a {@link JTuneException} within the budgets: never an OutOfMemoryError, never a hang.
     */
    @Test
    @Timeout(120)
    void amplifiedPicklesInsideValidZips() throws IOException {
        byte[] pkl = TorchCheckpoints.stateDictPickle(java.util.List.of(TorchCheckpoints.Tensor.contiguous("a.weight", "FloatStorage", "0", 2, 3)));
        Map<String, byte[]> storages = Map.of("0", TorchCheckpoints.floats(1, 2, 3, 4, 5, 6));
        int[][] alphabet = {{'}'}, {']'}, {')'}, {'('}, {0x94}, {'0'}, {'h', 0}, {'N'}, {'}', 0x94}, {'}', 0x94, '0'}, {']', '('}, {'(', ')'}};
        Random random = new Random(SEED + 2);
        Path file = tmp.resolve("amplified.bin");
        int refused = 0, budgetRefusals = 0;
        for (int i = 0; i < 40 * SCALE; i++) {
            java.io.ByteArrayOutputStream chunk = new java.io.ByteArrayOutputStream();
            for (int k = 0, n = 1 + random.nextInt(3); k < n; k++) for (int b : alphabet[random.nextInt(alphabet.length)]) chunk.write(b);
            byte[] c = chunk.toByteArray();
            int reps = 200_000 + random.nextInt(500_000);
            int pos = 2 + random.nextInt(pkl.length - 3); // after the PROTO opcode
            java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream(pkl.length + reps * c.length);
            m.write(pkl, 0, pos);
            for (int r = 0; r < reps; r++) m.write(c, 0, c.length);
            m.write(pkl, pos, pkl.length - pos);
            Files.write(file, TorchCheckpoints.zip("archive", m.toByteArray(), storages));
            if (!attempt(file, p -> TorchPickle.read(p), i)) {
                refused++;
                try {
                    TorchPickle.read(file);
                } catch (JTuneException e) {
                    if (e.getMessage().contains("values built") || e.getMessage().contains("memo entries")) budgetRefusals++;
                }
            }
        }
        assertTrue(budgetRefusals > 0, refused + " refused, none by a budget");
    }

    @Test
    @Timeout(60)
    void mutatedConfigJson() throws IOException {
        byte[] base = Files.readAllBytes(dev.jtune.testing.Fixtures.model("tiny-bert-single").resolve("config.json"));
        int[] outcomes = fuzz(base, 1000 * SCALE, 0, p -> {
            try {
                dev.jtune.models.bert.BertConfig.fromJson(Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1), p.toString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "both outcomes seen: " + Arrays.toString(outcomes));
    }

    /** Runs {@code count} mutants (plus {@code headerCount} confined to the first 200 bytes); returns {ok, refused}. */
    private int[] fuzz(byte[] base, int count, int headerCount, Consumer<Path> reader) throws IOException {
        Random random = new Random(SEED);
        Path file = tmp.resolve("mutant");
        int[] outcomes = new int[2];
        for (int i = 0; i < count + headerCount; i++) {
            byte[] mutated = mutate(base, random, i < count ? base.length : Math.min(200, base.length));
            Files.write(file, mutated);
            outcomes[attempt(file, reader, i) ? 0 : 1]++;
        }
        return outcomes;
    }

    private static boolean attempt(Path file, Consumer<Path> reader, int i) {
        try {
            reader.accept(file);
            return true;
        } catch (JTuneException expected) {
            return false;
        } catch (Throwable t) {
            fail("mutant " + i + " (seed " + SEED + ") threw " + t, t);
            return false;
        }
    }

    /** One to four random edits, at positions below {@code span}. */
    static byte[] mutate(byte[] base, Random r, int span) {
        byte[] b = base.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int pos = r.nextInt(Math.min(span, b.length));
            switch (r.nextInt(6)) {
                case 0 -> b[pos] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[pos] = (byte) r.nextInt(256);
                case 2 -> b[pos] = (byte) new int[] {0, 0xff, 0x7f, 0x80, '"', '-', '9', ']'}[r.nextInt(8)];
                case 3 -> b = Arrays.copyOf(b, pos);
                case 4 -> {
                    byte[] ins = new byte[1 + r.nextInt(8)];
                    r.nextBytes(ins);
                    byte[] out = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, out, 0, pos);
                    System.arraycopy(ins, 0, out, pos, ins.length);
                    System.arraycopy(b, pos, out, pos + ins.length, b.length - pos);
                    b = out;
                }
                default -> {
                    int len = Math.min(1 + r.nextInt(16), b.length - pos);
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, pos);
                    System.arraycopy(b, pos + len, out, pos, b.length - pos - len);
                    b = out;
                }
            }
        }
        return b;
    }
}
