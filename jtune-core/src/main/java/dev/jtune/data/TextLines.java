package dev.jtune.data;

import dev.jtune.JTuneException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A file's physical lines decoded as strict UTF-8; a line with invalid bytes is null (line numbers stay exact). */
public final class TextLines {
    private TextLines() {}

    /**
     * Streams {@code file}'s lines (as {@link #decode}) with two budgets checked while reading, so that neither a
     * huge file nor a file without newlines ({@code /dev/zero}) is ever held in memory: a line longer than
     * {@code maxRowBytes} and a file longer than {@code maxFileBytes} (checked up front for a regular file, and
     * while reading for a pipe or device) stop the read with a {@link JTuneException} naming the limit and the flag.
     */
    static List<String> read(Path file, long maxRowBytes, long maxFileBytes) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) > maxFileBytes) throw tooLarge(file, Files.size(file) + " bytes", maxFileBytes);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        byte[] line = new byte[8192];
        int len = 0;
        long total = 0, lineNo = 1;
        boolean first = true;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxFileBytes) throw tooLarge(file, "more than " + maxFileBytes + " bytes read", maxFileBytes);
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] != '\n') continue;
                    len = append(line = grow(line, len, i - from, maxRowBytes, file, lineNo), len, buf, from, i - from);
                    lines.add(finish(dec, line, len, first));
                    first = false;
                    len = 0;
                    lineNo++;
                    from = i + 1;
                }
                line = grow(line, len, n - from, maxRowBytes, file, lineNo);
                len = append(line, len, buf, from, n - from);
            }
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (len > 0) lines.add(finish(dec, line, len, first));
        return lines;
    }

    private static byte[] grow(byte[] line, int len, int more, long max, Path file, long lineNo) {
        long need = (long) len + more;
        if (need > max) {
            throw new JTuneException(file + " line " + lineNo + " is longer than " + max + " bytes (--max-row-bytes)",
                    "a data row (one line; a CSV record may span lines) holds at most --max-row-bytes bytes, " + max + " by default",
                    "check that the file is a text data file with one row per line; for really long rows pass --max-row-bytes "
                            + Math.max(need, 2 * max) + " (rows are truncated to --max-length tokens anyway)");
        }
        if (need <= line.length) return line;
        return java.util.Arrays.copyOf(line, (int) Math.min(max, Math.max(need, 2L * line.length)));
    }

    private static int append(byte[] line, int len, byte[] buf, int from, int count) {
        System.arraycopy(buf, from, line, len, count);
        return len + count;
    }

    private static String finish(CharsetDecoder dec, byte[] line, int len, boolean first) {
        int start = first && len >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF ? 3 : 0;
        int end = len > start && line[len - 1] == '\r' ? len - 1 : len;
        return decodeLine(dec, line, start, end);
    }

    private static JTuneException tooLarge(Path file, String size, long max) {
        return new JTuneException("data file " + file + " is larger than " + max + " bytes (" + size + "; --max-file-bytes)",
                "a data file is read into memory, so it may hold at most --max-file-bytes bytes, by default a quarter of the Java heap ("
                        + (ReadOptions.defaultMaxFileBytes() >> 20) + " MiB now)",
                "split the file, or raise the heap (JTUNE_HEAP=8g ./jtune ...) and pass --max-file-bytes");
    }

    private static JTuneException unreadable(Path file, IOException e) {
        return new JTuneException("data file " + file + " cannot be read: " + e, "the data file must be readable", "check its permissions", e);
    }

    /** Splits on LF (a trailing CR is dropped), strips a leading byte-order mark; the last line is kept only if non-empty. */
    public static List<String> decode(byte[] bytes) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) start = 3;
        for (int i = start; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                int end = i;
                if (i == bytes.length && end == start) break; // no empty line after a final newline
                if (end > start && bytes[end - 1] == '\r') end--;
                lines.add(decodeLine(dec, bytes, start, end));
                start = i + 1;
            }
        }
        return lines;
    }

    private static String decodeLine(CharsetDecoder dec, byte[] bytes, int from, int to) {
        try {
            dec.reset();
            CharBuffer cb = dec.decode(ByteBuffer.wrap(bytes, from, to - from));
            return cb.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
