package org.kerbscope.ldap.tests;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.kerbscope.capture.PcapngWriter;

/**
 * Writes a small capture: Ethernet/IPv4/TCP (with the three-way handshake, sequence numbers and checksums) or
 * UDP around payloads the test provides, one frame after another, 1 ms apart.
 */
final class Capture implements Closeable {
    private static final int MSS = 1460;
    private final OutputStream file;
    private final PcapngWriter w;
    private long time = 1_700_000_000_000_000_000L;
    private long frames;

    Capture(Path path) throws IOException {
        file = Files.newOutputStream(path);
        w = new PcapngWriter(file, 1, 65535);
    }

    long frames() {
        return frames;
    }

    /** The number the next frame will get. */
    long next() {
        return frames + 1;
    }

    @Override
    public void close() throws IOException {
        w.close();
        file.close();
    }

    /** One TCP connection; {@link #open} writes the handshake. */
    final class Tcp {
        final String client, server;
        final int cport, sport;
        private long cseq = 1000, sseq = 5000;

        Tcp(String client, int cport, String server, int sport) {
            this.client = client;
            this.cport = cport;
            this.server = server;
            this.sport = sport;
        }

        Tcp open() throws IOException {
            segment(true, 0x02, new byte[0]);
            cseq++;
            segment(false, 0x12, new byte[0]);
            sseq++;
            segment(true, 0x10, new byte[0]);
            return this;
        }

        /** Sends bytes as MSS-sized segments; returns the frame of the last one. */
        long send(boolean fromClient, byte[] data) throws IOException {
            long last = 0;
            for (int p = 0; p < data.length; p += MSS) {
                last = segment(fromClient, 0x18, java.util.Arrays.copyOfRange(data, p, Math.min(data.length, p + MSS)));
            }
            return last;
        }

        /** Sends bytes cut at the given offsets (each cut starts a new segment). */
        long sendCut(boolean fromClient, byte[] data, int... cuts) throws IOException {
            int from = 0;
            long last = 0;
            for (int c : cuts) {
                if (c > from && c < data.length) {
                    last = segment(fromClient, 0x18, java.util.Arrays.copyOfRange(data, from, c));
                    from = c;
                }
            }
            return segment(fromClient, 0x18, java.util.Arrays.copyOfRange(data, from, data.length));
        }

        /** A SYN nobody answers: the client sends it again after one second, then after two more. */
        void sendCutSynOnly() throws IOException {
            segment(true, 0x02, new byte[0]);
            time += 1_000_000_000L;
            segment(true, 0x02, new byte[0]);
            time += 2_000_000_000L;
            segment(true, 0x02, new byte[0]);
        }

        void close() throws IOException {
            segment(true, 0x11, new byte[0]);
            cseq++;
            segment(false, 0x11, new byte[0]);
            sseq++;
            segment(true, 0x10, new byte[0]);
        }

        private long segment(boolean fromClient, int flags, byte[] payload) throws IOException {
            String src = fromClient ? client : server, dst = fromClient ? server : client;
            int sp = fromClient ? cport : sport, dp = fromClient ? sport : cport;
            long seq = fromClient ? cseq : sseq, ack = fromClient ? sseq : cseq;
            ByteBuffer tcp = ByteBuffer.allocate(20 + payload.length);
            tcp.putShort((short) sp).putShort((short) dp).putInt((int) seq)
                    .putInt(flags == 0x02 ? 0 : (int) ack).put((byte) 0x50).put((byte) flags).putShort((short) 65535)
                    .putShort((short) 0).putShort((short) 0).put(payload);
            byte[] t = tcp.array();
            int sum = checksum(pseudo(src, dst, 6, t.length), t);
            t[16] = (byte) (sum >> 8);
            t[17] = (byte) sum;
            if (fromClient) {
                cseq += payload.length;
            } else {
                sseq += payload.length;
            }
            return frame(src, dst, 6, t);
        }
    }

    Tcp tcp(String client, int cport, String server, int sport) {
        return new Tcp(client, cport, server, sport);
    }

    long udp(String src, int sp, String dst, int dp, byte[] payload) throws IOException {
        ByteBuffer u = ByteBuffer.allocate(8 + payload.length);
        u.putShort((short) sp).putShort((short) dp).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        byte[] b = u.array();
        int sum = checksum(pseudo(src, dst, 17, b.length), b);
        b[6] = (byte) (sum >> 8);
        b[7] = (byte) sum;
        return frame(src, dst, 17, b);
    }

    private long frame(String src, String dst, int proto, byte[] l4) throws IOException {
        ByteBuffer f = ByteBuffer.allocate(14 + 20 + l4.length);
        f.put(new byte[] { 0, 0x0c, 0x29, 0, 0, 2 }).put(new byte[] { 0, 0x0c, 0x29, 0, 0, 1 }).putShort((short) 0x0800);
        int ip = f.position();
        f.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) frames).putShort((short) 0x4000)
                .put((byte) 64).put((byte) proto).putShort((short) 0).put(addr(src)).put(addr(dst));
        byte[] a = f.array();
        int sum = checksum(new byte[0], java.util.Arrays.copyOfRange(a, ip, ip + 20));
        a[ip + 10] = (byte) (sum >> 8);
        a[ip + 11] = (byte) sum;
        f.put(l4);
        time += 1_000_000L;
        w.write(time, a, a.length, null);
        return ++frames;
    }

    private static byte[] addr(String ip) {
        String[] p = ip.split("\\.");
        return new byte[] { (byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]), (byte) Integer.parseInt(p[2]),
                (byte) Integer.parseInt(p[3]) };
    }

    private static byte[] pseudo(String src, String dst, int proto, int len) {
        return ByteBuffer.allocate(12).put(addr(src)).put(addr(dst)).put((byte) 0).put((byte) proto).putShort((short) len)
                .array();
    }

    private static int checksum(byte[] pseudo, byte[] data) {
        long sum = 0;
        byte[] all = Der.cat(pseudo, data);
        for (int i = 0; i < all.length; i += 2) {
            int hi = all[i] & 0xff;
            int lo = i + 1 < all.length ? all[i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
