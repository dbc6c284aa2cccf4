package org.kerbscope.cifs.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds-checked little-endian reads, UTF-16LE strings and the little DER walking needed to list the
 * mechanisms a SPNEGO NegTokenInit offers. Every method answers a neutral value (-1, null, an empty list)
 * instead of throwing on bytes that are too short or not what they claim.
 */
public final class Bytes {
    public static final String KRB5_OID = "1.2.840.113554.1.2.2";
    public static final String MS_KRB5_OID = "1.2.840.48018.1.2.2";
    public static final String NTLMSSP_OID = "1.3.6.1.4.1.311.2.2.10";
    public static final String SPNEGO_OID = "1.3.6.1.5.5.2";
    public static final String NEGOEX_OID = "1.3.6.1.4.1.311.2.2.30";

    private Bytes() {
    }

    public static int u8(ByteBuffer b, int i) {
        return i >= 0 && i < b.limit() ? b.get(i) & 0xff : -1;
    }

    public static int u16(ByteBuffer b, int i) {
        return i >= 0 && i + 2 <= b.limit() ? (b.get(i) & 0xff) | ((b.get(i + 1) & 0xff) << 8) : -1;
    }

    public static long u32(ByteBuffer b, int i) {
        if (i < 0 || i + 4 > b.limit()) {
            return -1;
        }
        return (b.get(i) & 0xffL) | ((b.get(i + 1) & 0xffL) << 8) | ((b.get(i + 2) & 0xffL) << 16)
                | ((b.get(i + 3) & 0xffL) << 24);
    }

    public static long u64(ByteBuffer b, int i) {
        if (i < 0 || i + 8 > b.limit()) {
            return -1;
        }
        return u32(b, i) | (u32(b, i + 4) << 32);
    }

    /** UTF-16LE text of {@code len} bytes at {@code off}, or null when it does not fit. */
    public static String utf16(ByteBuffer b, int off, int len) {
        if (off < 0 || len < 0 || off + len > b.limit()) {
            return null;
        }
        byte[] t = new byte[len & ~1];
        b.get(off, t);
        return new String(t, StandardCharsets.UTF_16LE);
    }

    /** NUL-terminated UTF-16LE text from {@code off} (at most to {@code end}); the length read is in {@code used[0]}. */
    public static String utf16z(ByteBuffer b, int off, int end, int[] used) {
        int e = off;
        int lim = Math.min(end, b.limit());
        while (e + 1 < lim && (b.get(e) != 0 || b.get(e + 1) != 0)) {
            e += 2;
        }
        used[0] = Math.min(e + 2, lim) - off;
        return utf16(b, off, Math.max(0, e - off));
    }

    /** NUL-terminated 8-bit text from {@code off} (at most to {@code end}); the length read is in {@code used[0]}. */
    public static String asciiz(ByteBuffer b, int off, int end, int[] used) {
        int e = off;
        int lim = Math.min(end, b.limit());
        while (e < lim && b.get(e) != 0) {
            e++;
        }
        used[0] = Math.min(e + 1, lim) - off;
        if (off < 0 || e < off) {
            return null;
        }
        byte[] t = new byte[e - off];
        b.get(off, t);
        return new String(t, StandardCharsets.ISO_8859_1);
    }

    /** Does the buffer start with {@code NTLMSSP\0}? */
    public static boolean isNtlmssp(ByteBuffer b) {
        byte[] sig = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };
        if (b.limit() < sig.length) {
            return false;
        }
        for (int i = 0; i < sig.length; i++) {
            if (b.get(i) != sig[i]) {
                return false;
            }
        }
        return true;
    }

    /** A DER element: tag byte, where its value starts and ends. */
    record Tlv(int tag, int off, int end) {
    }

    /** The element at {@code i} if it lies within {@code limit}, else null. */
    static Tlv tlv(ByteBuffer b, int i, int limit) {
        if (i + 2 > limit) {
            return null;
        }
        int tag = b.get(i) & 0xff;
        int l = b.get(i + 1) & 0xff;
        int p = i + 2;
        long len;
        if (l < 0x80) {
            len = l;
        } else {
            int k = l & 0x7f;
            if (k == 0 || k > 4 || p + k > limit) {
                return null;
            }
            len = 0;
            for (int j = 0; j < k; j++) {
                len = (len << 8) | (b.get(p + j) & 0xff);
            }
            p += k;
        }
        if (p + len > limit) {
            return null;
        }
        return new Tlv(tag, p, (int) (p + len));
    }

    /** The dotted text of an OBJECT IDENTIFIER's value bytes. */
    static String oid(ByteBuffer b, Tlv t) {
        if (t == null || t.tag() != 0x06 || t.end() <= t.off()) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        long v = 0;
        boolean first = true;
        for (int i = t.off(); i < t.end(); i++) {
            int x = b.get(i) & 0xff;
            v = (v << 7) | (x & 0x7f);
            if (v > (1L << 40)) {
                return null;
            }
            if ((x & 0x80) == 0) {
                if (first) {
                    int a = v < 40 ? 0 : v < 80 ? 1 : 2;
                    s.append(a).append('.').append(v - 40L * a);
                    first = false;
                } else {
                    s.append('.').append(v);
                }
                v = 0;
            }
        }
        return s.toString();
    }

    /** The OID after the {@code 0x60} application tag of an RFC 2743 InitialContextToken, or null. */
    public static String gssOid(ByteBuffer b) {
        Tlv outer = tlv(b, 0, b.limit());
        if (outer == null || outer.tag() != 0x60) {
            return null;
        }
        return oid(b, tlv(b, outer.off(), outer.end()));
    }

    /**
     * The mechTypes of a SPNEGO NegTokenInit (RFC 4178 4.2.1, with or without the RFC 2743 framing), as dotted
     * OIDs in the server's or client's order; empty when the token is something else.
     */
    public static List<String> negTokenInitMechs(ByteBuffer b) {
        List<String> out = new ArrayList<>();
        int limit = b.limit();
        Tlv t = tlv(b, 0, limit);
        if (t == null) {
            return out;
        }
        if (t.tag() == 0x60) {
            Tlv o = tlv(b, t.off(), t.end());
            if (!SPNEGO_OID.equals(oid(b, o))) {
                return out;
            }
            t = tlv(b, o.end(), t.end());
        }
        if (t == null || t.tag() != 0xa0) {
            return out;
        }
        Tlv seq = tlv(b, t.off(), t.end());
        if (seq == null || seq.tag() != 0x30) {
            return out;
        }
        for (int p = seq.off(); p < seq.end();) {
            Tlv f = tlv(b, p, seq.end());
            if (f == null) {
                break;
            }
            if (f.tag() == 0xa0) {
                Tlv list = tlv(b, f.off(), f.end());
                if (list != null && list.tag() == 0x30) {
                    for (int q = list.off(); q < list.end();) {
                        Tlv m = tlv(b, q, list.end());
                        if (m == null) {
                            break;
                        }
                        String o = oid(b, m);
                        if (o != null) {
                            out.add(o);
                        }
                        q = m.end();
                    }
                }
                break;
            }
            p = f.end();
        }
        return out;
    }

    /** A short name users read for a mechanism OID. */
    public static String mechName(String oid) {
        return switch (oid) {
            case KRB5_OID, MS_KRB5_OID -> "kerberos";
            case NTLMSSP_OID -> "ntlm";
            case NEGOEX_OID -> "negoex";
            case "1.2.840.113554.1.2.2.3" -> "kerberos-u2u";
            case "1.3.6.1.5.2.5" -> "iakerb";
            default -> oid;
        };
    }
}
