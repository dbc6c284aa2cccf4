package org.kerbscope.core.model;

/** A run of bytes in a frame (or in a reassembled buffer): offset from its start and length. */
public record ByteRange(int offset, int length) {
    public ByteRange {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative byte range " + offset + "+" + length);
        }
    }

    public int end() {
        return offset + length;
    }
}
