package org.kerbscope.dissect.kerberos;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.dissect.kerberos.internal.Der;
import org.kerbscope.dissect.kerberos.internal.Der.Malformed;
import org.kerbscope.dissect.kerberos.internal.Der.Tlv;
import org.kerbscope.dissect.kerberos.internal.KeyRing;
import org.kerbscope.dissect.kerberos.internal.ResyncingFramer;

/**
 * The Kerberos password-change protocol on port 464 (kpasswd: RFC 3244, MS-KILE 3.1.5.13; the change-password form of
 * draft-ietf-cat-kerb-chg-password). A request is
 * {@code message length (2) | version (2: 1 change, 0xff80 set) | AP-REQ length (2) | AP-REQ | KRB-PRIV}, a reply
 * {@code message length | version 1 | AP-REP length | AP-REP | KRB-PRIV}, or with an AP-REP length of 0 a
 * KRB-ERROR whose e-data holds the result code and text; over TCP each message follows a 4-byte record mark.
 * Some servers answer with a bare KRB-ERROR. The Kerberos messages become {@code kerberos} events like those on
 * port 88 (carrier {@code kdc-udp}/{@code kdc-tcp}, as Wireshark files them), each with a {@code kpasswd} object:
 * the request kind, or the reply's result. The KRB-PRIV's own result code is encrypted with the session key.
 */
public final class KpasswdDissector implements Dissector {

    private static final String ID = "kpasswd";

    /** RFC 3244 section 2 (0-6) and the initial-ticket flag MIT and Windows send (7). */
    static String resultName(int code) {
        return switch (code) {
            case 0 -> "KRB5_KPASSWD_SUCCESS";
            case 1 -> "KRB5_KPASSWD_MALFORMED";
            case 2 -> "KRB5_KPASSWD_HARDERROR";
            case 3 -> "KRB5_KPASSWD_AUTHERROR";
            case 4 -> "KRB5_KPASSWD_SOFTERROR";
            case 5 -> "KRB5_KPASSWD_ACCESSDENIED";
            case 6 -> "KRB5_KPASSWD_BAD_VERSION";
            case 7 -> "KRB5_KPASSWD_INITIAL_FLAG_NEEDED";
            default -> "result code " + code;
        };
    }

    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        FieldNode tree = ctx.tree();
        FieldNode top = tree == null ? null : tree.add("kpasswd", "Kerberos password change (kpasswd)", null, pdu.abs(0),
                pdu.length());
        try {
            int off = 0;
            if ("tcp".equals(ctx.transport())) {
                if (pdu.length() < 4) {
                    throw new Malformed(0, "record mark cut short");
                }
                long mark = pdu.data().getInt(0) & 0xffffffffL;
                if (mark != pdu.length() - 4) {
                    throw new Malformed(0, "record mark says " + mark + " bytes, the record holds " + (pdu.length() - 4));
                }
                add(top, pdu, "kpasswd.rm", "Record Mark: " + mark + " bytes", 0, 4);
                off = 4;
            }
            message(pdu, off, ctx, top, KerberosDissector.keys(ctx));
        } catch (Malformed e) {
            ctx.diagnostic(ID, "malformed: " + e.getMessage());
            if (top != null) {
                int at = Math.max(0, Math.min(e.offset(), pdu.length()));
                top.malformed(e.getMessage(), pdu.abs(at), pdu.length() - at);
            }
        } catch (RuntimeException | StackOverflowError e) {
            ctx.diagnostic(ID, "malformed: unreadable (" + e.getClass().getSimpleName() + ")");
            if (top != null) {
                top.malformed("unreadable", pdu.abs(0), pdu.length());
            }
        }
    }

    private static void message(Pdu pdu, int off, DissectionContext ctx, FieldNode top, KeyRing keys) {
        int n = pdu.length();
        if (n - off >= 1 && (pdu.u8(off) == 0x7e)) {
            // a bare KRB-ERROR instead of the kpasswd framing
            Map<String, Object> kp = new LinkedHashMap<>();
            kp.put("kind", "reply");
            result(pdu, off, n, kp);
            KerberosDissector.one(pdu, off, n, ctx, top, keys, Map.of(ID, kp));
            return;
        }
        if (n - off < 6) {
            throw new Malformed(off, "kpasswd header cut short (" + (n - off) + " bytes)");
        }
        int length = pdu.data().getShort(off) & 0xffff;
        int version = pdu.data().getShort(off + 2) & 0xffff;
        int apLength = pdu.data().getShort(off + 4) & 0xffff;
        add(top, pdu, "kpasswd.message_len", "Message Length: " + length, off, 2);
        add(top, pdu, "kpasswd.version", "Version: " + version(version), off + 2, 2);
        add(top, pdu, "kpasswd.ap_req_len", "AP-REQ/AP-REP Length: " + apLength, off + 4, 2);
        if (length != n - off) {
            throw new Malformed(off, "message length " + length + " disagrees with the " + (n - off) + " bytes received");
        }
        if (version != 1 && version != 0xff80) {
            throw new Malformed(off + 2, "unknown kpasswd version 0x" + Integer.toHexString(version));
        }
        int p = off + 6;
        if (apLength > n - p) {
            throw new Malformed(off + 4, "AP message length " + apLength + " exceeds the " + (n - p) + " bytes left");
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        Map<String, Object> kp = new LinkedHashMap<>();
        extra.put(ID, kp);
        if (apLength > 0) {
            int first = pdu.u8(p);
            boolean request = first == 0x6e; // [APPLICATION 14] AP-REQ
            kp.put("kind", request ? "request" : "reply");
            kp.put("version", version);
            if (request) {
                kp.put("operation", version == 0xff80 ? "set-password" : "change-password");
            }
            int end = KerberosDissector.one(pdu, p, p + apLength, ctx, top, keys, extra);
            if (end != p + apLength) {
                ctx.diagnostic(ID, (p + apLength - end) + " bytes after the " + (request ? "AP-REQ" : "AP-REP") + " ignored");
            }
            p += apLength;
            if (p < n) {
                // KRB-PRIV: the new password (request) or the result (reply), encrypted
                KerberosDissector.one(pdu, p, n, ctx, top, keys, Map.of(ID, Map.of("kind", request ? "request" : "reply")));
            }
        } else {
            if (p >= n) {
                throw new Malformed(p, "a reply without AP-REP holds no KRB-ERROR");
            }
            kp.put("kind", "reply");
            kp.put("version", version);
            result(pdu, p, n, kp);
            KerberosDissector.one(pdu, p, n, ctx, top, keys, extra);
        }
    }

    private static String version(int v) {
        return v == 1 ? "1 (change password)" : v == 0xff80 ? "0xff80 (set password)" : "0x" + Integer.toHexString(v);
    }

    /**
     * The result code and text a KRB-ERROR's e-data carries in a kpasswd reply (RFC 3244: a 2-byte code, then the
     * text in UTF-8; Windows may put a binary password-policy structure there instead, kept as its length).
     */
    private static void result(Pdu pdu, int off, int limit, Map<String, Object> into) {
        try {
            Der der = new Der(pdu.data());
            Tlv app = der.read(off, limit);
            if (!app.is(Der.APPLICATION, 30)) {
                return;
            }
            Tlv[] f = der.fields(der.innerSequence(app), 12);
            if (f[12] == null) {
                return;
            }
            Tlv v = der.octets(der.inner(f[12]));
            if (v.len() < 2) {
                return;
            }
            int code = pdu.data().getShort(v.off()) & 0xffff;
            into.put("resultCode", code);
            into.put("resultName", resultName(code));
            if (v.len() > 2) {
                ByteBuffer text = pdu.data().duplicate();
                text.limit(v.end()).position(v.off() + 2);
                try {
                    String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(text).toString();
                    if (s.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\r' || c == '\t')) {
                        into.put("resultText", s.strip());
                    } else {
                        into.put("resultData", v.len() - 2);
                    }
                } catch (CharacterCodingException e) {
                    into.put("resultData", v.len() - 2);
                }
            }
        } catch (Malformed e) {
            // the error itself is read (and reported) by the Kerberos reader; the result is advisory
        }
    }

    private static void add(FieldNode tree, Pdu pdu, String name, String label, int off, int len) {
        if (tree != null) {
            tree.add(name, label, null, pdu.abs(off), len);
        }
    }

    @Override
    public StreamFramer newFramer(ConversationState conversation, boolean fromClient) {
        return new Framer();
    }

    /**
     * kpasswd over TCP: a 4-byte record mark (as Kerberos's, RFC 4120 7.2.2), then a message whose own 2-byte length
     * repeats the record's, or a bare KRB-ERROR. After a capture gap it looks for the next such record.
     */
    static final class Framer extends ResyncingFramer {
        Framer() {
            super(6);
        }

        @Override
        protected long record(ByteBuffer b) {
            int p = start(b, 0);
            return p < 0 ? REJECT : p == 0 ? NEED_MORE : StreamFramer.pdu(4 + (b.getInt(0) & 0xffffffffL));
        }

        @Override
        protected boolean plausible(ByteBuffer b, int i) {
            return start(b, i) == 1;
        }

        /** 1: a record starts at {@code i}; 0: too few bytes to tell; -1: not a kpasswd record. */
        private static int start(ByteBuffer b, int i) {
            if (b.limit() - i < 6) {
                return 0;
            }
            long len = b.getInt(i) & 0xffffffffL;
            if (len < 6 || len >= 1 << 16) {
                return -1;
            }
            boolean bareError = (b.get(i + 4) & 0xff) == 0x7e;
            return bareError || (b.getShort(i + 4) & 0xffff) == len ? 1 : -1;
        }
    }
}
