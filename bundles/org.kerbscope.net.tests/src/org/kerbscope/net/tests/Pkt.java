package org.kerbscope.net.tests;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.kerbscope.core.model.Frame;

/** Builds frames from the documented header layouts (RFC 791, 8200, 768, 9293, IEEE 802.3/802.1Q, …). */
final class Pkt {
    static final byte[] A = {10, 0, 0, 1};
    static final byte[] B = {10, 0, 0, 2};
    static final byte[] A6 = ip6("2001:db8::1");
    static final byte[] B6 = ip6("2001:db8::2");

    private Pkt() {
    }

    static byte[] ip6(String s) {
        try {
            return java.net.InetAddress.getByName(s).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] ether(int type, byte[] payload) {
        return cat(new byte[] {0, 0x0c, 0x29, 1, 2, 3}, new byte[] {0, 0x50, 0x56, 4, 5, 6}, u16(type), payload);
    }

    static byte[] vlan(int tpid, int id, int inner) {
        return cat(u16(tpid), u16(id), u16(inner));
    }

    /** IPv4 header (no options) with the given fragment fields. */
    static byte[] ipv4(byte[] src, byte[] dst, int proto, byte[] payload, int id, int fragOffset8, boolean more,
            int totalOverride) {
        int total = totalOverride >= 0 ? totalOverride : 20 + payload.length;
        int fo = fragOffset8 | (more ? 0x2000 : 0);
        return cat(new byte[] {0x45, 0}, u16(total), u16(id), u16(fo), new byte[] {64, (byte) proto, 0, 0}, src, dst,
                payload);
    }

    private static int nextId = 1;

    /** An IPv4 packet with the next identification, as a sending stack numbers them. */
    static byte[] ipv4(byte[] src, byte[] dst, int proto, byte[] payload) {
        return ipv4(src, dst, proto, payload, nextId++ & 0xffff, 0, false, -1);
    }

    static byte[] ipv6(byte[] src, byte[] dst, int nextHeader, byte[] payload) {
        return cat(new byte[] {0x60, 0, 0, 0}, u16(payload.length), new byte[] {(byte) nextHeader, 64}, src, dst, payload);
    }

    static byte[] udp(int sp, int dp, byte[] payload) {
        return cat(u16(sp), u16(dp), u16(8 + payload.length), u16(0), payload);
    }

    static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

    static byte[] tcp(int sp, int dp, long seq, long ack, int flags, byte[] payload) {
        return cat(u16(sp), u16(dp), u32(seq), u32(ack), new byte[] {0x50, (byte) flags}, u16(65535), u16(0), u16(0),
                payload);
    }

    static Frame frame(long n, int linkType, byte[] bytes) {
        return new Frame(n, n * 1_000_000L, linkType, bytes.length, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
    }

    static Frame frame(long n, long timeNanos, int linkType, byte[] bytes, int originalLength) {
        return new Frame(n, timeNanos, linkType, originalLength, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
    }

    /** An Ethernet/IPv4/TCP frame from A:sp to B:dp (or back, when {@code reverse}). */
    static Frame tcpFrame(long n, boolean reverse, int sp, int dp, long seq, long ack, int flags, String payload) {
        byte[] t = tcp(sp, dp, seq, ack, flags, ascii(payload));
        return frame(n, 1, ether(0x0800, reverse ? ipv4(B, A, 6, t) : ipv4(A, B, 6, t)));
    }
}
