package dev.jtune.modeling.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes pickles and torch.save-style zip archives for tests, opcode by opcode (as torch.save protocol 2 does). */
final class TorchCheckpoints {
    private TorchCheckpoints() {}

    /** A pickle written opcode by opcode. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int opcode) { out.write(opcode); return this; }

        Pickle proto() { return op(0x80).op(2); }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Pickle integer(long v) {
            if (v >= 0 && v < 256) return op('K').op((int) v);
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                op('J');
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
                return this;
            }
            op(0x8a).op(8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        Pickle mark() { return op('('); }

        Pickle tuple() { return op('t'); }

        Pickle emptyTuple() { return op(')'); }

        Pickle reduce() { return op('R'); }

        Pickle longs(long... values) {
            mark();
            for (long v : values) integer(v);
            return tuple();
        }

        byte[] bytes() { return out.toByteArray(); }
    }

    /** One tensor: a view (offset, size, stride) of storage {@code key}. */
    record Tensor(String name, String storageType, String key, long storageNumel, long offset, long[] size,
                  long[] stride) {
        static Tensor contiguous(String name, String storageType, String key, long... size) {
            long[] stride = new long[size.length];
            long s = 1;
            for (int i = size.length - 1; i >= 0; i--) { stride[i] = s; s *= size[i]; }
            return new Tensor(name, storageType, key, s, 0, size, stride);
        }
    }

    /** The data.pkl of an OrderedDict state dict, as torch.save writes it. */
    static byte[] stateDictPickle(List<Tensor> tensors) {
        Pickle p = new Pickle().proto().global("collections", "OrderedDict").emptyTuple().reduce().mark();
        for (Tensor t : tensors) {
            p.str(t.name()).global("torch._utils", "_rebuild_tensor_v2").mark();
            p.mark().str("storage").global("torch", t.storageType()).str(t.key()).str("cpu").integer(t.storageNumel())
                    .tuple().op('Q');
            p.integer(t.offset()).longs(t.size()).longs(t.stride()).op(0x89);
            p.global("collections", "OrderedDict").emptyTuple().reduce();
            p.tuple().reduce();
        }
        return p.op('u').op('.').bytes();
    }

    /** A torch.save zip: {@code <prefix>/data.pkl}, {@code <prefix>/data/<key>}, {@code <prefix>/version}. */
    static byte[] zip(String prefix, byte[] pickle, Map<String, byte[]> storages) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(prefix + "/data.pkl", pickle);
        storages.forEach((k, v) -> entries.put(prefix + "/data/" + k, v));
        entries.put(prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return zipEntries(entries);
    }

    /** A zip of STORED entries (as torch writes them). */
    static byte[] zipEntries(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zos = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                zos.putNextEntry(ze);
                zos.write(e.getValue());
                zos.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    static byte[] longsLe(long... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        return b.array();
    }

    /** A small valid checkpoint: a contiguous matrix, a transposed view, an offset view and an int64 buffer. */
    static byte[] sample() {
        List<Tensor> tensors = List.of(
                Tensor.contiguous("a.weight", "FloatStorage", "0", 2, 3),
                new Tensor("a.weight_t", "FloatStorage", "0", 6, 0, new long[] {3, 2}, new long[] {1, 3}),
                new Tensor("b.bias", "FloatStorage", "1", 8, 2, new long[] {3}, new long[] {1}),
                Tensor.contiguous("ids", "LongStorage", "2", 1, 4));
        Map<String, byte[]> storages = new LinkedHashMap<>();
        storages.put("0", floats(1, 2, 3, 4, 5, 6));
        storages.put("1", floats(10, 11, 12, 13, 14, 15, 16, 17));
        storages.put("2", longsLe(0, 1, 2, 3));
        return zip("archive", stateDictPickle(tensors), storages);
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }
}
