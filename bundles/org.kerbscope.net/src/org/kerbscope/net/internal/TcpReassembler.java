package org.kerbscope.net.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.capture.FrameCursor;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.TcpConnection;
import org.kerbscope.net.TransportHandler;

/**
 * Per-direction TCP stream reassembly. Bytes are handed on in sequence order, each exactly once: bytes
 * already delivered are dropped when retransmitted (with the same or different content: what came first
 * wins, as in Wireshark), segments ahead of a hole wait in a bounded queue and are released, with
 * {@code dataOffset} -1, in the call for the frame that fills the hole. A hole that never fills becomes a
 * {@link TransportHandler#tcpGap} when the receiver acknowledges past it, when the queue reaches its cap, at
 * a RST, or at the end of the capture; the stream goes on after it. Bytes the snaplen cut off are a gap too.
 */
public final class TcpReassembler {
    /** Told of caps reached and connections forgotten. */
    public interface Problems {
        void problem(long frameNumber, String message);
    }

    private static final int SYN = 0x02, FIN = 0x01, RST = 0x04, ACK = 0x10;

    /** A queued out-of-order piece: {@code decl} bytes of sequence space of which the first {@code cap} were captured. */
    private static final class Seg {
        /** The frame that carried these bytes: a released segment is attributed to it, as Wireshark does. */
        Frame origin;
        long seq;
        byte[] data;
        int cap;
        int decl;
        Seg next;
    }

    private static final class Half {
        boolean seqKnown;
        long next;
        long isn;
        boolean synSeen;
        boolean finSeen;
        boolean dataSeen;
        Seg head;
        int queued;
    }

    private static final class Conn {
        final FlowId id;
        final TcpConnection tcp;
        final FlowKey serverKey;
        /** Whether the client is the canonical first endpoint of {@link #id}. */
        final boolean clientIsA;
        final Half c = new Half();
        final Half s = new Half();
        boolean closed;
        boolean capWarned;
        long lastFrame;

        Conn(FlowId id, TcpConnection tcp, boolean clientIsA) {
            this.id = id;
            this.tcp = tcp;
            this.serverKey = tcp.server();
            this.clientIsA = clientIsA;
        }
    }

    private final TransportHandler handler;
    private final Problems problems;
    private final int maxStream;
    private final long maxTotal;
    private final int maxConnections;
    private final Map<FlowId, Conn> conns = new HashMap<>();
    private long totalQueued;
    private boolean totalWarned;
    private boolean evictWarned;
    /**
     * The frame of the last segment, kept as a description (its {@link Frame} is made only when a handler call or
     * a held segment needs it); at the end of the capture the last holes are reported against it.
     */
    private final FrameCursor seg = new FrameCursor();
    private boolean anySegment;
    /** Where the segment's frame starts in the buffer it came in: data offsets are relative to it. */
    private int base;
    private long connectionsSeen;

    public TcpReassembler(TransportHandler handler, Problems problems, int maxStream, long maxTotal,
            int maxConnections) {
        this.handler = handler;
        this.problems = problems;
        this.maxStream = maxStream;
        this.maxTotal = maxTotal;
        this.maxConnections = maxConnections;
    }

    private Frame frame() {
        return seg.frame();
    }

    /** Connections currently tracked. */
    public int connections() {
        return conns.size();
    }

    /** Connections seen since the start. */
    public long connectionsSeen() {
        return connectionsSeen;
    }

    /** Out-of-order bytes waiting for a hole to fill, over all streams. */
    public long queuedBytes() {
        return totalQueued;
    }

    /**
     * One TCP segment. {@code probe} is set to the packet's 5-tuple; the addresses and ports are repeated for
     * building {@link FlowKey}s when the connection is new.
     *
     * @param cap      payload bytes captured, at {@code buf[off]}
     * @param decl     payload bytes the IP header accounts for (more than {@code cap} when the snaplen cut)
     * @param detached the payload is not the frame's own bytes (reassembled from IP fragments)
     * @param f         the frame the segment came in (a cursor: its object is made only if a call needs it)
     * @param frameBase where that frame starts in {@code buf} (data offsets handed on are relative to it)
     */
    public void segment(FrameCursor f, int frameBase, FlowId probe, long sHi, long sLo, int sPort, long dHi,
            long dLo, int dPort, int seq, int ack, int flags, ByteBuffer buf, int off, int cap, int decl,
            boolean detached) {
        seg.copyFrom(f);
        anySegment = true;
        base = frameBase;
        boolean syn = (flags & SYN) != 0;
        boolean ackf = (flags & ACK) != 0;
        Conn c = conns.get(probe);
        boolean srcIsA = !probe.swapped;
        if (c == null) {
            boolean srcIsClient = syn ? !ackf : sPort != dPort ? sPort > dPort : true;
            c = open(probe, srcIsA == srcIsClient, srcIsClient, sHi, sLo, sPort, dHi, dLo, dPort);
        } else if (syn && !ackf) {
            boolean fromClientNow = srcIsA == c.clientIsA;
            Half h = fromClientNow ? c.c : c.s;
            boolean reuse = c.closed || c.c.dataSeen || c.s.dataSeen || !fromClientNow;
            if (reuse && (!h.synSeen || h.isn != (seq & 0xffffffffL))) {
                // The port pair is used again: a new connection (its SYN has a new ISN).
                release(c, c.c, true, Long.MAX_VALUE);
                release(c, c.s, false, Long.MAX_VALUE);
                conns.remove(c.id);
                c = open(probe, srcIsA, true, sHi, sLo, sPort, dHi, dLo, dPort);
            }
        }
        c.lastFrame = seg.number();
        boolean fromClient = srcIsA == c.clientIsA;
        Half h = fromClient ? c.c : c.s;
        Half o = fromClient ? c.s : c.c;
        FlowKey key = fromClient ? c.tcp.client() : c.serverKey;
        long useq = seq & 0xffffffffL;
        if (syn) {
            handler.tcpControl(frame(), c.tcp, key, ackf ? TransportHandler.SYN_ACK : TransportHandler.SYN);
            if (!h.dataSeen) {
                h.synSeen = true;
                h.isn = useq;
                h.next = (useq + 1) & 0xffffffffL;
                h.seqKnown = true;
            }
            useq = (useq + 1) & 0xffffffffL;
        }
        boolean rst = (flags & RST) != 0;
        if (decl > 0 && !rst) {
            if (!h.seqKnown) {
                h.next = useq;
                h.seqKnown = true;
            }
            long abs = h.next + (int) (useq - h.next);
            h.dataSeen = true;

            data(c, h, fromClient, abs, buf, off, cap, decl, detached);
        }
        if ((flags & FIN) != 0 && !h.finSeen) {
            h.finSeen = true;
            handler.tcpControl(frame(), c.tcp, key, TransportHandler.FIN);
        }
        if (rst) {
            handler.tcpControl(frame(), c.tcp, key, TransportHandler.RST);
            c.closed = true;
            release(c, c.c, true, Long.MAX_VALUE);
            release(c, c.s, false, Long.MAX_VALUE);
        } else if (ackf && o.head != null) {
            long ackAbs = o.next + (int) ((ack & 0xffffffffL) - o.next);
            if (ackAbs > o.next && o.head.seq < ackAbs) {
                // The receiver has bytes the capture lacks: give up waiting for them.
                release(c, o, !fromClient, ackAbs);
            }
        }
        if (h.finSeen && o.finSeen) {
            c.closed = true;
        }
    }

    private Conn open(FlowId probe, boolean clientIsA, boolean srcIsClient, long sHi, long sLo, int sPort, long dHi,
            long dLo, int dPort) {
        FlowKey client = srcIsClient
                ? new FlowKey(Addr.bytes(sHi, sLo), sPort, Addr.bytes(dHi, dLo), dPort, 6)
                : new FlowKey(Addr.bytes(dHi, dLo), dPort, Addr.bytes(sHi, sLo), sPort, 6);
        FlowId id = probe.copy();
        Conn c = new Conn(id, new TcpConnection(client, seg.number()), clientIsA);
        if (conns.size() >= maxConnections) {
            evict();
        }
        conns.put(id, c);
        connectionsSeen++;
        return c;
    }

    private void data(Conn c, Half h, boolean fromClient, long abs, ByteBuffer buf, int off, int cap, int decl,
            boolean detached) {
        if (c.tcp.ignored(fromClient)) {
            if (h.head != null) {
                totalQueued -= h.queued; // the consumer will never read what waits there
                h.queued = 0;
                h.head = null;
            }
            return;
        }
        long end = abs + decl;
        if (end <= h.next) {
            return;
        }
        if (abs > h.next) {
            enqueue(c, h, fromClient, abs, buf, off, cap, decl);
            return;
        }
        long capEnd = abs + cap;
        while (h.next < end) {
            Seg q = h.head;
            if (q != null && q.seq <= h.next) {
                pop(h);
                deliverQueued(c, h, fromClient, q, false);
                continue;
            }
            long limit = q != null ? Math.min(end, q.seq) : end;
            long from = h.next;
            long capTo = Math.min(limit, capEnd);
            if (capTo > from) {
                int at = off + (int) (from - abs);
                deliver(null, c, fromClient, buf, at, (int) (capTo - from), detached ? -1 : at - base);
            }
            long missingFrom = Math.max(from, capEnd);
            if (limit > missingFrom) {
                gap(c, fromClient, limit - missingFrom);
            }
            h.next = limit;
        }
        drain(c, h, fromClient);
    }

    private void enqueue(Conn c, Half h, boolean fromClient, long abs, ByteBuffer buf, int off, int cap, int decl) {
        long e = abs + decl;
        long capEnd = abs + cap;
        Seg prev = null;
        Seg cur = h.head;
        long pos = abs;
        while (pos < e) {
            while (cur != null && cur.seq + cur.decl <= pos) {
                prev = cur;
                cur = cur.next;
            }
            long holeEnd = cur == null ? e : Math.min(e, cur.seq);
            if (holeEnd > pos) {
                Seg n = new Seg();
                n.seq = pos;
                n.decl = (int) (holeEnd - pos);
                n.cap = (int) Math.max(0, Math.min(capEnd, holeEnd) - pos);
                n.data = new byte[n.cap];
                n.origin = frame();
                buf.get(off + (int) (pos - abs), n.data, 0, n.cap);
                n.next = cur;
                if (prev == null) {
                    h.head = n;
                } else {
                    prev.next = n;
                }
                prev = n;
                h.queued += n.cap;
                totalQueued += n.cap;
                pos = holeEnd;
            }
            if (cur != null && pos < e) {
                pos = Math.max(pos, cur.seq + cur.decl);
                prev = cur;
                cur = cur.next;
            }
        }
        if (h.queued > maxStream) {
            if (!c.capWarned) {
                c.capWarned = true;
                problems.problem(seg.number(), "TCP " + describe(c, fromClient) + ": more than " + maxStream
                        + " out-of-order bytes wait for a missing segment; it is treated as lost ("
                        + org.kerbscope.core.spi.Limits.reached(org.kerbscope.core.spi.Limits.TCP_STREAM_BUFFER, maxStream) + ")");
            }
            release(c, h, fromClient, Long.MAX_VALUE);
        } else if (totalQueued > maxTotal) {
            if (!totalWarned) {
                totalWarned = true;
                problems.problem(seg.number(), "TCP reassembly holds more than " + maxTotal
                        + " out-of-order bytes over all connections; missing segments are treated as lost ("
                        + org.kerbscope.core.spi.Limits.reached(org.kerbscope.core.spi.Limits.TCP_TOTAL_BUFFER, maxTotal) + ")");
            }
            release(c, h, fromClient, Long.MAX_VALUE);
        }
    }

    private static String describe(Conn c, boolean fromClient) {
        FlowKey k = fromClient ? c.tcp.client() : c.serverKey;
        return k.src() + " -> " + k.dst();
    }

    private void pop(Half h) {
        Seg q = h.head;
        h.head = q.next;
        h.queued -= q.cap;
        totalQueued -= q.cap;
    }

    /**
     * @param afterLoss true when the hole before {@code q} is known lost: its bytes then belong to the frame that
     *                  carried them (what a PDU inside it is attributed to, as in Wireshark); when a later frame
     *                  filled the hole, that frame completes whatever the bytes finish
     */
    private void deliverQueued(Conn c, Half h, boolean fromClient, Seg q, boolean afterLoss) {
        long qEnd = q.seq + q.decl;
        if (qEnd <= h.next) {
            return;
        }
        long from = Math.max(q.seq, h.next);
        long capEnd = q.seq + q.cap;
        if (capEnd > from) {
            deliver(afterLoss ? q.origin : null, c, fromClient, ByteBuffer.wrap(q.data),
                    (int) (from - q.seq), (int) (capEnd - from), -1);
        }
        long missingFrom = Math.max(from, capEnd);
        if (qEnd > missingFrom) {
            gap(c, fromClient, qEnd - missingFrom);
        }
        h.next = qEnd;
    }

    /**
     * Hands {@code len} in-order bytes at {@code buf[at]} on, less what the consumer asked to skip or ignore.
     *
     * @param dataOffset where the bytes start in the frame, or -1
     */
    private void deliver(Frame origin, Conn c, boolean fromClient, ByteBuffer buf, int at, int len, int dataOffset) {
        TcpConnection t = c.tcp;
        if (t.ignored(fromClient)) {
            return;
        }
        long s = t.skipping(fromClient);
        if (s > 0) {
            int k = (int) Math.min(s, len);
            t.skipped(fromClient, k);
            if (k == len) {
                return;
            }
            at += k;
            len -= k;
            if (dataOffset >= 0) {
                dataOffset += k;
            }
        }
        Frame f = origin != null ? origin : frame();
        // the current frame's own bytes as a view of its object's, which stay valid when the reader moves on
        ByteBuffer bytes = origin == null && dataOffset >= 0 ? f.data().slice(dataOffset, len) : buf.slice(at, len);
        handler.tcpData(f, t, fromClient, bytes, dataOffset);
    }

    /** Bytes that never arrived: within what the consumer skips they go unmentioned. */
    private void gap(Conn c, boolean fromClient, long missing) {
        TcpConnection t = c.tcp;
        if (t.ignored(fromClient)) {
            return;
        }
        long s = t.skipping(fromClient);
        if (s >= missing) {
            t.skipped(fromClient, missing);
            return;
        }
        t.skipped(fromClient, s); // the skip ends inside the hole: the consumer must find its footing again
        handler.tcpGap(frame(), t, fromClient, missing);
    }

    private void drain(Conn c, Half h, boolean fromClient) {
        while (h.head != null && h.head.seq <= h.next) {
            Seg q = h.head;
            pop(h);
            deliverQueued(c, h, fromClient, q, false);
        }
    }

    /** Gives up on holes before {@code upTo}: each becomes a gap, the queued bytes after it are delivered. */
    private void release(Conn c, Half h, boolean fromClient, long upTo) {
        while (h.head != null && h.head.seq < upTo) {
            Seg q = h.head;
            if (q.seq > h.next) {
                gap(c, fromClient, q.seq - h.next);
                h.next = q.seq;
            }
            pop(h);
            deliverQueued(c, h, fromClient, q, true);
        }
        drain(c, h, fromClient);
    }

    /** Forgets the least recently active half of the connections (after releasing what they queued). */
    private void evict() {
        List<Conn> all = new ArrayList<>(conns.values());
        long[] last = new long[all.size()];
        for (int i = 0; i < last.length; i++) {
            last[i] = all.get(i).lastFrame;
        }
        Arrays.sort(last);
        long cut = last[last.length / 2];
        int forgotten = 0;
        for (Conn c : all) {
            if (c.closed || c.lastFrame <= cut) {
                release(c, c.c, true, Long.MAX_VALUE);
                release(c, c.s, false, Long.MAX_VALUE);
                conns.remove(c.id);
                forgotten++;
            }
        }
        if (!evictWarned) {
            evictWarned = true;
            problems.problem(seg.number(), "more than " + maxConnections + " TCP connections at once: the " + forgotten
                    + " least recently active were forgotten (their later segments start new, mid-stream connections; "
                    + org.kerbscope.core.spi.Limits.reached(org.kerbscope.core.spi.Limits.TCP_CONNECTIONS, maxConnections) + ")");
        }
    }

    /** The end of the capture: every hole left is a gap, every queued byte is delivered. */
    public void finish() {
        if (!anySegment) {
            return;
        }
        for (Conn c : conns.values()) {
            release(c, c.c, true, Long.MAX_VALUE);
            release(c, c.s, false, Long.MAX_VALUE);
        }
    }
}
