package org.kerbscope.dissect.spnego.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the DER elements of a SPNEGO token with their positions. Every length is checked against the bytes
 * that enclose it; indefinite lengths are refused (RFC 4178 tokens are DER). Violations throw
 * {@link Bad}, which the dissector catches at its boundary.
 */
public final class Asn1 {
    private final ByteBuffer b;

    public Asn1(ByteBuffer b) {
        this.b = b;
    }

    /** One element: tag byte (single-byte tags only: SPNEGO needs no other), header start, content. */
    public record Tlv(int tagByte, int start, int off, int len) {
        public int end() {
            return off + len;
        }

        public int total() {
            return end() - start;
        }

        public boolean constructed() {
            return (tagByte & 0x20) != 0;
        }

        /** The number of a context tag ([n]), or -1 for other classes. */
        public int context() {
            return (tagByte & 0xc0) == 0x80 ? tagByte & 0x1f : -1;
        }
    }

    /** The token breaks DER. */
    public static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int offset;

        public Bad(int offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    /*
     * The checks below throw through small factory methods: the messages' string building then sits outside
     * the methods every token runs, which keeps those small enough for the JIT to inline and compile quickly.
     */

    public Tlv read(int pos, int limit) {
        if (pos + 2 > limit) {
            throw noElement(pos, limit);
        }
        int tag = b.get(pos) & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new Bad(pos, "multi-byte tag where SPNEGO has none");
        }
        int p = pos + 1;
        int l = b.get(p++) & 0xff;
        long len;
        if (l < 0x80) {
            len = l;
        } else if (l == 0x80) {
            throw new Bad(pos, "indefinite length, which DER does not allow");
        } else {
            int n = l & 0x7f;
            if (n > 4 || p + n > limit) {
                throw new Bad(pos, "length field runs past the end of the data");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (b.get(p++) & 0xff);
            }
        }
        if (len > limit - p) {
            throw tooLong(pos, len, limit - p);
        }
        return new Tlv(tag, pos, p, (int) len);
    }

    private static Bad noElement(int pos, int limit) {
        return new Bad(pos, "an element was expected but " + Math.max(0, limit - pos) + " bytes are left");
    }

    private static Bad tooLong(int pos, long len, int left) {
        return new Bad(pos, "length " + len + " exceeds the " + left + " bytes left");
    }

    public List<Tlv> children(Tlv t) {
        if (!t.constructed()) {
            throw new Bad(t.start(), "a constructed element was expected");
        }
        List<Tlv> out = new ArrayList<>();
        for (int p = t.off(); p < t.end();) {
            Tlv c = read(p, t.end());
            out.add(c);
            p = c.end();
            if (out.size() > 10_000) {
                throw new Bad(p, "too many elements");
            }
        }
        return out;
    }

    /** The element inside an explicit tag. */
    public Tlv inner(Tlv t) {
        if (!t.constructed()) {
            throw new Bad(t.start(), "explicit tag is not constructed");
        }
        return read(t.off(), t.end());
    }

    public Tlv expect(Tlv t, int tagByte, String what) {
        if (t.tagByte() != tagByte) {
            throw unexpected(t, what);
        }
        return t;
    }

    private static Bad unexpected(Tlv t, String what) {
        return new Bad(t.start(), what + " expected");
    }

    public int u8(int i) {
        return b.get(i) & 0xff;
    }

    /**
     * The mechanism OIDs of SPNEGO negotiations (RFC 4178, MS-SPNG, MS-NLMP, RFC 4121, IAKERB), with their
     * DER contents. Nearly every OID a token carries is one of these: {@link #oid} returns the constant
     * instead of decoding the arcs into a new string each time.
     */
    private static final String[] KNOWN = { "1.3.6.1.5.5.2", "1.2.840.113554.1.2.2", "1.2.840.48018.1.2.2",
            "1.3.6.1.4.1.311.2.2.10", "1.3.6.1.4.1.311.2.2.30", "1.2.840.113554.1.2.2.3", "1.3.6.1.5.2.5" };
    private static final byte[][] KNOWN_DER = new byte[KNOWN.length][];
    static {
        for (int i = 0; i < KNOWN.length; i++) {
            byte[] der = encode(KNOWN[i]);
            // kept only when the general decoder reads the encoding back to the same text, so that the
            // shortcut can never answer differently from the decoder
            KNOWN_DER[i] = KNOWN[i].equals(decodesTo(der)) ? der : new byte[0];
        }
    }

    private static String decodesTo(byte[] der) {
        try {
            return new Asn1(ByteBuffer.wrap(der)).decodeOid(new Tlv(0x06, 0, 0, der.length));
        } catch (Bad e) {
            return null;
        }
    }

    /** The DER contents of a dotted OID (arcs below 2^56, as here). */
    private static byte[] encode(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] values = new long[arcs.length - 1];
        values[0] = Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            values[i - 1] = Long.parseLong(arcs[i]);
        }
        for (long v : values) {
            int groups = 1;
            while (groups < 9 && (v >>> (7 * groups)) != 0) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                out.write((int) ((v >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
            }
        }
        return out.toByteArray();
    }

    /** An OBJECT IDENTIFIER element in dotted form. */
    public String oid(Tlv t) {
        expect(t, 0x06, "OBJECT IDENTIFIER");
        if (t.len() < 1 || t.len() > 64) {
            throw new Bad(t.start(), "OBJECT IDENTIFIER of " + t.len() + " bytes");
        }
        String known = known(t);
        return known != null ? known : decodeOid(t);
    }

    private String known(Tlv t) {
        int len = t.len();
        int off = t.off();
        for (int k = 0; k < KNOWN_DER.length; k++) {
            byte[] der = KNOWN_DER[k];
            if (der.length != len) {
                continue;
            }
            int i = 0;
            while (i < len && b.get(off + i) == der[i]) {
                i++;
            }
            if (i == len) {
                return KNOWN[k];
            }
        }
        return null;
    }

    private String decodeOid(Tlv t) {
        StringBuilder sb = new StringBuilder();
        long v = 0;
        boolean first = true;
        int n = 0;
        for (int i = t.off(); i < t.end(); i++) {
            int c = u8(i);
            v = (v << 7) | (c & 0x7f);
            if (++n > 8) {
                throw new Bad(t.start(), "OID arc too long");
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
            throw new Bad(t.start(), "OID truncated");
        }
        return sb.toString();
    }

    public long integer(Tlv t) {
        if (t.len() < 1 || t.len() > 8) {
            throw new Bad(t.start(), "integer of " + t.len() + " bytes");
        }
        long v = (byte) b.get(t.off());
        for (int i = 1; i < t.len(); i++) {
            v = (v << 8) | u8(t.off() + i);
        }
        return v;
    }
}
