package org.kerbscope.capture;

import java.nio.ByteBuffer;

import org.kerbscope.core.model.Frame;

/**
 * The frame a reader is on, without an object per frame: its description and where its bytes lie in a
 * big-endian buffer (a window of the file mapping), read with absolute indexes from {@link #offset()}. The
 * {@link Frame} is made only when asked for ({@link #frame()}): on a busy capture most frames belong to
 * conversations nobody reads, and two objects for each of tens of millions of them would be the reading pass'
 * largest cost after the bytes themselves. Mutable; valid until the reader moves on.
 * <p>
 * A reader that reads the file into a buffer it reuses (instead of mapping it) gives the cursor a {@link Source}:
 * the {@link Frame} is then made of a copy of the frame's bytes, which stays valid after the buffer has moved on,
 * also for a cursor {@linkplain #copyFrom copied} from this one and asked later.
 */
public final class FrameCursor {
    /** Where a frame's bytes can be had again once the buffer the cursor points into holds other bytes. */
    @FunctionalInterface
    public interface Source {
        /** A read-only, big-endian copy of {@code length} bytes at {@code fileOffset}, position 0. */
        ByteBuffer copy(long fileOffset, int length);
    }

    private long number;
    private long timeNanos;
    private int linkType;
    private int originalLength;
    private int capturedLength;
    private ByteBuffer buffer;
    private int offset;
    private Frame frame;
    private Source source;
    private long fileOffset;

    /** Puts the cursor on a frame whose bytes are {@code buffer[offset .. offset + capturedLength)}. */
    public void set(long number, long timeNanos, int linkType, int originalLength, ByteBuffer buffer, int offset,
            int capturedLength) {
        this.number = number;
        this.timeNanos = timeNanos;
        this.linkType = linkType;
        this.originalLength = originalLength;
        this.buffer = buffer;
        this.offset = offset;
        this.capturedLength = capturedLength;
        this.frame = null;
        this.source = null;
    }

    /**
     * Puts the cursor on a frame whose bytes are {@code buffer[offset .. offset + capturedLength)} for now, a buffer
     * whose bytes change as the reader moves on: the frame's object copies them from {@code source}.
     */
    public void set(long number, long timeNanos, int linkType, int originalLength, ByteBuffer buffer, int offset,
            int capturedLength, Source source, long fileOffset) {
        set(number, timeNanos, linkType, originalLength, buffer, offset, capturedLength);
        this.source = source;
        this.fileOffset = fileOffset;
    }

    /** Puts the cursor on a frame that already exists. */
    public void set(Frame f) {
        number = f.number();
        timeNanos = f.timeNanos();
        linkType = f.linkType();
        originalLength = f.originalLength();
        buffer = f.data();
        offset = 0;
        capturedLength = f.data().limit();
        frame = f;
        source = null;
    }

    /** Makes this cursor describe the same frame as {@code o} (which may move on afterwards). */
    public void copyFrom(FrameCursor o) {
        number = o.number;
        timeNanos = o.timeNanos;
        linkType = o.linkType;
        originalLength = o.originalLength;
        buffer = o.buffer;
        offset = o.offset;
        capturedLength = o.capturedLength;
        frame = o.frame;
        source = o.source;
        fileOffset = o.fileOffset;
    }

    public long number() {
        return number;
    }

    public long timeNanos() {
        return timeNanos;
    }

    public int linkType() {
        return linkType;
    }

    public int originalLength() {
        return originalLength;
    }

    public int capturedLength() {
        return capturedLength;
    }

    /** Holds the frame's bytes from {@link #offset()} on; big-endian, read-only, read with absolute indexes. */
    public ByteBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** The frame as an object (made once, on the first call). */
    public Frame frame() {
        Frame f = frame;
        if (f == null) {
            f = new Frame(number, timeNanos, linkType, originalLength,
                    source != null ? source.copy(fileOffset, capturedLength) : buffer.slice(offset, capturedLength));
            frame = f;
        }
        return f;
    }
}
