package dev.jtune.modeling.io;

import dev.jtune.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtune.JTuneException;
import dev.jtune.io.DType;
import dev.jtune.io.RawTensor;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format (8-byte little-endian header length, JSON header, data buffer), checking
 * every claim of the header against the file before allocating anything.
 */
public final class SafeTensors {
    /** Largest header accepted (the Rust safetensors library uses the same bound). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";
    private static final String RULE = "a safetensors file is an 8-byte little-endian header length N, N bytes of "
            + "JSON header {name: {dtype, shape, data_offsets}, __metadata__: {str: str}}, then the tensor bytes";
    private static final String FIX = "the file is damaged or not safetensors: download it again, or re-save it "
            + "with save_pretrained(..., safe_serialization=True)";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SafeTensors() {}

    /** The contents of a safetensors file: tensors in header order, and the {@code __metadata__} strings. */
    public record SafeTensorsFile(Map<String, RawTensor> tensors, Map<String, String> metadata) {}

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

    /**
     * Reads a safetensors file: the header is checked completely (offsets within the file, no overlaps, shapes that
     * match the byte counts) before anything else, then each tensor is a read-only memory map of its byte range, so
     * the file's size is bounded by the disk, not the heap (a tensor's bytes are read when it is used).
     */
    public static SafeTensorsFile read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, "the file has " + size + " bytes, fewer than the 8-byte header length");
            ByteBuffer lenBuf = readRange(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
            long n = lenBuf.getLong(0);
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw bad(file, "header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            if (n > size - 8) {
                throw bad(file, "header length " + n + " is larger than the rest of the file (" + (size - 8) + " bytes)");
            }
            ByteBuffer headerBuf = readRange(ch, 8, (int) n);
            long dataStart = 8 + n;
            long dataLen = size - dataStart;
            JsonNode header = parseHeader(file, headerBuf);
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> it = header.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                if (METADATA_KEY.equals(f.getKey())) {
                    readMetadata(file, f.getValue(), metadata);
                } else {
                    entries.add(parseEntry(file, f.getKey(), f.getValue(), dataLen));
                }
            }
            checkNoOverlap(file, entries);
            LinkedHashMap<String, RawTensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                long len = e.end - e.begin;
                if (len > Integer.MAX_VALUE - 8) {
                    throw new JTuneException("safetensors file " + file + ": tensor '" + e.name + "' has " + len
                            + " bytes", "jtune reads tensors of at most 2 GiB each",
                            "split the tensor or use a smaller model");
                }
                // memory-mapped, not copied: nothing is read until a tensor is used, so a checkpoint larger than the
                // heap loads, and tensors the model does not use (pretraining heads, ...) cost no memory at all
                ByteBuffer data = len == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin, len);
                tensors.put(e.name, new RawTensor(e.dtype, e.shape, data.order(ByteOrder.LITTLE_ENDIAN)));
            }
            return new SafeTensorsFile(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new JTuneException("safetensors file " + file + " does not exist", "the file must exist",
                    "check the path");
        } catch (IOException e) {
            throw new JTuneException("safetensors file " + file + " could not be read: " + e, RULE, FIX, e);
        }
    }

    /** Writes {@code tensors} (keys sorted) atomically; {@code metadata} defaults to {"format": "pt"}. */
    public static void write(Path file, Map<String, RawTensor> tensors, Map<String, String> metadata) {
        TreeMap<String, RawTensor> sorted = new TreeMap<>(tensors);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt"); // transformers refuses metadata without a known format
        if (metadata != null) meta.putAll(metadata);
        ObjectNode header = JSON.createObjectNode();
        ObjectNode metaNode = header.putObject(METADATA_KEY);
        meta.forEach(metaNode::put);
        long offset = 0;
        for (Map.Entry<String, RawTensor> e : sorted.entrySet()) {
            if (METADATA_KEY.equals(e.getKey())) {
                throw new JTuneException("tensor name '__metadata__'", "that name is reserved by safetensors",
                        "rename the tensor");
            }
            RawTensor t = e.getValue();
            ObjectNode node = header.putObject(e.getKey());
            node.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = node.putArray("shape");
            for (long d : t.shape()) shape.add(d);
            long len = t.data().remaining();
            node.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        try {
            AtomicFiles.write(file, ch -> {
                AtomicFiles.writeFully(ch, head);
                for (RawTensor t : sorted.values()) AtomicFiles.writeFully(ch, t.data().duplicate());
            });
        } catch (IOException e) {
            throw new JTuneException("could not write " + file + ": " + e, "the output folder must be writable",
                    "check the path, permissions and free disk space", e);
        }
    }

    private static JsonNode parseHeader(Path file, ByteBuffer headerBuf) {
        byte[] bytes = new byte[headerBuf.remaining()];
        headerBuf.get(bytes);
        JsonNode header;
        try {
            header = JSON.readTree(bytes);
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            throw bad(file, "the header is not valid JSON (" + msg.lines().findFirst().orElse(msg) + ")");
        }
        if (header == null || !header.isObject()) {
            throw bad(file, "the header is not a JSON object");
        }
        return header;
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) throw bad(file, "__metadata__ is not a JSON object");
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw bad(file, "__metadata__ value for '" + m.getKey() + "' is not a string");
            }
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataLen) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) throw bad(file, where + " is not a JSON object");
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) throw bad(file, where + " has no dtype string");
        DType dtype = DType.fromSafetensors(dtypeNode.textValue());
        if (dtype == null) {
            throw bad(file, where + " has unknown dtype '" + dtypeNode.textValue() + "' (known: "
                    + Arrays.toString(DType.values()) + ")");
        }
        long[] shape = longArray(file, where + " shape", node.get("shape"), -1);
        long[] offsets = longArray(file, where + " data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) throw bad(file, where + " has data_offsets begin " + begin + " > end " + end);
        if (end > dataLen) {
            throw bad(file, where + " has data_offsets end " + end + " beyond the data buffer (" + dataLen + " bytes)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(RawTensor.numel(shape), dtype.size());
        } catch (ArithmeticException e) {
            throw bad(file, where + " has a shape " + Arrays.toString(shape) + " whose element count overflows");
        }
        if (bytes != end - begin) {
            throw bad(file, where + " of dtype " + dtype + " and shape " + Arrays.toString(shape) + " needs " + bytes
                    + " bytes but its data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] longArray(Path file, String what, JsonNode node, int expectedLength) {
        if (node == null || !node.isArray()) throw bad(file, what + " is missing or not an array");
        if (expectedLength >= 0 && node.size() != expectedLength) {
            throw bad(file, what + " has " + node.size() + " entries, expected " + expectedLength);
        }
        if (node.size() > 64) throw bad(file, what + " has " + node.size() + " entries (more than 64)");
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw bad(file, what + " entry " + i + " (" + v + ") is not a 64-bit integer");
            }
            out[i] = v.longValue();
            if (out[i] < 0) throw bad(file, what + " entry " + i + " is negative (" + out[i] + ")");
        }
        return out;
    }

    private static void checkNoOverlap(Path file, List<Entry> entries) {
        List<Entry> byBegin = new ArrayList<>(entries);
        byBegin.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry prev = null;
        for (Entry e : byBegin) {
            if (e.begin == e.end) continue; // empty tensors occupy no bytes
            if (prev != null && e.begin < prev.end) {
                throw bad(file, "tensors '" + prev.name + "' [" + prev.begin + ", " + prev.end + ") and '" + e.name
                        + "' [" + e.begin + ", " + e.end + ") overlap");
            }
            prev = e;
        }
    }

    static ByteBuffer readRange(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) throw new EOFException("unexpected end of file at byte " + pos);
            pos += r;
        }
        buf.flip();
        return buf.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static JTuneException bad(Path file, String problem) {
        return new JTuneException("safetensors file " + file + ": " + problem, RULE, FIX);
    }
}
