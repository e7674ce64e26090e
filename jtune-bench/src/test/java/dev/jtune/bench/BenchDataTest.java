package dev.jtune.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fixed-length rows are real sentences joined in file order until a row has the words asked for. */
class BenchDataTest {
    @TempDir
    Path shared;

    @Test
    void fixedLengthRowsJoinConsecutiveSentencesUntilLongEnough() throws IOException {
        Files.createDirectories(shared.resolve("data"));
        Files.writeString(shared.resolve("data/sst2-train-4k.tsv"), "sentence\tlabel\na b c\t1\nd e\t0\nf g h i\t1\n");
        try (BenchData d = new BenchData(shared)) {
            assertTrue(d.isSst2());
            List<String> lines = Files.readAllLines(d.fixedLength(4, 3));
            // row 1: "a b c" (3) + "d e" -> 5 words; row 2: "f g h i" -> 4; row 3 wraps: "a b c" + "d e"
            assertEquals(List.of("sentence\tlabel", "a b c d e\t1", "f g h i\t1", "a b c d e\t1"), lines);
        }
    }

    @Test
    void withoutTheSharedSampleGeneratedSentencesStandIn() throws IOException {
        try (BenchData d = new BenchData(shared)) {
            assertTrue(!d.isSst2());
            assertEquals(4001, Files.readAllLines(d.sentences()).size());
        }
    }
}
