package org.kerbscope.net.internal;

import java.nio.ByteBuffer;

/**
 * Addresses as two longs (IPv4 in the low 32 bits of {@code lo}, {@code hi} = {@link #V4}), so keys hash
 * and compare without byte arrays.
 */
public final class Addr {
    /** The {@code hi} word of every IPv4 address: no IPv6 address in use starts with it (it is 0::/8-reserved). */
    public static final long V4 = 0x00FF_0000_0000_0000L;

    private Addr() {
    }

    public static byte[] bytes(long hi, long lo) {
        if (hi == V4) {
            int a = (int) lo;
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        return ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
    }

    public static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
