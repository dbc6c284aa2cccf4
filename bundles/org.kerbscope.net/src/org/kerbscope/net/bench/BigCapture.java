package org.kerbscope.net.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Frame;

/**
 * Writes a large pcap for {@link NetBench}: {@code BigCapture OUT.pcap N [TEMPLATE]}. Without a template
 * it synthesises Ethernet/IPv4 traffic: TCP connections (handshake, request/response segments of 100-1460
 * bytes, an occasional reordered pair and retransmission, FIN/FIN/ACK) interleaved with DNS and Kerberos
 * UDP exchanges. With a template (an Ethernet capture the project made) it repeats the template's frames,
 * giving each repetition its own IPv4 addresses so every repetition is a new conversation.
 */
public final class BigCapture {
    private final FileChannel out;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long frames;
    private long timeMicros = 1_700_000_000_000_000L;

    private BigCapture(FileChannel out) throws IOException {
        this.out = out;
        buf.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: BigCapture OUT.pcap N [TEMPLATE-CAPTURE]");
            System.exit(2);
        }
        long n = Long.parseLong(args[1]);
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            BigCapture w = new BigCapture(ch);
            if (args.length > 2) {
                w.repeat(Path.of(args[2]), n);
            } else {
                w.synthesise(n);
            }
            w.flush();
            System.out.println("wrote " + w.frames + " frames, " + ch.size() + " bytes to " + args[0]);
        }
    }

    private void record(byte[] frame, int len) throws IOException {
        if (buf.remaining() < len + 16) {
            flush();
        }
        timeMicros += 7;
        buf.putInt((int) (timeMicros / 1_000_000)).putInt((int) (timeMicros % 1_000_000)).putInt(len).putInt(len);
        buf.put(frame, 0, len);
        frames++;
    }

    private void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        buf.clear();
    }

    private void repeat(Path template, long n) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        try (CaptureReader r = CaptureFile.openReader(template)) {
            for (Frame f : r) {
                if (f.linkType() != 1) {
                    throw new IOException("the template must be an Ethernet capture");
                }
                byte[] b = new byte[f.capturedLength()];
                f.data().get(0, b);
                frames.add(b);
            }
        }
        if (frames.isEmpty()) {
            throw new IOException("the template has no frames");
        }
        for (long rep = 0; this.frames < n; rep++) {
            for (byte[] f : frames) {
                if (this.frames >= n) {
                    break;
                }
                byte[] c = f.clone();
                int ip = 14;
                if (c.length > 18 && (c[12] & 0xff) == 0x81 && c[13] == 0) {
                    ip = 18;
                }
                if (c.length >= ip + 20 && (c[ip] & 0xf0) == 0x40) {
                    // Re-address: the repetition number goes into the second and third octets of both addresses.
                    c[ip + 13] ^= (byte) (rep >>> 8);
                    c[ip + 14] ^= (byte) rep;
                    c[ip + 17] ^= (byte) (rep >>> 8);
                    c[ip + 18] ^= (byte) rep;
                }
                record(c, c.length);
            }
        }
    }

    private final byte[] pkt = new byte[1600];

    /** Ethernet + IPv4 + TCP or UDP header into {@link #pkt}; returns the payload offset. */
    private int headers(int src, int dst, int proto, int sp, int dp, int payload, long seq, long ack, int flags) {
        ByteBuffer b = ByteBuffer.wrap(pkt);
        b.put(new byte[] {0, 0x0c, 0x29, 1, 2, 3, 0, 0x50, 0x56, 4, 5, 6}).putShort((short) 0x0800);
        int l4 = proto == 6 ? 20 : 8;
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4 + payload)).putShort((short) frames)
                .putShort((short) 0x4000).put((byte) 64).put((byte) proto).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) sp).putShort((short) dp);
        if (proto == 6) {
            b.putInt((int) seq).putInt((int) ack).put((byte) 0x50).put((byte) flags).putShort((short) 65535)
                    .putInt(0);
        } else {
            b.putShort((short) (8 + payload)).putShort((short) 0);
        }
        int off = b.position();
        for (int i = 0; i < payload; i++) {
            pkt[off + i] = (byte) ('a' + (i + frames) % 26);
        }
        return off + payload;
    }

    private void synthesise(long n) throws IOException {
        int conn = 0;
        while (frames < n) {
            conn++;
            int client = 0x0A000000 | (conn & 0xFFFF) << 8 | 1 + conn % 200;
            int server = 0xC0A80000 | conn % 50;
            int cp = 1024 + conn % 60000;
            int sp = conn % 3 == 0 ? 88 : conn % 3 == 1 ? 80 : 445;
            // A DNS and a Kerberos-over-UDP exchange before every connection.
            record(pkt, headers(client, 0x0A0000FE, 17, cp, 53, 40, 0, 0, 0));
            record(pkt, headers(0x0A0000FE, client, 17, 53, cp, 120, 0, 0, 0));
            record(pkt, headers(client, server, 17, cp + 1, 88, 300, 0, 0, 0));
            record(pkt, headers(server, client, 17, 88, cp + 1, 700, 0, 0, 0));
            long cs = 1000L * conn, ss = 500_000L * conn;
            record(pkt, headers(client, server, 6, cp, sp, 0, cs, 0, 0x02));
            record(pkt, headers(server, client, 6, sp, cp, 0, ss, cs + 1, 0x12));
            record(pkt, headers(client, server, 6, cp, sp, 0, cs + 1, ss + 1, 0x10));
            cs++;
            ss++;
            int rounds = 3 + conn % 6;
            for (int i = 0; i < rounds; i++) {
                int q = 100 + (conn * 7 + i * 13) % 400;
                // Mostly small segments, as in authentication traffic; a full-sized one every fourth round.
                int a1 = i % 4 == 3 ? 1460 : 150 + (conn * 11 + i) % 300, a2 = 60 + (conn + i) % 400;
                record(pkt, headers(client, server, 6, cp, sp, q, cs, ss, 0x18));
                cs += q;
                if (conn % 50 == 0 && i == 1) {
                    // Reordered pair: the second segment first.
                    record(pkt, headers(server, client, 6, sp, cp, a2, ss + a1, cs, 0x18));
                    record(pkt, headers(server, client, 6, sp, cp, a1, ss, cs, 0x10));
                } else {
                    record(pkt, headers(server, client, 6, sp, cp, a1, ss, cs, 0x10));
                    if (conn % 40 == 0) {
                        record(pkt, headers(server, client, 6, sp, cp, a1, ss, cs, 0x10)); // retransmission
                    }
                    record(pkt, headers(server, client, 6, sp, cp, a2, ss + a1, cs, 0x18));
                }
                ss += a1 + a2;
                record(pkt, headers(client, server, 6, cp, sp, 0, cs, ss, 0x10));
            }
            record(pkt, headers(client, server, 6, cp, sp, 0, cs, ss, 0x11));
            record(pkt, headers(server, client, 6, sp, cp, 0, ss, cs + 1, 0x11));
            record(pkt, headers(client, server, 6, cp, sp, 0, cs + 1, ss + 1, 0x10));
        }
    }
}
