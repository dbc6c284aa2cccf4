package org.kerbscope.core.model;

import java.nio.ByteBuffer;

/**
 * One captured frame as the capture file holds it.
 *
 * @param number       1-based position in file order (Wireshark's frame number)
 * @param timeNanos    capture time, nanoseconds since the Unix epoch (UTC)
 * @param linkType     the pcap LINKTYPE_* value of the interface it was captured on
 * @param originalLength the length on the wire (may exceed the captured bytes when the snaplen cut it)
 * @param data         the captured bytes: a read-only view into the file mapping, position 0; never copied
 */
public record Frame(long number, long timeNanos, int linkType, int originalLength, ByteBuffer data) {

    /** The number of bytes actually captured. */
    public int capturedLength() {
        return data.remaining();
    }
}
