package org.kerbscope.lab.record;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns what the relay forwards into frames as a capture on the wire would show them: Ethernet II, IPv4 (TTL 128,
 * DF, per-host identification counter) and TCP or UDP headers with valid checksums around the real payload bytes.
 * TCP flows get a three-way handshake with Windows' SYN options, sequence and acknowledgement numbers that follow
 * the bytes, MSS-sized segments, and FIN or RST at the end. Timestamps are the wall clock when the relay saw the
 * bytes, strictly increasing.
 */
public final class Recorder implements Closeable {

    /** TCP maximum segment size on the lab's Ethernet. */
    public static final int MSS = 1460;
    private static final int TCP_ACK = 0x10;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_RST = 0x04;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_FIN = 0x01;

    private final PcapngWriter writer;
    private final Map<String, Integer> ipIds = new HashMap<>();
    private long lastMicros;
    /** Added to the clock: frames recorded as if it were another time (bytes recorded earlier, replayed). */
    private final long shiftMicros;

    public Recorder(Path pcapng, String comment) throws IOException {
        this(pcapng, comment, null);
    }

    /**
     * @param startsAt the time of the first frame, or null for now: the clock of the capture is shifted so, as for bytes
     *                 recorded at that time whose headers (an HTTP Date) carry it
     */
    public Recorder(Path pcapng, String comment, Instant startsAt) throws IOException {
        this.writer = new PcapngWriter(new BufferedOutputStream(Files.newOutputStream(pcapng)), comment, "Kerbscope lab");
        this.shiftMicros = startsAt == null ? 0 : micros(startsAt) - micros(Instant.now());
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    /** Frames written so far. */
    public long frames() {
        return writer.frames();
    }

    /** One UDP datagram from {@code src} to {@code dst}. */
    public synchronized void udp(LabEndpoint src, LabEndpoint dst, byte[] payload, int off, int len) {
        ByteBuffer udp = ByteBuffer.allocate(8 + len);
        udp.putShort((short) src.port()).putShort((short) dst.port()).putShort((short) (8 + len)).putShort((short) 0);
        udp.put(payload, off, len);
        byte[] seg = udp.array();
        int sum = Checksums.transport(src.address(), dst.address(), 17, seg);
        if (sum == 0) {
            sum = 0xFFFF;
        }
        seg[6] = (byte) (sum >>> 8);
        seg[7] = (byte) sum;
        emit(src, dst, 17, seg);
    }

    /** Opens a TCP flow: records SYN, SYN/ACK and ACK. */
    public synchronized TcpFlow connect(LabEndpoint client, LabEndpoint server) {
        TcpFlow f = new TcpFlow(client, server);
        f.segment(true, TCP_SYN, 64240, synOptions(), null, 0, 0);
        f.clientSeq++;
        f.segment(false, TCP_SYN | TCP_ACK, 65535, synOptions(), null, 0, 0);
        f.serverSeq++;
        f.segment(true, TCP_ACK, 1026, new byte[0], null, 0, 0);
        return f;
    }

    /** A connection attempt to a port where nothing listens: SYN, then RST/ACK from the server's stack. */
    public synchronized void refused(LabEndpoint client, LabEndpoint server) {
        TcpFlow f = new TcpFlow(client, server);
        f.segment(true, TCP_SYN, 64240, synOptions(), null, 0, 0);
        f.clientSeq++;
        f.serverSeq = 0;
        f.segment(false, TCP_RST | TCP_ACK, 0, new byte[0], null, 0, 0);
    }

    private static byte[] synOptions() {
        // Windows 10/11: MSS 1460, NOP, window scale 8, NOP, NOP, SACK permitted.
        return new byte[] {2, 4, (byte) (MSS >>> 8), (byte) MSS, 1, 3, 3, 8, 1, 1, 4, 2};
    }

    /** One TCP connection's sequence space. */
    public final class TcpFlow {
        private final LabEndpoint client;
        private final LabEndpoint server;
        private long clientSeq = ThreadLocalRandom.current().nextLong(1L << 32);
        private long serverSeq = ThreadLocalRandom.current().nextLong(1L << 32);
        private boolean clientFin;
        private boolean serverFin;
        private boolean reset;

        private TcpFlow(LabEndpoint client, LabEndpoint server) {
            this.client = client;
            this.server = server;
        }

        public LabEndpoint client() {
            return client;
        }

        public LabEndpoint server() {
            return server;
        }

        /** Bytes one side wrote, cut into segments of at most {@link #MSS} bytes; the last one carries PSH. */
        public void data(boolean fromClient, byte[] b, int off, int len) {
            synchronized (Recorder.this) {
                if (reset) {
                    return;
                }
                for (int at = 0; at < len; at += MSS) {
                    int n = Math.min(MSS, len - at);
                    int flags = TCP_ACK | (at + n == len ? TCP_PSH : 0);
                    segment(fromClient, flags, 1026, new byte[0], b, off + at, n);
                    if (fromClient) {
                        clientSeq += n;
                    } else {
                        serverSeq += n;
                    }
                }
            }
        }

        /** One side closed its sending direction: FIN/ACK from it, ACK from the peer. */
        public void fin(boolean fromClient) {
            synchronized (Recorder.this) {
                if (reset || (fromClient ? clientFin : serverFin)) {
                    return;
                }
                segment(fromClient, TCP_FIN | TCP_ACK, 1026, new byte[0], null, 0, 0);
                if (fromClient) {
                    clientSeq++;
                    clientFin = true;
                } else {
                    serverSeq++;
                    serverFin = true;
                }
                segment(!fromClient, TCP_ACK, 1026, new byte[0], null, 0, 0);
            }
        }

        /** One side aborted the connection. */
        public void rst(boolean fromClient) {
            synchronized (Recorder.this) {
                if (reset || clientFin && serverFin) {
                    return;
                }
                segment(fromClient, TCP_RST | TCP_ACK, 0, new byte[0], null, 0, 0);
                reset = true;
            }
        }

        public boolean closed() {
            synchronized (Recorder.this) {
                return reset || clientFin && serverFin;
            }
        }

        private void segment(boolean fromClient, int flags, int window, byte[] options, byte[] payload, int off, int len) {
            LabEndpoint src = fromClient ? client : server;
            LabEndpoint dst = fromClient ? server : client;
            long seq = fromClient ? clientSeq : serverSeq;
            long ack = (flags & TCP_ACK) != 0 ? (fromClient ? serverSeq : clientSeq) : 0;
            int hlen = 20 + options.length;
            ByteBuffer t = ByteBuffer.allocate(hlen + len);
            t.putShort((short) src.port()).putShort((short) dst.port()).putInt((int) seq).putInt((int) ack);
            t.put((byte) ((hlen / 4) << 4)).put((byte) flags).putShort((short) window).putShort((short) 0).putShort((short) 0);
            t.put(options);
            if (len > 0) {
                t.put(payload, off, len);
            }
            byte[] seg = t.array();
            int sum = Checksums.transport(src.address(), dst.address(), 6, seg);
            seg[16] = (byte) (sum >>> 8);
            seg[17] = (byte) sum;
            emit(src, dst, 6, seg);
        }
    }

    private void emit(LabEndpoint src, LabEndpoint dst, int protocol, byte[] segment) {
        int id = ipIds.merge(src.ip(), 1, Integer::sum) + 0x4a00;
        byte[] frame = new byte[14 + 20 + segment.length];
        ByteBuffer f = ByteBuffer.wrap(frame);
        f.put(mac(dst.address())).put(mac(src.address())).putShort((short) 0x0800);
        int ipStart = f.position();
        f.put((byte) 0x45).put((byte) 0).putShort((short) (20 + segment.length)).putShort((short) id).putShort((short) 0x4000);
        f.put((byte) 128).put((byte) protocol).putShort((short) 0).put(src.address()).put(dst.address());
        int sum = Checksums.ones(frame, ipStart, 20, 0);
        frame[ipStart + 10] = (byte) (sum >>> 8);
        frame[ipStart + 11] = (byte) sum;
        f.put(segment);
        long micros = micros(Instant.now()) + shiftMicros;
        if (micros <= lastMicros) {
            micros = lastMicros + 1;
        }
        lastMicros = micros;
        try {
            writer.write(micros, frame);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Hyper-V's OUI followed by the host's last three address bytes: stable, readable, never a real vendor's NIC. */
    private static byte[] mac(byte[] ip) {
        return new byte[] {0x00, 0x15, 0x5d, ip[1], ip[2], ip[3]};
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
