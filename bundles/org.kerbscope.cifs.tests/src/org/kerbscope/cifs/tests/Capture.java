package org.kerbscope.cifs.tests;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kerbscope.capture.PcapngWriter;

/**
 * A capture written the way a relay records real traffic: Ethernet II, IPv4 (RFC 791, header checksum) and TCP
 * (RFC 9293: handshake, sequence and acknowledgement numbers, checksum over the pseudo-header, FIN) or UDP
 * around the payloads the test supplies, one frame per segment of at most 1460 bytes. Frame numbers start at 1.
 */
final class Capture {
    private static final int MSS = 1460;
    private final List<byte[]> frames = new ArrayList<>();
    private final long time = 1_669_597_222_000_000_000L; // 2022-11-28, the day of the guide's klist
    /** Time added before the frame of each index (frames are otherwise a millisecond apart). */
    private final java.util.Map<Integer, Long> pauses = new java.util.HashMap<>();

    int frames() {
        return frames.size();
    }

    /** The number the next frame will get. */
    int next() {
        return frames.size() + 1;
    }

    void write(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); PcapngWriter w = new PcapngWriter(out, 1, 65535)) {
            long t = time;
            for (int i = 0; i < frames.size(); i++) {
                t += pauses.getOrDefault(i, 0L);
                w.write(t, frames.get(i), frames.get(i).length, null);
                t += 1_000_000L;
            }
        }
    }

    /** A TCP connection from client:cport to server:sport. */
    Tcp tcp(String client, int cport, String server, int sport) {
        return new Tcp(client, cport, server, sport);
    }

    final class Tcp {
        final String client;
        final String server;
        final int cport;
        final int sport;
        long cseq = 0x1000_0000L;
        long sseq = 0x7000_0000L;

        Tcp(String client, int cport, String server, int sport) {
            this.client = client;
            this.server = server;
            this.cport = cport;
            this.sport = sport;
        }

        /** A SYN nobody answers; returns its frame number. */
        /** A SYN nobody answers, sent again after one second and after two more; returns the first one's frame. */
        int syn() {
            frames.add(frame(client, cport, server, sport, cseq, 0, 0x02, new byte[0]));
            int first = frames.size();
            pauses.put(frames.size(), 1_000_000_000L);
            frames.add(frame(client, cport, server, sport, cseq, 0, 0x02, new byte[0]));
            pauses.put(frames.size(), 2_000_000_000L);
            frames.add(frame(client, cport, server, sport, cseq, 0, 0x02, new byte[0]));
            return first;
        }

        Tcp handshake() {
            frames.add(frame(client, cport, server, sport, cseq, 0, 0x02, new byte[0]));
            cseq++;
            frames.add(frame(server, sport, client, cport, sseq, cseq, 0x12, new byte[0]));
            sseq++;
            frames.add(frame(client, cport, server, sport, cseq, sseq, 0x10, new byte[0]));
            return this;
        }

        /** Sends bytes from the client; returns the frame number of the last segment (the one that completes them). */
        int c2s(byte[] data) {
            return send(true, data, MSS);
        }

        int s2c(byte[] data) {
            return send(false, data, MSS);
        }

        /** Sends in segments of at most {@code mss} bytes. */
        int send(boolean fromClient, byte[] data, int mss) {
            for (int off = 0; off < data.length; off += mss) {
                int n = Math.min(mss, data.length - off);
                byte[] seg = java.util.Arrays.copyOfRange(data, off, off + n);
                if (fromClient) {
                    frames.add(frame(client, cport, server, sport, cseq, sseq, 0x18, seg));
                    cseq += n;
                } else {
                    frames.add(frame(server, sport, client, cport, sseq, cseq, 0x18, seg));
                    sseq += n;
                }
            }
            return frames.size();
        }

        /** Sends the bytes cut at the given offsets, each piece in its own segment. */
        int split(boolean fromClient, byte[] data, int... cuts) {
            int prev = 0;
            int last = 0;
            for (int c : cuts) {
                last = send(fromClient, java.util.Arrays.copyOfRange(data, prev, c), MSS);
                prev = c;
            }
            return prev < data.length ? send(fromClient, java.util.Arrays.copyOfRange(data, prev, data.length), MSS) : last;
        }

        void close() {
            frames.add(frame(client, cport, server, sport, cseq, sseq, 0x11, new byte[0]));
            cseq++;
            frames.add(frame(server, sport, client, cport, sseq, cseq, 0x11, new byte[0]));
            sseq++;
            frames.add(frame(client, cport, server, sport, cseq, sseq, 0x10, new byte[0]));
        }
    }

    /** A DNS A query and its answer (RFC 1035 4.1) over UDP; returns the answer's frame number. */
    int dns(String client, String dnsServer, String name, String address) {
        ByteBuffer q = ByteBuffer.allocate(512);
        q.putShort((short) 0x1d6a).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putInt(0);
        for (String label : name.split("\\.")) {
            q.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
        }
        q.put((byte) 0).putShort((short) 1).putShort((short) 1);
        byte[] query = java.util.Arrays.copyOf(q.array(), q.position());
        frames.add(udp(client, 53001, dnsServer, 53, query));
        ByteBuffer r = ByteBuffer.allocate(512);
        r.put(query);
        r.putShort(2, (short) 0x8180).putShort(6, (short) 1);
        r.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(3600).putShort((short) 4)
                .put(addr(address));
        frames.add(udp(dnsServer, 53, client, 53001, java.util.Arrays.copyOf(r.array(), r.position())));
        return frames.size();
    }

    private static byte[] addr(String a) {
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (IOException e) {
            throw new IllegalArgumentException(a, e);
        }
    }

    private static byte[] udp(String src, int sport, String dst, int dport, byte[] payload) {
        ByteBuffer u = ByteBuffer.allocate(8 + payload.length);
        u.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0)
                .put(payload);
        byte[] seg = u.array();
        int sum = checksum(pseudo(src, dst, 17, seg));
        ByteBuffer.wrap(seg).putShort(6, (short) (sum == 0 ? 0xffff : sum));
        return ip(src, dst, 17, seg);
    }

    private static byte[] frame(String src, int sport, String dst, int dport, long seq, long ack, int flags, byte[] payload) {
        ByteBuffer t = ByteBuffer.allocate(20 + payload.length);
        t.putShort((short) sport).putShort((short) dport).putInt((int) seq).putInt((int) ack)
                .put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0)
                .put(payload);
        byte[] seg = t.array();
        ByteBuffer.wrap(seg).putShort(16, (short) checksum(pseudo(src, dst, 6, seg)));
        return ip(src, dst, 6, seg);
    }

    private static byte[] pseudo(String src, String dst, int proto, byte[] seg) {
        ByteBuffer p = ByteBuffer.allocate(12 + seg.length);
        p.put(addr(src)).put(addr(dst)).put((byte) 0).put((byte) proto).putShort((short) seg.length).put(seg);
        return p.array();
    }

    private static byte[] ip(String src, String dst, int proto, byte[] seg) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + seg.length);
        b.put(new byte[] { 0, 0x15, 0x5d, 1, 2, 3 }).put(new byte[] { 0, 0x15, 0x5d, 4, 5, 6 }).putShort((short) 0x0800);
        int ipStart = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + seg.length)).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 128).put((byte) proto).putShort((short) 0).put(addr(src)).put(addr(dst));
        byte[] hdr = new byte[20];
        b.get(ipStart, hdr);
        b.putShort(ipStart + 10, (short) checksum(hdr));
        b.put(seg);
        return b.array();
    }

    private static int checksum(byte[] data) {
        long sum = 0;
        for (int i = 0; i + 1 < data.length; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if ((data.length & 1) != 0) {
            sum += (data[data.length - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
