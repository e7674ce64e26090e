package dev.jtune.modeling.io;

import dev.jtune.JTuneException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The zip container of {@code torch.save} (PyTorch 1.6+): {@code <prefix>/data.pkl} plus one entry per storage,
 * {@code <prefix>/data/<key>}. Entries are read into memory with sizes checked against the archive.
 */
final class TorchZip implements AutoCloseable {
    static final int MAX_PICKLE_BYTES = 64 << 20;
    /** Deflate cannot expand data by more than about 1032:1. */
    private static final long MAX_DEFLATE_RATIO = 1100;
    static final String RULE = "pytorch_model.bin must be a torch.save zip archive (PyTorch >= 1.6): "
            + "<name>/data.pkl plus <name>/data/<storage key> entries";
    static final String FIX = "download the checkpoint again, or convert it to model.safetensors in Python "
            + "(safetensors.torch.save_file(torch.load(path, weights_only=True), 'model.safetensors', "
            + "metadata={'format': 'pt'}))";

    private final Path file;
    private final ZipFile zip;
    private final String prefix;

    private TorchZip(Path file, ZipFile zip, String prefix) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
    }

    static TorchZip open(Path file) {
        checkNotLegacy(file);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw bad(file, "it is not a readable zip archive (" + e.getMessage() + ")", e);
        }
        try {
            String prefix = null;
            List<String> names = new ArrayList<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                checkEntryName(file, name);
                names.add(name);
                int slash = name.indexOf('/');
                if (slash > 0 && name.indexOf('/', slash + 1) < 0 && name.endsWith("/data.pkl")) {
                    if (prefix != null) throw bad(file, "it holds more than one data.pkl", null);
                    prefix = name.substring(0, slash);
                }
            }
            if (prefix == null) {
                throw bad(file, "it has no <name>/data.pkl entry (entries: "
                        + names.subList(0, Math.min(names.size(), 10)) + ")", null);
            }
            TorchZip tz = new TorchZip(file, zip, prefix);
            tz.checkByteOrder();
            return tz;
        } catch (RuntimeException e) {
            closeQuietly(zip);
            if (e instanceof JTuneException) throw e;
            throw bad(file, "it is not a readable zip archive (" + e.getMessage() + ")", e);
        }
    }

    Path file() { return file; }

    String prefix() { return prefix; }

    byte[] pickle() {
        ZipEntry e = zip.getEntry(prefix + "/data.pkl");
        long declared = e.getSize();
        if (declared > MAX_PICKLE_BYTES) {
            throw bad(file, "data.pkl is " + declared + " bytes, more than the " + MAX_PICKLE_BYTES + " allowed", null);
        }
        ByteBuffer b = readEntry(e, declared >= 0 ? (int) declared : -1, MAX_PICKLE_BYTES);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** The bytes of storage {@code key}; exactly {@code bytes} long, refused when the entry is shorter. */
    ByteBuffer storage(String key, long bytes) {
        if (key.isEmpty() || !key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
            throw bad(file, "storage key '" + key + "' is not a plain name", null);
        }
        ZipEntry e = zip.getEntry(prefix + "/data/" + key);
        if (e == null) throw bad(file, "storage entry " + prefix + "/data/" + key + " is missing", null);
        long declared = e.getSize();
        long compressed = e.getCompressedSize();
        long plausible = e.getMethod() == ZipEntry.STORED ? compressed : compressed * MAX_DEFLATE_RATIO + 1024;
        if ((declared >= 0 && declared < bytes) || (compressed >= 0 && bytes > plausible)) {
            throw bad(file, "storage " + key + " should hold " + bytes + " bytes but its zip entry holds "
                    + (declared >= 0 ? declared : "fewer"), null);
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new JTuneException("pytorch_model.bin " + file + ": storage " + key + " has " + bytes + " bytes",
                    "jtune reads storages of at most 2 GiB each", FIX);
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (storagesRead + bytes > heap / 4 * 3) {
            throw new JTuneException("pytorch_model.bin " + file + ": its storages hold more than " + (storagesRead + bytes >> 20)
                    + " MiB, more than three quarters of the Java heap (" + (heap >> 20) + " MiB)",
                    "a pytorch_model.bin is read into the heap (safetensors files are memory-mapped instead)",
                    "convert the checkpoint to safetensors (save_pretrained(..., safe_serialization=True)), or raise the heap (JTUNE_HEAP=8g)");
        }
        storagesRead += bytes;
        return readEntry(e, (int) bytes, (int) bytes);
    }

    /** Bytes of storages read so far (budget: three quarters of the heap). */
    private long storagesRead;

    /** Reads {@code exact} bytes (or, when -1, everything up to {@code max}). */
    private ByteBuffer readEntry(ZipEntry e, int exact, int max) {
        try (InputStream in = zip.getInputStream(e)) {
            byte[] buf;
            if (exact >= 0) {
                buf = in.readNBytes(exact);
                if (buf.length != exact) {
                    throw bad(file, "entry " + e.getName() + " ends after " + buf.length + " of " + exact + " bytes", null);
                }
            } else {
                buf = in.readNBytes(max + 1);
                if (buf.length > max) throw bad(file, "entry " + e.getName() + " is larger than " + max + " bytes", null);
            }
            return ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException | RuntimeException ex) {
            if (ex instanceof JTuneException j) throw j;
            throw bad(file, "entry " + e.getName() + " cannot be read (" + ex.getMessage() + ")", ex);
        }
    }

    private void checkByteOrder() {
        ZipEntry e = zip.getEntry(prefix + "/byteorder");
        if (e == null) return;
        ByteBuffer b = readEntry(e, -1, 16);
        String order = new String(b.array(), b.position(), b.remaining(), java.nio.charset.StandardCharsets.US_ASCII);
        if (!order.trim().equals("little")) {
            throw bad(file, "its byteorder is '" + order.trim() + "'; only little-endian checkpoints are supported", null);
        }
    }

    private static void checkEntryName(Path file, String name) {
        String n = name.replace('\\', '/');
        boolean absolute = n.startsWith("/") || (n.length() > 1 && n.charAt(1) == ':');
        boolean dotDot = false;
        for (String part : n.split("/", -1)) if (part.equals("..")) dotDot = true;
        if (absolute || dotDot || n.indexOf('\0') >= 0) {
            throw new JTuneException("pytorch_model.bin " + file + ": zip entry '" + name + "'",
                    "zip entries must be relative paths without '..' (zip-slip protection)", FIX);
        }
    }

    /** PyTorch < 1.6 wrote a bare pickle stream starting with a magic number; say so instead of "not a zip". */
    private static void checkNotLegacy(Path file) {
        byte[] head = new byte[2];
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(2);
        } catch (IOException e) {
            throw bad(file, "it cannot be read (" + e.getMessage() + ")", e);
        }
        if (head.length == 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            throw new JTuneException("pytorch_model.bin " + file + " is in the legacy (PyTorch < 1.6) torch.save "
                    + "format", "jtune reads only the zip format that torch.save has written since PyTorch 1.6",
                    "re-save it with torch.save(torch.load(path, weights_only=True), path) in a current PyTorch, "
                    + "or convert it to model.safetensors");
        }
    }

    static JTuneException bad(Path file, String problem, Throwable cause) {
        return new JTuneException("pytorch_model.bin " + file + ": " + problem, RULE, FIX, cause);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }
}
