package dev.jtune.modeling.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A minimal protocol-buffers wire-format reader: iterate fields, read varints, fixed values and slices. */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    /** Malformed protobuf data. */
    static final class ProtoException extends RuntimeException {
        ProtoException(String message) { super(message); }
    }

    private final ByteBuffer buf;
    private int field;
    private int wireType;

    ProtoReader(ByteBuffer buf) {
        this.buf = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (!buf.hasRemaining()) return false;
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field <= 0 || (key >>> 3) > Integer.MAX_VALUE) throw new ProtoException("invalid field number");
        return true;
    }

    boolean hasMore() { return buf.hasRemaining(); }

    int field() { return field; }

    int wireType() { return wireType; }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!buf.hasRemaining()) throw new ProtoException("truncated varint");
            byte b = buf.get();
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) return result;
        }
        throw new ProtoException("varint longer than 10 bytes");
    }

    /** The payload of the current length-delimited field, as a slice (no copy). */
    ByteBuffer bytes() {
        expect(LENGTH_DELIMITED);
        long len = varint();
        if (len < 0 || len > buf.remaining()) throw new ProtoException("length " + len + " runs past the end");
        ByteBuffer slice = buf.slice().limit((int) len).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(buf.position() + (int) len);
        return slice;
    }

    ProtoReader message() { return new ProtoReader(bytes()); }

    String string() {
        ByteBuffer b = bytes();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return new String(out, StandardCharsets.UTF_8);
    }

    int fixed32() {
        expect(FIXED32);
        if (buf.remaining() < 4) throw new ProtoException("truncated fixed32");
        return buf.getInt();
    }

    /** Skips the current field's value. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> bytes();
            case FIXED32 -> advance(4);
            default -> throw new ProtoException("unsupported wire type " + wireType);
        }
    }

    private void advance(int n) {
        if (buf.remaining() < n) throw new ProtoException("truncated field");
        buf.position(buf.position() + n);
    }

    private void expect(int wt) {
        if (wireType != wt) throw new ProtoException("field " + field + " has wire type " + wireType + ", expected " + wt);
    }
}
