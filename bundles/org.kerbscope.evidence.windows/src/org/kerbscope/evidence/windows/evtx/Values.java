package org.kerbscope.evidence.windows.evtx;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Renders Binary XML substitution values (MS-EVEN6 value types) as text in the forms Windows' own renderer and
 * python-evtx give them: decimal integers, {@code 0x17} for HexInt32/64, {@code S-1-5-…} SIDs, braced
 * lower-case GUIDs, FILETIMEs as ISO-8601 UTC with the 7-digit fraction Windows writes.
 */
public final class Values {
    public static final int NULL = 0x00, WSTRING = 0x01, STRING = 0x02, INT8 = 0x03, UINT8 = 0x04, INT16 = 0x05,
            UINT16 = 0x06, INT32 = 0x07, UINT32 = 0x08, INT64 = 0x09, UINT64 = 0x0a, REAL32 = 0x0b, REAL64 = 0x0c,
            BOOL = 0x0d, BINARY = 0x0e, GUID = 0x0f, SIZET = 0x10, FILETIME = 0x11, SYSTEMTIME = 0x12, SID = 0x13,
            HEXINT32 = 0x14, HEXINT64 = 0x15, EVTHANDLE = 0x20, BINXML = 0x21, EVTXML = 0x23, ARRAY = 0x80;

    /** FILETIME ticks (100 ns) between 1601-01-01 and 1970-01-01. */
    private static final long EPOCH_DIFF_TICKS = 116_444_736_000_000_000L;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Values() {
    }

    /** A FILETIME as Windows renders SystemTime: {@code 2022-11-28T00:59:30.1875763Z}. */
    public static String filetime(long ticks) {
        long sinceEpoch = ticks - EPOCH_DIFF_TICKS;
        long seconds = Math.floorDiv(sinceEpoch, 10_000_000L);
        long fraction = Math.floorMod(sinceEpoch, 10_000_000L);
        return SECONDS.format(Instant.ofEpochSecond(seconds)) + String.format(Locale.ROOT, ".%07dZ", fraction);
    }

    /** Renders {@code size} bytes at {@code off} as value type {@code type}. */
    static String render(byte[] b, int off, int size, int type) throws EvtxFormatException {
        if ((type & ARRAY) != 0) {
            return renderArray(b, off, size, type & 0x7f);
        }
        switch (type) {
            case NULL:
                return "";
            case WSTRING:
                return stripNul(new String(b, off, size & ~1, StandardCharsets.UTF_16LE));
            case STRING:
                return stripNul(new String(b, off, size, StandardCharsets.ISO_8859_1));
            case INT8:
                need(size, 1, type);
                return Byte.toString(b[off]);
            case UINT8:
                need(size, 1, type);
                return Integer.toString(b[off] & 0xff);
            case INT16:
                need(size, 2, type);
                return Short.toString((short) le(b, off, 2));
            case UINT16:
                need(size, 2, type);
                return Long.toString(le(b, off, 2));
            case INT32:
                need(size, 4, type);
                return Integer.toString((int) le(b, off, 4));
            case UINT32:
                need(size, 4, type);
                return Long.toString(le(b, off, 4));
            case INT64:
                need(size, 8, type);
                return Long.toString(le(b, off, 8));
            case UINT64:
                need(size, 8, type);
                return Long.toUnsignedString(le(b, off, 8));
            case REAL32:
                need(size, 4, type);
                return Float.toString(Float.intBitsToFloat((int) le(b, off, 4)));
            case REAL64:
                need(size, 8, type);
                return Double.toString(Double.longBitsToDouble(le(b, off, 8)));
            case BOOL:
                need(size, 1, type);
                return le(b, off, Math.min(size, 4)) != 0 ? "true" : "false";
            case BINARY:
                return HexFormat.of().withUpperCase().formatHex(b, off, off + size);
            case GUID:
                need(size, 16, type);
                return guid(b, off);
            case SIZET:
                need(size, 4, type);
                return "0x" + Long.toHexString(le(b, off, size >= 8 ? 8 : 4));
            case FILETIME:
                need(size, 8, type);
                return filetime(le(b, off, 8));
            case SYSTEMTIME:
                need(size, 16, type);
                return String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d.%03d0000Z", le(b, off, 2),
                        le(b, off + 2, 2), le(b, off + 6, 2), le(b, off + 8, 2), le(b, off + 10, 2),
                        le(b, off + 12, 2), le(b, off + 14, 2));
            case SID:
                return sid(b, off, size);
            case HEXINT32:
                need(size, 4, type);
                return "0x" + Long.toHexString(le(b, off, 4));
            case HEXINT64:
                need(size, 8, type);
                return "0x" + Long.toHexString(le(b, off, 8));
            case EVTHANDLE:
                return "";
            case EVTXML:
                return stripNul(new String(b, off, size & ~1, StandardCharsets.UTF_16LE));
            default:
                throw new EvtxFormatException("unknown value type 0x" + Integer.toHexString(type));
        }
    }

    private static String renderArray(byte[] b, int off, int size, int type) throws EvtxFormatException {
        List<String> items = new ArrayList<>();
        if (type == WSTRING || type == STRING) {
            String all = type == WSTRING ? new String(b, off, size & ~1, StandardCharsets.UTF_16LE)
                    : new String(b, off, size, StandardCharsets.ISO_8859_1);
            for (String s : stripNul(all).split("\u0000", -1)) {
                items.add(s);
            }
        } else {
            int width = switch (type) {
                case INT8, UINT8, BOOL -> type == BOOL ? 4 : 1;
                case INT16, UINT16 -> 2;
                case INT32, UINT32, REAL32, HEXINT32 -> 4;
                case INT64, UINT64, REAL64, HEXINT64, FILETIME, SIZET -> 8;
                case GUID, SYSTEMTIME -> 16;
                default -> 0;
            };
            if (width == 0) {
                throw new EvtxFormatException("unsupported array of value type 0x" + Integer.toHexString(type));
            }
            for (int p = 0; p + width <= size; p += width) {
                items.add(render(b, off + p, width, type));
            }
        }
        return String.join(", ", items);
    }

    private static void need(int size, int min, int type) throws EvtxFormatException {
        if (size < min) {
            throw new EvtxFormatException("value of type 0x" + Integer.toHexString(type) + " has " + size
                    + " bytes, fewer than its " + min);
        }
    }

    static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    private static String stripNul(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == 0) {
            end--;
        }
        return s.substring(0, end);
    }

    static String guid(byte[] b, int off) {
        return String.format(Locale.ROOT, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", le(b, off, 4),
                le(b, off + 4, 2), le(b, off + 6, 2), b[off + 8] & 0xff, b[off + 9] & 0xff, b[off + 10] & 0xff,
                b[off + 11] & 0xff, b[off + 12] & 0xff, b[off + 13] & 0xff, b[off + 14] & 0xff, b[off + 15] & 0xff);
    }

    /** A binary SID (revision, count, 48-bit big-endian authority, little-endian sub-authorities) as S-1-…. */
    static String sid(byte[] b, int off, int size) throws EvtxFormatException {
        if (size < 8) {
            throw new EvtxFormatException("SID of " + size + " bytes");
        }
        int count = b[off + 1] & 0xff;
        if (8 + 4 * count > size) {
            throw new EvtxFormatException("SID claims " + count + " sub-authorities in " + size + " bytes");
        }
        long authority = 0;
        for (int i = 2; i < 8; i++) {
            authority = (authority << 8) | (b[off + i] & 0xff);
        }
        StringBuilder sb = new StringBuilder("S-").append(b[off] & 0xff).append('-');
        sb.append(authority >= (1L << 32) ? "0x" + Long.toHexString(authority).toUpperCase(Locale.ROOT)
                : Long.toString(authority));
        for (int i = 0; i < count; i++) {
            sb.append('-').append(le(b, off + 8 + 4 * i, 4));
        }
        return sb.toString();
    }
}
