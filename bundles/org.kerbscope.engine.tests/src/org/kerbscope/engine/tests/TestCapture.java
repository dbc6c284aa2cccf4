package org.kerbscope.engine.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A libpcap file built packet by packet for tests that need traffic no lab scenario makes (hostile volumes, ports of
 * plug-ins): Ethernet II, IPv4 (RFC 791, checksums left 0), TCP (RFC 9293) and UDP (RFC 768), a millisecond apart.
 */
final class TestCapture {
    static final byte[] SERVER = {(byte) 192, (byte) 168, 2, 10};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int frames;
    private long pausedMillis;

    TestCapture() {
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
        out.writeBytes(h.array());
    }

    /** Frames so far (the next one gets this number plus one). */
    int frames() {
        return frames;
    }

    /** One Ethernet frame as given (a millisecond after the one before, as every frame here). */
    TestCapture ethernet(byte[] frame) {
        frame(frame);
        return this;
    }

    /** The next frame comes {@code millis} later than it would (a client waiting before it sends again). */
    TestCapture pause(long millis) {
        pausedMillis += millis;
        return this;
    }

    private void frame(byte[] p) {
        ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        long ms = frames + pausedMillis;
        r.putInt((int) (1_700_000_000 + ms / 1000)).putInt((int) (ms % 1000) * 1000).putInt(p.length).putInt(p.length);
        out.writeBytes(r.array());
        out.writeBytes(p);
        frames++;
    }

    private void ip(int protocol, byte[] src, byte[] dst, byte[] transport) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + transport.length);
        b.put(new byte[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + transport.length)).putShort((short) 1)
                .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0).put(src).put(dst);
        frame(b.put(transport).array());
    }

    /** One TCP segment between a client and {@link #SERVER}. */
    TestCapture tcp(byte[] client, int clientPort, int serverPort, boolean fromClient, long seq, long ack, int flags,
            byte[] payload) {
        ByteBuffer t = ByteBuffer.allocate(20 + payload.length);
        t.putShort((short) (fromClient ? clientPort : serverPort)).putShort((short) (fromClient ? serverPort : clientPort))
                .putInt((int) seq).putInt((int) ack).put((byte) 0x50).put((byte) flags).putShort((short) 65535)
                .putShort((short) 0).putShort((short) 0).put(payload);
        ip(6, fromClient ? client : SERVER, fromClient ? SERVER : client, t.array());
        return this;
    }

    /** A datagram from a client to {@link #SERVER}. */
    TestCapture udp(byte[] client, int clientPort, int serverPort, byte[] payload) {
        return udp(client, clientPort, SERVER, serverPort, payload);
    }

    /**
     * An ICMP "destination unreachable" (type 3) from {@code src} to {@code dst} quoting a UDP datagram as an IPv4
     * packet (header, UDP header, payload) sent from {@code dst} to {@code src}.
     */
    TestCapture icmpUnreachable(byte[] src, byte[] dst, int code, int quotedSrcPort, int quotedDstPort, byte[] quotedPayload) {
        ByteBuffer q = ByteBuffer.allocate(8 + 20 + 8 + quotedPayload.length);
        q.put((byte) 3).put((byte) code).putShort((short) 0).putInt(0);
        q.put((byte) 0x45).put((byte) 0).putShort((short) (28 + quotedPayload.length)).putShort((short) 7)
                .putShort((short) 0).put((byte) 64).put((byte) 17).putShort((short) 0).put(dst).put(src);
        q.putShort((short) quotedSrcPort).putShort((short) quotedDstPort).putShort((short) (8 + quotedPayload.length))
                .putShort((short) 0).put(quotedPayload);
        ip(1, src, dst, q.array());
        return this;
    }

    /** A datagram. */
    TestCapture udp(byte[] src, int srcPort, byte[] dst, int dstPort, byte[] payload) {
        ByteBuffer u = ByteBuffer.allocate(8 + payload.length);
        u.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload);
        ip(17, src, dst, u.array());
        return this;
    }

    /** A connection to {@link #SERVER} after its handshake, whose segments carry the next sequence numbers. */
    final class Stream {
        private final byte[] client;
        private final int clientPort, serverPort;
        private long clientSeq = 1001, serverSeq = 5001;

        private Stream(byte[] client, int clientPort, int serverPort) {
            this.client = client;
            this.clientPort = clientPort;
            this.serverPort = serverPort;
            tcp(client, clientPort, serverPort, true, 1000, 0, 0x02, new byte[0]);
            tcp(client, clientPort, serverPort, false, 5000, 1001, 0x12, new byte[0]);
            tcp(client, clientPort, serverPort, true, 1001, 5001, 0x10, new byte[0]);
        }

        /** One segment of {@code payload} (PSH, ACK) from the client or from the server. */
        Stream send(boolean fromClient, byte[] payload) {
            tcp(client, clientPort, serverPort, fromClient, fromClient ? clientSeq : serverSeq,
                    fromClient ? serverSeq : clientSeq, 0x18, payload);
            if (fromClient) {
                clientSeq += payload.length;
            } else {
                serverSeq += payload.length;
            }
            return this;
        }
    }

    /** Opens a connection (SYN, SYN/ACK, ACK: three frames). */
    Stream stream(byte[] client, int clientPort, int serverPort) {
        return new Stream(client, clientPort, serverPort);
    }

    /** A connection: SYN, SYN/ACK, ACK, then the client's payload (four frames). */
    TestCapture connection(byte[] client, int clientPort, int serverPort, byte[] payload) {
        tcp(client, clientPort, serverPort, true, 1000, 0, 0x02, new byte[0]);
        tcp(client, clientPort, serverPort, false, 5000, 1001, 0x12, new byte[0]);
        tcp(client, clientPort, serverPort, true, 1001, 5001, 0x10, new byte[0]);
        return tcp(client, clientPort, serverPort, true, 1001, 5001, 0x18, payload);
    }

    Path write(Path file) throws IOException {
        return Files.write(file, out.toByteArray());
    }
}
