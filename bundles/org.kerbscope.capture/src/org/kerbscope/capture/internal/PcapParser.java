package org.kerbscope.capture.internal;

import java.nio.ByteBuffer;

/**
 * libpcap files (draft-ietf-opsawg-pcap): a 24-byte file header and 16-byte record headers, in the byte
 * order the magic number reveals; microsecond ({@code A1B2C3D4}) or nanosecond ({@code A1B23C4D})
 * timestamps; also Alexey Kuznetzov's modified format ({@code A1B2CD34}) whose record headers carry 8 more
 * bytes.
 */
public final class PcapParser extends RecordParser {
    public static final int MAGIC_USEC = 0xA1B2C3D4;
    public static final int MAGIC_NSEC = 0xA1B23C4D;
    public static final int MAGIC_MODIFIED = 0xA1B2CD34;
    /** What Wireshark accepts as the largest record; larger means the header is garbage. */
    static final int MAX_RECORD = 262_144;

    private final boolean bigEndian;
    private final boolean nanos;
    private final int recordHeader;
    private final int fileLinkType;
    private final int snaplen;
    private long pos;

    public PcapParser(MappedFile file) {
        super(file);
        int magic = file.size() >= 4 ? file.i32(0, true) : 0;
        boolean be = magic == MAGIC_USEC || magic == MAGIC_NSEC || magic == MAGIC_MODIFIED;
        int m = be ? magic : Integer.reverseBytes(magic);
        bigEndian = be;
        nanos = m == MAGIC_NSEC;
        recordHeader = m == MAGIC_MODIFIED ? 24 : 16;
        if (file.size() >= 24) {
            // The upper bits of the link-type field carry FCS information (pcap spec, section 4).
            fileLinkType = file.i32(20, bigEndian) & 0x03FF_FFFF;
            snaplen = file.i32(16, bigEndian);
        } else {
            fileLinkType = -1;
            snaplen = 0;
        }
        pos = 24;
    }

    @Override
    public String format() {
        return "pcap";
    }

    /** The precision of the file's timestamps: 1000 for microseconds, 1 for nanoseconds. */
    public boolean nanosecond() {
        return nanos;
    }

    public int snaplen() {
        return snaplen;
    }

    @Override
    protected boolean next() {
        if (fileLinkType < 0) {
            damage(0, "is cut short inside its 24-byte file header (" + size + " bytes)");
            return false;
        }
        long left = size - pos;
        if (left == 0) {
            return false;
        }
        if (left < recordHeader) {
            damage(pos, "ends inside a record header (" + left + " of " + recordHeader + " bytes): the file was cut short");
            return false;
        }
        // The header is at most 24 bytes and the windows overlap by at least 64: one window serves it.
        ByteBuffer w = file.window(pos);
        int r = file.offsetInWindow(pos);
        int s = w.getInt(r), f = w.getInt(r + 4), i = w.getInt(r + 8), o = w.getInt(r + 12);
        if (bigEndian) {
            s = Integer.reverseBytes(s);
            f = Integer.reverseBytes(f);
            i = Integer.reverseBytes(i);
            o = Integer.reverseBytes(o);
        }
        long sec = s & 0xFFFF_FFFFL;
        long frac = f & 0xFFFF_FFFFL;
        long incl = i & 0xFFFF_FFFFL;
        long orig = o & 0xFFFF_FFFFL;
        long data = pos + recordHeader;
        if (!frame(pos, data, incl, orig, sec * 1_000_000_000L + (nanos ? frac : frac * 1000), fileLinkType)) {
            return false;
        }
        pos = data + incl;
        return true;
    }
}
