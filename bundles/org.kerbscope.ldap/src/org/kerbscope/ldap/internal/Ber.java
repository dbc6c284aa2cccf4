package org.kerbscope.ldap.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small BER reader restricted to what RFC 4511 §5.1 allows LDAP: definite lengths only, at most four length
 * octets, low tag numbers. Every length is checked against the bytes of the enclosing element, so a hostile
 * length becomes a {@link Bad} with the offset where it was found, never an out-of-bounds read. Offsets are PDU
 * offsets, so callers can turn them into byte ranges for the dissection tree.
 */
public final class Ber {
    /** Deepest nesting a caller should follow (search filters are recursive). */
    public static final int MAX_DEPTH = 32;

    private final ByteBuffer b;

    public Ber(ByteBuffer data) {
        this.b = data;
    }

    /** Bytes that break the encoding rules: the reason, and the PDU offset where it was found. */
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

    /**
     * One element: where it starts, its first identifier octet, and its contents.
     *
     * @param start offset of the identifier octet
     * @param tag   the identifier octet (class, constructed bit and tag number below 31)
     * @param off   offset of the contents
     * @param len   length of the contents
     */
    public record Tlv(int start, int tag, int off, int len) {
        public int end() {
            return off + len;
        }

        public int total() {
            return end() - start;
        }

        public boolean constructed() {
            return (tag & 0x20) != 0;
        }

        /** The tag number of a context-specific element ([n]), or -1. */
        public int context() {
            return (tag & 0xc0) == 0x80 ? tag & 0x1f : -1;
        }

        /** The tag number of an application element ([APPLICATION n]), or -1. */
        public int application() {
            return (tag & 0xc0) == 0x40 ? tag & 0x1f : -1;
        }
    }

    public int u8(int i) {
        return b.get(i) & 0xff;
    }

    /** Reads the element at {@code pos}, which must end at or before {@code end}. */
    public Tlv read(int pos, int end) {
        if (pos >= end) {
            throw new Bad(pos, "element expected, no bytes left");
        }
        int tag = u8(pos);
        if ((tag & 0x1f) == 0x1f) {
            throw new Bad(pos, String.format("high tag number (0x%02x) is not used by LDAP", tag));
        }
        if (pos + 1 >= end) {
            throw new Bad(pos, "length octet missing");
        }
        int l = u8(pos + 1);
        int off = pos + 2;
        long len;
        if (l < 0x80) {
            len = l;
        } else if (l == 0x80) {
            throw new Bad(pos + 1, "indefinite length is not allowed in LDAP (RFC 4511 §5.1)");
        } else {
            int k = l & 0x7f;
            if (k > 4) {
                throw new Bad(pos + 1, k + " length octets: more than LDAP's BER allows");
            }
            if (off + k > end) {
                throw new Bad(pos + 1, "length octets run past the end");
            }
            len = 0;
            for (int i = 0; i < k; i++) {
                len = (len << 8) | u8(off + i);
            }
            off += k;
        }
        if (len > end - off) {
            throw new Bad(pos + 1, "length " + len + " exceeds the " + (end - off) + " bytes left");
        }
        return new Tlv(pos, tag, off, (int) len);
    }

    /** Reads an element and checks its identifier octet. */
    public Tlv expect(int pos, int end, int tag, String what) {
        Tlv t = read(pos, end);
        if (t.tag() != tag) {
            throw new Bad(pos, String.format("%s expected (tag 0x%02x), found tag 0x%02x", what, tag, t.tag()));
        }
        return t;
    }

    /** The elements inside a constructed element, in order. */
    public List<Tlv> children(Tlv t) {
        if (!t.constructed()) {
            throw new Bad(t.start(), String.format("constructed element expected, found tag 0x%02x", t.tag()));
        }
        List<Tlv> out = new ArrayList<>();
        int p = t.off();
        while (p < t.end()) {
            Tlv c = read(p, t.end());
            out.add(c);
            p = c.end();
        }
        return out;
    }

    /** An INTEGER or ENUMERATED of up to eight octets, two's complement. */
    public long integer(Tlv t) {
        if (t.len() == 0 || t.len() > 8) {
            throw new Bad(t.start(), "integer of " + t.len() + " octets");
        }
        long v = (byte) u8(t.off());
        for (int i = 1; i < t.len(); i++) {
            v = (v << 8) | u8(t.off() + i);
        }
        return v;
    }

    public boolean bool(Tlv t) {
        if (t.len() != 1) {
            throw new Bad(t.start(), "BOOLEAN of " + t.len() + " octets");
        }
        return u8(t.off()) != 0;
    }

    /** An OCTET STRING / LDAPString as UTF-8 text. */
    public String string(Tlv t) {
        byte[] x = new byte[t.len()];
        b.get(t.off(), x);
        return new String(x, StandardCharsets.UTF_8);
    }

    public byte[] bytes(Tlv t) {
        byte[] x = new byte[t.len()];
        b.get(t.off(), x);
        return x;
    }

    /** Whether the contents start with {@code prefix}. */
    public boolean startsWith(Tlv t, byte[] prefix) {
        if (t.len() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.get(t.off() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The total length of the LDAPMessage whose first bytes are in {@code buf} (a SEQUENCE, tag 0x30), for the
     * stream framer: -1 when more bytes are needed to tell, -2 when the header breaks LDAP's BER rules.
     */
    public static long messageLength(ByteBuffer buf) {
        int n = buf.limit();
        if (n < 2) {
            return -1;
        }
        if ((buf.get(0) & 0xff) != 0x30) {
            return -2;
        }
        int l = buf.get(1) & 0xff;
        if (l < 0x80) {
            return 2L + l;
        }
        int k = l & 0x7f;
        if (k == 0 || k > 4) {
            return -2;
        }
        if (n < 2 + k) {
            return -1;
        }
        long len = 0;
        for (int i = 0; i < k; i++) {
            len = (len << 8) | (buf.get(2 + i) & 0xff);
        }
        return 2L + k + len;
    }
}
