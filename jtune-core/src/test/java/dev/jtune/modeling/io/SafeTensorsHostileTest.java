package dev.jtune.modeling.io;

import dev.jtune.JTuneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each hostile safetensors file is refused with a JTuneException naming the file and the problem. */
class SafeTensorsHostileTest {
    @TempDir
    Path tmp;

    private Path file(long headerLength, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(header);
        Path p = tmp.resolve("hostile.safetensors");
        Files.write(p, b.array());
        return p;
    }

    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, dataBytes);
    }

    private void refused(Path p, String expected) {
        JTuneException e = assertThrows(JTuneException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "says '" + expected + "': " + e.getMessage());
    }

    private static String one(String dtype, String shape, String offsets) {
        return "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path p = tmp.resolve("short.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        refused(p, "fewer than the 8-byte header length");
    }

    @Test
    void headerLongerThanTheFile() throws IOException {
        refused(file(1000, "{}".getBytes(StandardCharsets.UTF_8), 0), "larger than the rest of the file");
    }

    @Test
    void headerOverOneHundredMegabytes() throws IOException {
        refused(file(200_000_000L, "{}".getBytes(StandardCharsets.UTF_8), 0), "exceeds the limit");
    }

    @Test
    void headerLengthWithTheTopBitSet() throws IOException {
        refused(file(-8, "{}".getBytes(StandardCharsets.UTF_8), 0), "exceeds the limit");
    }

    @Test
    void headerNotJson() throws IOException {
        refused(file("{\"w\": [1, 2", 0), "not valid JSON");
    }

    @Test
    void headerNotAnObject() throws IOException {
        refused(file("[1, 2, 3]", 0), "not a JSON object");
    }

    @Test
    void duplicateTensorName() throws IOException {
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "not valid JSON");
    }

    @Test
    void unknownDtype() throws IOException {
        refused(file(one("F8_E9", "[1]", "[0,1]"), 1), "unknown dtype 'F8_E9'");
    }

    @Test
    void negativeShape() throws IOException {
        refused(file(one("F32", "[-1, 4]", "[0,16]"), 16), "negative");
    }

    @Test
    void fractionalShape() throws IOException {
        refused(file(one("F32", "[1.5]", "[0,4]"), 4), "not a 64-bit integer");
    }

    @Test
    void offsetsBeyondTheData() throws IOException {
        refused(file(one("F32", "[4]", "[0,16]"), 8), "beyond the data buffer");
    }

    @Test
    void beginAfterEnd() throws IOException {
        refused(file(one("F32", "[1]", "[8,4]"), 8), "begin 8 > end 4");
    }

    @Test
    void overlappingTensors() throws IOException {
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
    }

    @Test
    void byteLengthDifferentFromShape() throws IOException {
        refused(file(one("F32", "[3]", "[0,8]"), 8), "needs 12 bytes");
    }

    @Test
    void elementCountOverflow() throws IOException {
        refused(file(one("F32", "[4294967296, 4294967296]", "[0,4]"), 4), "overflows");
    }

    @Test
    void metadataValueNotAString() throws IOException {
        refused(file("{\"__metadata__\":{\"format\":1}}", 0), "not a string");
    }

    @Test
    void missingFile() {
        JTuneException e = assertThrows(JTuneException.class, () -> SafeTensors.read(tmp.resolve("nope.safetensors")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
