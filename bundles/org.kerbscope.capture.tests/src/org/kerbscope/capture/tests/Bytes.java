package org.kerbscope.capture.tests;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds test files field by field in a chosen byte order, as the format documents lay them out. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean bigEndian;

    Bytes(boolean bigEndian) {
        this.bigEndian = bigEndian;
    }

    static Bytes le() {
        return new Bytes(false);
    }

    static Bytes be() {
        return new Bytes(true);
    }

    Bytes u8(int v) {
        out.write(v);
        return this;
    }

    Bytes u16(int v) {
        if (bigEndian) {
            out.write(v >>> 8);
            out.write(v);
        } else {
            out.write(v);
            out.write(v >>> 8);
        }
        return this;
    }

    Bytes u32(long v) {
        int i = (int) v;
        if (bigEndian) {
            u16(i >>> 16).u16(i);
        } else {
            u16(i).u16(i >>> 16);
        }
        return this;
    }

    Bytes u64(long v) {
        if (bigEndian) {
            u32(v >>> 32).u32(v);
        } else {
            u32(v).u32(v >>> 32);
        }
        return this;
    }

    Bytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    Bytes ascii(String s) {
        return raw(s.getBytes(StandardCharsets.US_ASCII));
    }

    Bytes pad4() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** {@code n} bytes counting up from {@code seed}, so that every frame's content is recognisable. */
    static byte[] payload(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }
}
