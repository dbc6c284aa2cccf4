package org.kerbscope.capture.internal;

import org.kerbscope.capture.LinkTypes;

/**
 * Microsoft Network Monitor capture files, 2.x ({@code GMBU}; the format of Network Monitor 3.x, Message
 * Analyzer exports and {@code pktmon etl2pcap}'s sibling {@code .cap}) and 1.x ({@code RTSS}). All fields are
 * little-endian. A 128-byte header gives the capture start as a SYSTEMTIME and the place of the frame table,
 * an array of 32-bit offsets, one per frame, in frame order. A 2.x record is an 8-byte offset in microseconds
 * from the start, the original and the captured length, the bytes, and (2.1 and later) a trailer with the
 * frame's media type; 2.3 trailers add the frame's own UTC time as a FILETIME, which wins over start+offset
 * (as in Wireshark). The header SYSTEMTIME carries no time zone: it is read as UTC.
 * <p>
 * Media types 0xFFFC-0xFFFE (reassembly payload headers, adapter lists, DNS caches) are metadata, not
 * frames: skipped, as Wireshark does. ETW events (0xFFE0) and filter strings are frames with a private link
 * type ({@link LinkTypes#NETMON_BASE}). If the frame table is missing (a file cut short loses it: it sits at
 * the end), the records are walked one after the other from byte 128.
 */
public final class NetmonParser extends RecordParser {
    public static final int MAGIC_2X = 0x55424D47; // "GMBU" read little-endian
    public static final int MAGIC_1X = 0x53535452; // "RTSS"
    static final int HEADER = 128;
    private static final long FILETIME_EPOCH_DIFF = 116_444_736_000_000_000L;

    private final int major;
    private final int minor;
    private final int fileMedia;
    private final long startNanos;
    private final long tableOffset;
    private final long tableEntries;
    private final boolean walk;
    private final int trailer;
    private long index;
    private long walkPos = HEADER;
    private boolean headerBad;

    public NetmonParser(MappedFile file) {
        super(file);
        if (file.size() < HEADER) {
            headerBad = true;
            major = minor = fileMedia = 0;
            startNanos = tableOffset = tableEntries = 0;
            walk = false;
            trailer = 0;
            return;
        }
        minor = file.u8(4);
        major = file.u8(5);
        fileMedia = file.u16(6, false);
        startNanos = systemTime(file.u16(8, false), file.u16(10, false), file.u16(14, false), file.u16(16, false),
                file.u16(18, false), file.u16(20, false), file.u16(22, false));
        tableOffset = file.u32(24, false);
        long tableLen = file.u32(28, false);
        tableEntries = tableLen / 4;
        walk = tableLen == 0 || (tableLen & 3) != 0 || tableOffset + tableLen > file.size() || tableOffset < HEADER;
        trailer = major != 2 || minor == 0 ? 0 : minor == 1 ? 2 : minor == 2 ? 6 : 15;
    }

    private static long systemTime(int year, int month, int day, int hour, int min, int sec, int msec) {
        try {
            return java.time.LocalDateTime.of(year, month, day, hour, min, sec)
                    .toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000_000L + msec * 1_000_000L;
        } catch (java.time.DateTimeException e) {
            return 0;
        }
    }

    @Override
    public String format() {
        return "netmon";
    }

    public String version() {
        return major + "." + minor;
    }

    @Override
    protected boolean next() {
        if (headerBad) {
            damage(0, "is cut short inside its " + HEADER + "-byte header (" + size + " bytes)");
            return false;
        }
        if (major != 1 && major != 2) {
            damage(5, "has version " + major + "." + minor + ", which is not Network Monitor 1.x or 2.x");
            return false;
        }
        if (walk && index == 0 && walkPos == HEADER) {
            warn("Network Monitor frame table missing or outside the file (the file was probably cut short); "
                    + "frames were recovered by walking the records from byte offset " + HEADER);
        }
        while (true) {
            long rec;
            if (walk) {
                rec = walkPos;
                if (rec >= size) {
                    return false;
                }
            } else {
                if (index >= tableEntries) {
                    return false;
                }
                rec = file.u32(tableOffset + 4 * index, false);
                index++;
            }
            int hdr = major == 1 ? 8 : 16;
            if (rec + hdr > size || rec < 4) {
                if (walk) {
                    // The end of the walk: the rest is the cut-off record or the tables.
                    return false;
                }
                damage(rec, "has a frame (table entry " + index + ") whose header lies outside the file (" + size
                        + " bytes)");
                return false;
            }
            long delta;
            long orig;
            long incl;
            if (major == 1) {
                delta = file.u32(rec, false) * 1_000_000L;
                orig = file.u16(rec + 4, false);
                incl = file.u16(rec + 6, false);
            } else {
                // Documented as unsigned microseconds, but tools write negative values: x10 then signed (Wireshark).
                delta = file.i64(rec, false) * 10 * 100;
                orig = file.u32(rec + 8, false);
                incl = file.u32(rec + 12, false);
            }
            if (incl > PcapParser.MAX_RECORD) {
                if (walk) {
                    return false;
                }
                damage(rec, "has a frame claiming " + incl + " captured bytes, more than the maximum of "
                        + PcapParser.MAX_RECORD + ": the record is garbage");
                return false;
            }
            long data = rec + hdr;
            if (data + incl + trailer > size) {
                if (walk) {
                    return false;
                }
                damage(rec, "has a frame of " + incl + " bytes that runs past the end of the file: the file was cut short");
                return false;
            }
            walkPos = data + incl + trailer;
            int media = trailer >= 2 ? file.u16(data + incl, false) : fileMedia;
            if (media == 0xFFFC || media == 0xFFFD || media == 0xFFFE) {
                continue;
            }
            dataOffset = data;
            capturedLength = (int) incl;
            originalLength = (int) Math.max(orig, incl);
            linkType = linkType(media);
            long t = startNanos + delta;
            if (trailer >= 15) {
                long ft = file.i64(data + incl + 6, false);
                if (ft > 0) {
                    t = (ft - FILETIME_EPOCH_DIFF) * 100;
                }
            }
            timeNanos = t;
            return true;
        }
    }

    /** Network Monitor media type to pcap link type (Wireshark's netmon_encap table and 0xE000+pcap values). */
    static int linkType(int media) {
        if (media >= 0xE080 && media <= 0xE08A) {
            return media == 0xE080 ? LinkTypes.IEEE802_11 : LinkTypes.NETMON_BASE | media;
        }
        if ((media & 0xF000) == 0xE000) {
            return media & 0x0FFF;
        }
        return switch (media) {
            case 0, 1 -> LinkTypes.ETHERNET;
            case 2 -> LinkTypes.IEEE802_5;
            case 3 -> LinkTypes.FDDI;
            case 7, 8, 9 -> LinkTypes.RAW;
            default -> LinkTypes.NETMON_BASE | media;
        };
    }
}
