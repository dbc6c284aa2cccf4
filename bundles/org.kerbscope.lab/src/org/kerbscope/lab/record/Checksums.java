package org.kerbscope.lab.record;

/** The Internet checksum (RFC 1071) for IPv4 headers and, with the pseudo-header, for TCP and UDP. */
final class Checksums {

    private Checksums() {
    }

    /** The one's-complement checksum of {@code len} bytes at {@code off}, continuing from {@code initial}. */
    static int ones(byte[] b, int off, int len, long initial) {
        long sum = initial;
        int i = off;
        for (; i + 1 < off + len; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        if (i < off + len) {
            sum += (b[i] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /** TCP/UDP checksum over the IPv4 pseudo-header and the segment (whose checksum field is zero). */
    static int transport(byte[] src, byte[] dst, int protocol, byte[] segment) {
        long sum = 0;
        sum += ((src[0] & 0xFF) << 8 | (src[1] & 0xFF)) + ((src[2] & 0xFF) << 8 | (src[3] & 0xFF));
        sum += ((dst[0] & 0xFF) << 8 | (dst[1] & 0xFF)) + ((dst[2] & 0xFF) << 8 | (dst[3] & 0xFF));
        sum += protocol + segment.length;
        return ones(segment, 0, segment.length, sum);
    }
}
