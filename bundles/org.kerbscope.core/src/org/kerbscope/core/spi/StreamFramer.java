package org.kerbscope.core.spi;

import java.nio.ByteBuffer;

/**
 * Cuts one direction of a TCP stream into PDUs, as Wireshark's {@code tcp_dissect_pdus} does. The engine keeps
 * the bytes that arrived since the last PDU boundary and asks the framer what they are; the framer may keep
 * state (an HTTP framer knows a body follows the headers it just framed).
 */
public interface StreamFramer {
    /** Cannot tell yet: call again when more bytes have arrived. */
    long NEED_MORE = 0;
    /** These bytes are not (or no longer) this protocol: stop dissecting this direction. */
    long REJECT = Long.MIN_VALUE;

    /** A PDU of {@code n} bytes starts at the boundary: dissect it once all have arrived. */
    static long pdu(long n) {
        return n;
    }

    /** Pass over {@code n} bytes (a body, a chunk) without buffering or dissecting them. */
    static long skip(long n) {
        return -n;
    }

    /** A skip no stream reaches: see {@link #skipRest()}. */
    long REST = 1L << 60;

    /**
     * Pass over the rest of this direction (TLS once encrypted): nothing of it is buffered or dissected again, and
     * the engine gives back the buffer it kept for the direction.
     */
    static long skipRest() {
        return -REST;
    }

    /**
     * @param buffered the bytes from the current boundary on that have arrived (index 0 to limit); may be
     *                 fewer than a whole PDU
     * @return {@link #pdu(long)}, {@link #skip(long)}, {@link #NEED_MORE} or {@link #REJECT}
     */
    long next(ByteBuffer buffered);

    /** Called when the stream lost bytes (a capture gap): the framer must find a boundary again or reject. */
    default void gap() {
    }
}
