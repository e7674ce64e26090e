package dev.jtune.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A file's physical lines decoded as strict UTF-8; a line with invalid bytes is null (line numbers stay exact). */
public final class TextLines {
    private TextLines() {}

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
