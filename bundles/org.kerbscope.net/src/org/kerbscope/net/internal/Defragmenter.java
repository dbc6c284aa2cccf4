package org.kerbscope.net.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.spi.Limits;

/**
 * IPv4 and IPv6 fragment reassembly (RFC 791, RFC 8200 section 4.5) with bounded memory: at most
 * {@code maxBytes} held over all datagrams, each at most 65535 bytes, dropped {@code timeoutNanos} of
 * capture time after its first fragment. Where fragments overlap, the bytes that arrived first win.
 */
public final class Defragmenter {
    /** Told when fragments are dropped (timeout, memory cap, inconsistent lengths). */
    public interface Problems {
        void problem(String protocol, String message);
    }

    private static final int MAX_DATAGRAM = 65_535;

    private static final class Key {
        final long sHi, sLo, dHi, dLo;
        final int id, proto;
        final int hash;

        Key(long sHi, long sLo, long dHi, long dLo, int id, int proto) {
            this.sHi = sHi; this.sLo = sLo; this.dHi = dHi; this.dLo = dLo; this.id = id; this.proto = proto;
            hash = (int) Addr.mix(((sHi * 31 + sLo) * 31 + dHi) * 31 + dLo + ((long) id << 8) + proto);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.id == id && k.sLo == sLo && k.dLo == dLo && k.sHi == sHi && k.dHi == dHi
                    && k.proto == proto;
        }
    }

    private static final class Datagram {
        final long firstNanos;
        byte[] data = new byte[2048];
        /** Received ranges, sorted, merged: start0, end0, start1, end1, … */
        int[] ranges = new int[8];
        int nRanges;
        int total = -1;
        int nextHeader = -1;
        int held;

        Datagram(long firstNanos) {
            this.firstNanos = firstNanos;
        }

        boolean complete() {
            return total >= 0 && nRanges == 1 && ranges[0] == 0 && ranges[1] == total;
        }
    }

    private final Map<Key, Datagram> pending = new HashMap<>();
    private final long maxBytes;
    private final long timeoutNanos;
    private final Problems problems;
    private long held;
    private long lastSweep = Long.MIN_VALUE;
    /** The upper protocol the first fragment named, for the datagram {@link #add} returned last. */
    public int completedNextHeader;

    public Defragmenter(long maxBytes, long timeoutNanos, Problems problems) {
        this.maxBytes = maxBytes;
        this.timeoutNanos = timeoutNanos;
        this.problems = problems;
    }

    /** Datagrams waiting for fragments. */
    public int pending() {
        return pending.size();
    }

    public long heldBytes() {
        return held;
    }

    /**
     * Adds one fragment.
     *
     * @param offset     byte offset of the fragment in the datagram's payload
     * @param more       the more-fragments flag
     * @param nextHeader the upper protocol (IPv4 protocol, or IPv6 next header of the fragment header)
     * @return the reassembled payload when this fragment completed it, else null
     */
    public ByteBuffer add(long nowNanos, String protocol, long sHi, long sLo, long dHi, long dLo, int id, int proto,
            int offset, boolean more, ByteBuffer src, int from, int len, int nextHeader) {
        sweep(nowNanos);
        Key k = new Key(sHi, sLo, dHi, dLo, id, proto);
        Datagram d = pending.get(k);
        if (d == null) {
            d = new Datagram(nowNanos);
            pending.put(k, d);
        }
        int end = offset + len;
        if (end > MAX_DATAGRAM) {
            drop(k, d, protocol, "fragment reaches byte " + end + " of a datagram, beyond the 65535-byte maximum");
            return null;
        }
        if (!more) {
            if (d.total >= 0 && d.total != end) {
                drop(k, d, protocol, "two last fragments disagree on the datagram length (" + d.total + " and " + end + ")");
                return null;
            }
            d.total = end;
        }
        if (offset == 0) {
            d.nextHeader = nextHeader;
        }
        if (held + len > maxBytes) {
            problems.problem(protocol, "fragment reassembly memory is full: " + pending.size()
                    + " incomplete datagrams dropped (" + Limits.reached(Limits.IP_FRAGMENT_BYTES, maxBytes) + ")");
            clear();
            return null;
        }
        if (end > d.data.length) {
            d.data = java.util.Arrays.copyOf(d.data, Math.min(MAX_DATAGRAM, Math.max(end, d.data.length * 2)));
        }
        copyHoles(d, src, from, offset, end);
        if (d.complete()) {
            pending.remove(k);
            held -= d.held;
            completedNextHeader = d.nextHeader;
            return ByteBuffer.wrap(d.data, 0, d.total).slice();
        }
        return null;
    }

    /** Copies the parts of [offset, end) not yet received, then merges the range in. */
    private void copyHoles(Datagram d, ByteBuffer src, int from, int offset, int end) {
        int pos = offset;
        for (int i = 0; i < d.nRanges && pos < end; i++) {
            int rs = d.ranges[2 * i], re = d.ranges[2 * i + 1];
            if (re <= pos) {
                continue;
            }
            if (rs > pos) {
                int e = Math.min(rs, end);
                src.get(from + (pos - offset), d.data, pos, e - pos);
                d.held += e - pos;
                held += e - pos;
            }
            pos = Math.max(pos, re);
        }
        if (pos < end) {
            src.get(from + (pos - offset), d.data, pos, end - pos);
            d.held += end - pos;
            held += end - pos;
        }
        merge(d, offset, end);
    }

    private static void merge(Datagram d, int s, int e) {
        if (e <= s) {
            return;
        }
        int[] out = new int[Math.max(8, 2 * d.nRanges + 2)];
        int n = 0;
        boolean placed = false;
        for (int i = 0; i < d.nRanges; i++) {
            int rs = d.ranges[2 * i], re = d.ranges[2 * i + 1];
            if (re < s) {
                out[2 * n] = rs; out[2 * n + 1] = re; n++;
            } else if (rs > e) {
                if (!placed) {
                    out[2 * n] = s; out[2 * n + 1] = e; n++;
                    placed = true;
                }
                out[2 * n] = rs; out[2 * n + 1] = re; n++;
            } else {
                s = Math.min(s, rs);
                e = Math.max(e, re);
            }
        }
        if (!placed) {
            out[2 * n] = s; out[2 * n + 1] = e; n++;
        }
        d.ranges = out;
        d.nRanges = n;
    }

    private void drop(Key k, Datagram d, String protocol, String why) {
        pending.remove(k);
        held -= d.held;
        problems.problem(protocol, why + "; the datagram was dropped");
    }

    private void sweep(long now) {
        if (pending.isEmpty()
                || lastSweep != Long.MIN_VALUE && now >= lastSweep && now - lastSweep < 1_000_000_000L) {
            return;
        }
        lastSweep = now;
        List<String> expired = null;
        for (Iterator<Map.Entry<Key, Datagram>> it = pending.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Key, Datagram> e = it.next();
            Datagram d = e.getValue();
            if (now - d.firstNanos > timeoutNanos) {
                it.remove();
                held -= d.held;
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(String.valueOf(e.getKey().id));
            }
        }
        if (expired != null) {
            problems.problem("ip", expired.size() + " incomplete fragmented datagram(s) timed out after "
                    + timeoutNanos / 1_000_000_000L + " s without their missing fragments (ids " + String.join(", ",
                            expired.subList(0, Math.min(5, expired.size()))) + (expired.size() > 5 ? ", …)" : ")")
                    + "; a longer wait is set with --limit " + Limits.IP_FRAGMENT_TIMEOUT + "=SECONDS");
        }
    }

    /** Drops everything held (cap reached, or the end of the capture). */
    public void clear() {
        pending.clear();
        held = 0;
    }

    /** Called at the end of the capture: incomplete datagrams are reported and dropped. */
    public void finish() {
        if (!pending.isEmpty()) {
            problems.problem("ip", pending.size() + " fragmented datagram(s) were still incomplete at the end of the capture");
            clear();
        }
    }
}
