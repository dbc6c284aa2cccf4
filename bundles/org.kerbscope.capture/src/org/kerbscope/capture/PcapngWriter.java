package org.kerbscope.capture;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a little-endian pcapng file: one Section Header Block, Interface Description Blocks (nanosecond
 * timestamps, {@code if_tsresol} 9) and Enhanced Packet Blocks with an optional {@code opt_comment}. Used
 * by live capture, the lab's recorders and tests. Not thread-safe.
 */
public final class PcapngWriter implements Closeable, Flushable {
    private final OutputStream out;
    private int interfaces;
    private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    /** Starts a section; add interfaces with {@link #addInterface} before writing packets. */
    public PcapngWriter(OutputStream out, String application) throws IOException {
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
        begin(0x0A0D0D0A); // Section Header Block
        buf.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
        if (application != null) {
            option(4, application.getBytes(StandardCharsets.UTF_8));
        }
        endOptions();
        finish();
    }

    /** A section with one interface of {@code linkType} (id 0). */
    public PcapngWriter(OutputStream out, int linkType, int snaplen) throws IOException {
        this(out, "Kerbscope");
        addInterface(linkType, snaplen, null);
    }

    /** Describes an interface; returns its id for {@link #write}. */
    public int addInterface(int linkType, int snaplen, String name) throws IOException {
        begin(1);
        buf.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        if (name != null) {
            option(2, name.getBytes(StandardCharsets.UTF_8));
        }
        option(9, new byte[] {9});
        endOptions();
        finish();
        return interfaces++;
    }

    /** Writes one packet on interface 0. */
    public void write(long timeNanos, byte[] data, int originalLength, String comment) throws IOException {
        write(0, timeNanos, ByteBuffer.wrap(data), originalLength, comment);
    }

    /**
     * Writes one packet: the bytes from {@code data}'s position to its limit (the buffer is not moved).
     *
     * @param comment shown by Wireshark as the packet comment, or null
     */
    public void write(int iface, long timeNanos, ByteBuffer data, int originalLength, String comment)
            throws IOException {
        if (iface < 0 || iface >= interfaces) {
            throw new IllegalArgumentException("interface " + iface + " was not added");
        }
        int len = data.remaining();
        ensure(len + 64 + (comment == null ? 0 : comment.length() * 3));
        begin(6);
        buf.putInt(iface).putInt((int) (timeNanos >>> 32)).putInt((int) timeNanos).putInt(len)
                .putInt(Math.max(len, originalLength));
        buf.put(data.duplicate());
        pad();
        if (comment != null) {
            option(1, comment.getBytes(StandardCharsets.UTF_8));
            endOptions();
        }
        finish();
    }

    private void ensure(int n) {
        if (buf.capacity() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Integer.highestOneBit(n) << 1).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            buf = bigger.put(buf);
        }
    }

    private void begin(int type) {
        buf.clear();
        buf.putInt(type).putInt(0);
    }

    private void option(int code, byte[] value) {
        ensure(buf.position() + value.length + 16);
        buf.putShort((short) code).putShort((short) value.length).put(value);
        pad();
    }

    private void endOptions() {
        buf.putInt(0);
    }

    private void pad() {
        while ((buf.position() & 3) != 0) {
            buf.put((byte) 0);
        }
    }

    private void finish() throws IOException {
        int total = buf.position() + 4;
        buf.putInt(total);
        buf.putInt(4, total);
        out.write(buf.array(), 0, total);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
