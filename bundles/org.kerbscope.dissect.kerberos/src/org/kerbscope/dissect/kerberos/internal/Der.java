package org.kerbscope.dissect.kerberos.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small DER reader that keeps every element's position, which Kerby's decoder does not expose and the hex
 * view needs. It reads with absolute gets from a buffer it never modifies, checks every length against the
 * bytes that enclose it before using it, and refuses indefinite lengths (Kerberos is DER, RFC 4120 §5.1).
 * Any violation throws {@link Malformed}, which the dissector catches at its boundary.
 */
public final class Der {
    public static final int UNIVERSAL = 0;
    public static final int APPLICATION = 1;
    public static final int CONTEXT = 2;
    public static final int PRIVATE = 3;

    /** How deep constructed elements may nest before the input is called malformed (stack safety). */
    public static final int MAX_DEPTH = 40;

    private final ByteBuffer b;

    public Der(ByteBuffer b) {
        this.b = b;
    }

    public ByteBuffer buffer() {
        return b;
    }

    /** One element: where its header starts, where its content starts, and how long the content is. */
    public record Tlv(int tagClass, boolean constructed, int tag, int start, int off, int len) {
        public int end() {
            return off + len;
        }

        public int totalLength() {
            return end() - start;
        }

        public boolean is(int cls, int number) {
            return tagClass == cls && tag == number;
        }
    }

    /** The input breaks DER: the message says where and why. */
    public static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int offset;

        public Malformed(int offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    /** Reads the element that starts at {@code pos} and must end by {@code limit}. */
    public Tlv read(int pos, int limit) {
        if (pos >= limit) {
            throw new Malformed(pos, "an element was expected but no bytes are left");
        }
        int p = pos;
        int first = u8(p++);
        int cls = first >>> 6;
        boolean constructed = (first & 0x20) != 0;
        int tag = first & 0x1f;
        if (tag == 0x1f) {
            tag = 0;
            int n = 0;
            int c;
            do {
                if (p >= limit) {
                    throw new Malformed(pos, "tag number runs past the end of the data");
                }
                c = u8(p++);
                tag = (tag << 7) | (c & 0x7f);
                if (++n > 4) {
                    throw new Malformed(pos, "tag number longer than 4 bytes");
                }
            } while ((c & 0x80) != 0);
        }
        if (p >= limit) {
            throw new Malformed(pos, "length runs past the end of the data");
        }
        int l = u8(p++);
        long len;
        if (l < 0x80) {
            len = l;
        } else if (l == 0x80) {
            throw new Malformed(pos, "indefinite length, which DER does not allow");
        } else {
            int n = l & 0x7f;
            if (n > 4) {
                throw new Malformed(pos, "length field of " + n + " bytes");
            }
            if (p + n > limit) {
                throw new Malformed(pos, "length runs past the end of the data");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | u8(p++);
            }
        }
        if (len > limit - p) {
            throw new Malformed(pos, "length 0x" + Long.toHexString(len) + " exceeds the " + (limit - p)
                    + " bytes left");
        }
        return new Tlv(cls, constructed, tag, pos, p, (int) len);
    }

    /** The elements inside a constructed element, in order. */
    public List<Tlv> children(Tlv t) {
        if (!t.constructed()) {
            throw new Malformed(t.start(), "a constructed element was expected");
        }
        List<Tlv> out = new ArrayList<>(8);
        int p = t.off();
        while (p < t.end()) {
            Tlv c = read(p, t.end());
            out.add(c);
            p = c.end();
            if (out.size() > 100_000) {
                throw new Malformed(p, "too many elements");
            }
        }
        return out;
    }

    /** The single element inside an explicitly tagged one ({@code [n] EXPLICIT}). */
    public Tlv inner(Tlv t) {
        if (!t.constructed()) {
            throw new Malformed(t.start(), "explicit tag [" + t.tag() + "] is not constructed");
        }
        return read(t.off(), t.end());
    }

    /** The SEQUENCE inside an explicit or application tag, checked. */
    public Tlv innerSequence(Tlv t) {
        Tlv s = inner(t);
        if (!s.is(UNIVERSAL, 16) || !s.constructed()) {
            throw new Malformed(s.start(), "SEQUENCE expected");
        }
        return s;
    }

    /**
     * The context-tagged fields of a SEQUENCE, indexed by tag number (null where absent). A number above
     * {@code max} or a repeated one is malformed.
     */
    public Tlv[] fields(Tlv seq, int max) {
        if (!seq.is(UNIVERSAL, 16) || !seq.constructed()) {
            throw new Malformed(seq.start(), "SEQUENCE expected");
        }
        Tlv[] out = new Tlv[max + 1];
        // the children are walked in place rather than listed first; a misplaced field is reported only once every
        // child has been read, so that an unreadable later child still wins, as when they were listed first
        Malformed misplaced = null;
        int count = 0;
        for (int p = seq.off(); p < seq.end();) {
            Tlv c = read(p, seq.end());
            p = c.end();
            if (++count > 100_000) {
                throw new Malformed(p, "too many elements");
            }
            if (misplaced != null) {
                continue;
            }
            if (c.tagClass() != CONTEXT) {
                misplaced = new Malformed(c.start(), "context tag expected inside SEQUENCE");
            } else if (c.tag() > max) {
                continue; // an extension this reader does not know: skipped, as DER extensibility allows
            } else if (out[c.tag()] != null) {
                misplaced = new Malformed(c.start(), "field [" + c.tag() + "] repeated");
            } else {
                out[c.tag()] = c;
            }
        }
        if (misplaced != null) {
            throw misplaced;
        }
        return out;
    }

    public int u8(int i) {
        return b.get(i) & 0xff;
    }

    /** INTEGER content as a signed long (Kerberos numbers fit 32 bits; 8 bytes are accepted). */
    public long integer(Tlv t) {
        if (!t.is(UNIVERSAL, 2)) {
            throw new Malformed(t.start(), "INTEGER expected");
        }
        if (t.len() < 1 || t.len() > 9) {
            throw new Malformed(t.start(), "INTEGER of " + t.len() + " bytes");
        }
        long v = (byte) b.get(t.off());
        for (int i = 1; i < t.len(); i++) {
            v = (v << 8) | u8(t.off() + i);
        }
        return v;
    }

    /** The INTEGER inside an explicit tag. */
    public long explicitInt(Tlv t) {
        return integer(inner(t));
    }

    public int explicitInt32(Tlv t) {
        return (int) integer(inner(t));
    }

    /** A character string (KerberosString and friends) as text; invalid bytes become U+FFFD. */
    public String string(Tlv t) {
        if (t.constructed() || t.tagClass() != UNIVERSAL) {
            throw new Malformed(t.start(), "string expected");
        }
        byte[] raw = new byte[t.len()];
        b.get(t.off(), raw);
        return new String(raw, StandardCharsets.UTF_8);
    }

    public String explicitString(Tlv t) {
        return string(inner(t));
    }

    /** The bytes of an OCTET STRING element; the caller decides whether a copy is needed at all. */
    public Tlv octets(Tlv t) {
        if (!t.is(UNIVERSAL, 4) || t.constructed()) {
            throw new Malformed(t.start(), "OCTET STRING expected");
        }
        return t;
    }

    public byte[] bytes(int off, int len) {
        byte[] raw = new byte[len];
        b.get(off, raw);
        return raw;
    }

    /**
     * A BIT STRING's bits as an int, bit 0 being the most significant bit of the first content byte (the
     * numbering of RFC 4120's KDCOptions, TicketFlags and APOptions). Bits past 31 are dropped.
     */
    public int bits(Tlv t) {
        if (!t.is(UNIVERSAL, 3) || t.constructed() || t.len() < 1) {
            throw new Malformed(t.start(), "BIT STRING expected");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int byteVal = i + 1 < t.len() ? u8(t.off() + 1 + i) : 0;
            v = (v << 8) | byteVal;
        }
        return v;
    }

    /** GeneralizedTime "YYYYMMDDHHMMSSZ" as ISO-8601 "YYYY-MM-DDTHH:MM:SSZ"; other shapes are returned as sent. */
    public String time(Tlv t) {
        if (!t.is(UNIVERSAL, 24)) {
            throw new Malformed(t.start(), "GeneralizedTime expected");
        }
        if (t.len() == 15) {
            // the usual shape, rewritten straight from the bytes (every KDC message carries one or two times)
            byte[] iso = new byte[20];
            int o = t.off();
            for (int i = 0, j = 0; i < 14; i++, j++) {
                int c = u8(o + i);
                if (c < '0' || c > '9') {
                    iso = null;
                    break;
                }
                if (i == 4 || i == 6) {
                    iso[j++] = '-';
                } else if (i == 8) {
                    iso[j++] = 'T';
                } else if (i == 10 || i == 12) {
                    iso[j++] = ':';
                }
                iso[j] = (byte) c;
            }
            if (iso != null && u8(o + 14) == 'Z') {
                iso[19] = 'Z';
                return new String(iso, StandardCharsets.ISO_8859_1);
            }
        }
        return isoTime(new String(bytes(t.off(), t.len()), StandardCharsets.ISO_8859_1));
    }

    static String isoTime(String s) {
        if (s.length() == 15 && s.endsWith("Z") && s.chars().limit(14).allMatch(Character::isDigit)) {
            return s.substring(0, 4) + "-" + s.substring(4, 6) + "-" + s.substring(6, 8) + "T" + s.substring(8, 10)
                    + ":" + s.substring(10, 12) + ":" + s.substring(12, 14) + "Z";
        }
        return s;
    }

    /** OBJECT IDENTIFIER content in dotted form. */
    public String oid(Tlv t) {
        if (!t.is(UNIVERSAL, 6) || t.len() < 1 || t.len() > 64) {
            throw new Malformed(t.start(), "OBJECT IDENTIFIER expected");
        }
        return oid(b, t.off(), t.len());
    }

    /** Dotted form of OID content bytes; null when they are not a valid encoding. */
    public static String oidOrNull(ByteBuffer b, int off, int len) {
        try {
            return oid(b, off, len);
        } catch (Malformed e) {
            return null;
        }
    }

    static String oid(ByteBuffer b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        long v = 0;
        boolean first = true;
        int n = 0;
        for (int i = 0; i < len; i++) {
            int c = b.get(off + i) & 0xff;
            v = (v << 7) | (c & 0x7f);
            if (++n > 8) {
                throw new Malformed(off, "OID arc too long");
            }
            if ((c & 0x80) == 0) {
                if (first) {
                    long a = Math.min(2, v / 40);
                    sb.append(a).append('.').append(v - 40 * a);
                    first = false;
                } else {
                    sb.append('.').append(v);
                }
                v = 0;
                n = 0;
            }
        }
        if (n != 0 || first) {
            throw new Malformed(off, "OID truncated");
        }
        return sb.toString();
    }
}
