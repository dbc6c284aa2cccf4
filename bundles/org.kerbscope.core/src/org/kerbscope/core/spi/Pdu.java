package org.kerbscope.core.spi;

import java.nio.ByteBuffer;

/**
 * The bytes one dissector is asked to read: a UDP payload, a PDU framed out of a TCP stream, or a token a
 * parent dissector found (a GSS blob inside an HTTP header, a ticket inside a TGS-REQ).
 *
 * @param data   the PDU, from index 0 to {@code data.limit()}; read with absolute gets, never modify. The engine
 *               hands dissectors heap buffers only (a frame's bytes copied out of the file mapping), so that a
 *               parser meets one buffer class and the JIT compiles it once
 * @param base   where data[0] lies in the frame, so that {@code base + i} is a frame offset for the hex view;
 *               -1 when the bytes are not the frame's (reassembled from several segments, or decoded from
 *               base64): then tree ranges are relative to {@link #source()}
 * @param source "frame", or the name of the data source the bytes came from
 */
public record Pdu(ByteBuffer data, int base, String source) {

    public static Pdu ofFrame(ByteBuffer data, int base) {
        return new Pdu(data, base, "frame");
    }

    public static Pdu detached(ByteBuffer data, String source) {
        return new Pdu(data, -1, source);
    }

    public int length() {
        return data.limit();
    }

    /** The frame (or source) offset of PDU offset {@code i}. */
    public int abs(int i) {
        return base >= 0 ? base + i : i;
    }

    /** A sub-PDU of {@code length} bytes at {@code offset}, keeping the frame mapping. */
    public Pdu slice(int offset, int length) {
        return new Pdu(data.slice(offset, length), base >= 0 ? base + offset : -1, source);
    }

    public int u8(int i) {
        return data.get(i) & 0xff;
    }

    public byte[] bytes(int offset, int length) {
        byte[] b = new byte[length];
        data.get(offset, b);
        return b;
    }
}
