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
 * frames: skipped, as Wireshark does. Filter strings and ETW events (0xFFE0) are frames with a private link
 * type ({@link LinkTypes#NETMON_BASE}), except the events that carry a packet ({@link #etwPacket}): a trace of
 * {@code pktmon} or {@code netsh trace} opened in Network Monitor and saved keeps its packets as such events,
 * and each is read as the packet it holds (one frame per record, so the frame numbers stay Wireshark's). If the
 * frame table is missing (a file cut short loses it: it sits at the end), the records are walked one after the
 * other from byte 128.
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
            comment = null;
            if (media == 0xFFE0) {
                etwPacket(data, (int) incl);
            }
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

    // ETW events as Network Monitor stores them: the EVENT_HEADER fields, the buffer context, the number of extended
    // data items and the user data's length, then those items and the user data, which ends the record.
    private static final int EVENT_PROVIDER = 24;
    private static final int EVENT_ID = 40;
    private static final int EVENT_KEYWORD = 48;
    private static final int EVENT_USER_DATA_LENGTH = 86;
    private static final int EVENT_HEADER = 89;
    /** Microsoft-Windows-PktMon, {4D4F80D9-C8BD-4D73-BB5B-19C90402C5AC}, as the GUID structure lies in memory. */
    private static final long[] PKTMON = guid(0x4D4F80D9, 0xC8BD, 0x4D73, 0xBB5B19C90402C5ACL);
    /** Microsoft-Windows-NDIS-PacketCapture, {2ED6006E-4729-4609-B423-3EE7BCD678EF} (netsh trace capture=yes). */
    private static final long[] NDIS = guid(0x2ED6006E, 0x4729, 0x4609, 0xB4233EE7BCD678EFL);
    /** PktMon's packet event: PktGroupId, six 16-bit fields, Filter, DropReason, DropLocation, the sizes, the bytes. */
    private static final int PKTMON_PACKET = 160;
    private static final int PKTMON_PACKET_HEADER = 34;
    /** NDIS-PacketCapture's packet fragment: MiniportIfIndex, LowerIfIndex, FragmentSize, the bytes. */
    private static final int NDIS_FRAGMENT = 1001;
    private static final long NDIS_KW_WIRELESS_WAN = 0x200L;
    private static final long NDIS_KW_NATIVE_802_11 = 0x10000L;
    private static final long NDIS_KW_PACKET_START = 0x40000000L;
    private static final long NDIS_KW_PACKET_END = 0x80000000L;

    private long splitFragments;

    private static long[] guid(int data1, int data2, int data3, long data4) {
        long low = (data1 & 0xFFFFFFFFL) | (long) (data2 & 0xFFFF) << 32 | (long) (data3 & 0xFFFF) << 48;
        return new long[] {low, Long.reverseBytes(data4)};
    }

    private boolean provider(long event, long[] guid) {
        return file.i64(event + EVENT_PROVIDER, false) == guid[0]
                && file.i64(event + EVENT_PROVIDER + 8, false) == guid[1];
    }

    /**
     * When the ETW event at {@code event} ({@code length} bytes) carries a packet, makes the frame that packet: the
     * event of Microsoft-Windows-PktMon (160: an Ethernet, Wi-Fi or IP packet, with the component it was seen at
     * as the frame's comment) or a whole packet of Microsoft-Windows-NDIS-PacketCapture (1001, by its keywords
     * Ethernet, native 802.11 or, for mobile broadband, IP). Any other event, or one whose lengths do not add up,
     * stays an event frame. A packet NDIS split over several events is not joined: those stay event frames, and
     * one diagnostic counts them.
     */
    private void etwPacket(long event, int length) {
        if (length < EVENT_HEADER) {
            return;
        }
        int userLength = file.u16(event + EVENT_USER_DATA_LENGTH, false);
        if (userLength > length - EVENT_HEADER) {
            return;
        }
        long user = event + length - userLength;
        int id = file.u16(event + EVENT_ID, false);
        if (id == PKTMON_PACKET && userLength >= PKTMON_PACKET_HEADER && provider(event, PKTMON)) {
            int logged = file.u16(user + 32, false);
            int link = switch (file.u16(user + 14, false)) {
                case 1 -> LinkTypes.ETHERNET;
                case 2 -> LinkTypes.IEEE802_11;
                case 3 -> LinkTypes.RAW;
                default -> -1;
            };
            if (link < 0 || logged != userLength - PKTMON_PACKET_HEADER) {
                return;
            }
            dataOffset = user + PKTMON_PACKET_HEADER;
            capturedLength = logged;
            originalLength = Math.max(logged, file.u16(user + 30, false));
            linkType = link;
            comment = "pktmon: packet group " + file.i64(user, false) + ", component " + file.u16(user + 16, false)
                    + ", edge " + file.u16(user + 18, false) + ", appearance " + file.u16(user + 10, false);
        } else if (id == NDIS_FRAGMENT && userLength >= 12 && provider(event, NDIS)) {
            long fragment = file.u32(user + 8, false);
            if (fragment != userLength - 12) {
                return;
            }
            long keywords = file.i64(event + EVENT_KEYWORD, false);
            long whole = NDIS_KW_PACKET_START | NDIS_KW_PACKET_END;
            if ((keywords & whole) != whole) {
                if (splitFragments++ == 0) {
                    warn("a packet of this trace was logged by NDIS in several fragment events, which are not joined:"
                            + " they stay event frames (the first: frame " + (frames + 1) + ")");
                }
                return;
            }
            dataOffset = user + 12;
            capturedLength = (int) fragment;
            originalLength = (int) fragment;
            linkType = (keywords & NDIS_KW_NATIVE_802_11) != 0 ? LinkTypes.IEEE802_11
                    : (keywords & NDIS_KW_WIRELESS_WAN) != 0 ? LinkTypes.RAW : LinkTypes.ETHERNET;
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
