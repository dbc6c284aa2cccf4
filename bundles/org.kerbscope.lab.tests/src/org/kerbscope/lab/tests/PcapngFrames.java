package org.kerbscope.lab.tests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a pcapng written by the lab back into frames, block by block as the pcapng specification lays them out,
 * and checks each frame's IPv4, TCP and UDP checksums with its own RFC 1071 arithmetic (not the lab's).
 */
final class PcapngFrames {

    /** One Enhanced Packet Block: its timestamp in microseconds and its Ethernet frame. */
    record Epb(long micros, byte[] frame) {
        String srcIp() {
            return ip(26);
        }

        String dstIp() {
            return ip(30);
        }

        private String ip(int at) {
            return (frame[at] & 0xFF) + "." + (frame[at + 1] & 0xFF) + "." + (frame[at + 2] & 0xFF) + "." + (frame[at + 3] & 0xFF);
        }
    }

    private PcapngFrames() {
    }

    static List<Epb> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Epb> out = new ArrayList<>();
        boolean sawShb = false;
        boolean sawIdb = false;
        while (b.remaining() >= 12) {
            int start = b.position();
            int type = b.getInt();
            int len = b.getInt();
            if (len < 12 || len % 4 != 0 || start + len > b.limit()) {
                throw new IOException("block at " + start + " has a bad length " + len);
            }
            if (b.getInt(start + len - 4) != len) {
                throw new IOException("block at " + start + " has a trailing length that differs from its leading one");
            }
            switch (type) {
                case 0x0A0D0D0A -> {
                    if (b.getInt() != 0x1A2B3C4D) {
                        throw new IOException("section header without the byte-order magic");
                    }
                    sawShb = true;
                }
                case 1 -> {
                    if ((b.getShort() & 0xFFFF) != 1) {
                        throw new IOException("interface is not Ethernet");
                    }
                    sawIdb = true;
                }
                case 6 -> {
                    if (!sawShb || !sawIdb) {
                        throw new IOException("packet block before the section and interface headers");
                    }
                    b.getInt();
                    long hi = b.getInt() & 0xFFFFFFFFL;
                    long lo = b.getInt() & 0xFFFFFFFFL;
                    int caplen = b.getInt();
                    int origlen = b.getInt();
                    if (caplen != origlen || caplen > len - 32) {
                        throw new IOException("packet block lengths disagree");
                    }
                    byte[] frame = new byte[caplen];
                    b.get(frame);
                    out.add(new Epb(hi << 32 | lo, frame));
                }
                default -> throw new IOException("unexpected block type " + type);
            }
            b.position(start + len);
        }
        if (b.hasRemaining()) {
            throw new IOException(b.remaining() + " bytes after the last block");
        }
        return out;
    }

    /** Null when the frame's IPv4 header and TCP/UDP checksums are right, else what is wrong. */
    static String checksumProblem(byte[] f) {
        if (((f[12] & 0xFF) << 8 | (f[13] & 0xFF)) != 0x0800) {
            return "not IPv4";
        }
        if (sum(f, 14, 20, 0) != 0xFFFF) {
            return "bad IPv4 header checksum";
        }
        int total = (f[16] & 0xFF) << 8 | (f[17] & 0xFF);
        if (14 + total != f.length) {
            return "IPv4 total length " + total + " does not match the frame";
        }
        int proto = f[23] & 0xFF;
        long pseudo = ((f[26] & 0xFF) << 8 | (f[27] & 0xFF)) + ((f[28] & 0xFF) << 8 | (f[29] & 0xFF))
                + ((f[30] & 0xFF) << 8 | (f[31] & 0xFF)) + ((f[32] & 0xFF) << 8 | (f[33] & 0xFF)) + proto + (total - 20);
        if (proto != 6 && proto != 17) {
            return "neither TCP nor UDP";
        }
        return sum(f, 34, total - 20, pseudo) == 0xFFFF ? null : (proto == 6 ? "bad TCP checksum" : "bad UDP checksum");
    }

    private static int sum(byte[] b, int off, int len, long initial) {
        long s = initial;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xFF;
            int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
            s += hi << 8 | lo;
        }
        while (s >>> 16 != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }
}
