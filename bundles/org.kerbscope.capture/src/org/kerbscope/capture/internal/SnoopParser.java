package org.kerbscope.capture.internal;

import org.kerbscope.capture.LinkTypes;

/**
 * Snoop files (RFC 1761): what Solaris {@code snoop} and Check Point's {@code fw monitor} write. All fields are
 * big-endian. A 16-byte header: the identification {@code "snoop\0\0\0"}, the version (2) and the datalink type.
 * Each record: the original length, the included length, the record's whole length (header, bytes and padding to a
 * 4-byte boundary), the cumulative drops, and the time in seconds and microseconds; then the included bytes.
 * <p>
 * Datalink types 0 (IEEE 802.3) and 4 (Ethernet) are Ethernet, 2 token ring, 8 FDDI, and Solaris' 0x1a IPnet (the
 * observability header of its loopback and zone traffic); others get a private link type
 * ({@link LinkTypes#SNOOP_BASE}), and their frames are listed but not decoded.
 */
public final class SnoopParser extends RecordParser {
    /** The identification pattern at the start of the file. */
    public static final byte[] MAGIC = {'s', 'n', 'o', 'o', 'p', 0, 0, 0};
    static final int HEADER = 16;
    static final int RECORD_HEADER = 24;

    private final int version;
    private final int datalink;
    private final int fileLinkType;
    private long pos = HEADER;

    public SnoopParser(MappedFile file) {
        super(file);
        if (file.size() >= HEADER) {
            version = file.i32(8, true);
            datalink = file.i32(12, true);
        } else {
            version = datalink = -1;
        }
        fileLinkType = switch (datalink) {
            case 0, 4 -> LinkTypes.ETHERNET;
            case 2 -> LinkTypes.IEEE802_5;
            case 8 -> LinkTypes.FDDI;
            case 0x1a -> LinkTypes.IPNET;
            default -> LinkTypes.SNOOP_BASE | (datalink & 0xFFFF);
        };
    }

    @Override
    public String format() {
        return "snoop";
    }

    @Override
    protected boolean next() {
        if (version < 0) {
            damage(0, "is cut short inside its 16-byte file header (" + size + " bytes)");
            return false;
        }
        if (version != 2) {
            damage(8, "has version " + version + "; only version 2 (RFC 1761) is read");
            return false;
        }
        long left = size - pos;
        if (left == 0) {
            return false;
        }
        if (left < RECORD_HEADER) {
            damage(pos, "ends inside a record header (" + left + " of " + RECORD_HEADER
                    + " bytes): the file was cut short");
            return false;
        }
        long orig = file.u32(pos, true);
        long incl = file.u32(pos + 4, true);
        long recordLength = file.u32(pos + 8, true);
        long sec = file.u32(pos + 16, true);
        long usec = file.u32(pos + 20, true);
        if (recordLength < RECORD_HEADER + incl) {
            damage(pos, "has a record of " + recordLength + " bytes, too short for its header and " + incl
                    + " captured bytes: the header is garbage");
            return false;
        }
        long nanos = sec * 1_000_000_000L + Math.min(usec, 999_999) * 1000;
        if (!frame(pos, pos + RECORD_HEADER, incl, orig, nanos, fileLinkType)) {
            return false;
        }
        // the padding (to four bytes) is skipped; a last record whose padding the file lacks is still whole
        long padding = recordLength - RECORD_HEADER - incl;
        if (padding > 3 && padding > size - (pos + RECORD_HEADER + incl)) {
            warn("snoop file: the record of frame " + (frames + 1) + " at byte offset " + pos + " claims " + recordLength
                    + " bytes, past the end of the file: the file was cut short after that frame");
        }
        pos = Math.min(size, pos + recordLength);
        return true;
    }
}
