package org.kerbscope.dissect.kerberos;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.kerbscope.dissect.kerberos.internal.KrbParser;
import org.kerbscope.dissect.kerberos.internal.RecordMarkFramer;

/**
 * Kerberos V5: to and from the KDC over UDP and TCP (RFC 4120 §7.2), and as a GSS-API mechanism token
 * (RFC 4121 §4.1: {@code 0x60} framing, the krb5 OID, a two-byte TOK_ID, then an AP-REQ, AP-REP or
 * KRB-ERROR), with or without that framing. Emits one {@code kerberos} event per message that is not nested
 * in another one.
 */
public final class KerberosDissector implements Dissector {
    /** The krb5 mechanism, Microsoft's historical alias of it, and user-to-user (RFC 4121, MS-KILE 3.1.5.2). */
    public static final String KRB5_OID = "1.2.840.113554.1.2.2";
    public static final String MS_KRB5_OID = "1.2.840.48018.1.2.2";
    public static final String KRB5_U2U_OID = "1.2.840.113554.1.2.2.3";

    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        FieldNode tree = ctx.tree();
        try {
            dissectAll(pdu, ctx, tree, keys(ctx));
        } catch (Malformed e) {
            malformed(pdu, ctx, tree, e.getMessage(), e.offset());
        } catch (RuntimeException | StackOverflowError e) {
            malformed(pdu, ctx, tree, "unreadable (" + e.getClass().getSimpleName() + ")", 0);
        }
    }

    /** The keys of the user's keytabs (read once per analysis), or null without any. */
    static KeyRing keys(DissectionContext ctx) {
        return ctx.options() != null && !ctx.options().keytabs().isEmpty()
                ? ctx.service(KeyRing.class, () -> {
                    KeyRing k = KeyRing.load(ctx.options().keytabs());
                    for (String p : k.problems()) {
                        ctx.diagnostic("kerberos", p);
                    }
                    return k;
                })
                : null;
    }

    private static void dissectAll(Pdu pdu, DissectionContext ctx, FieldNode tree, KeyRing keys) {
        int n = pdu.length();
        if (n == 0) {
            throw new Malformed(0, "empty PDU");
        }
        int first = pdu.u8(0);
        if (first == 0x60) {
            gssToken(pdu, ctx, tree, keys);
        } else if (RecordMarkFramer.isAppTag(first)) {
            int end = one(pdu, 0, n, ctx, tree, keys);
            if (end < n) {
                ctx.diagnostic("kerberos", (n - end) + " bytes after the message ignored");
            }
        } else if (n >= 3 && tokId(pdu, 0) != null && RecordMarkFramer.isAppTag(pdu.u8(2))) {
            add(tree, pdu, "kerberos.tok_id", "TOK_ID: " + tokId(pdu, 0), 0, 2);
            one(pdu, 2, n, ctx, tree, keys);
        } else if (n >= 2 && gssPerMessage(pdu.u8(0), pdu.u8(1)) != null) {
            add(tree, pdu, "kerberos.gss_token", gssPerMessage(pdu.u8(0), pdu.u8(1)), 0, n);
        } else if (n >= 5) {
            records(pdu, ctx, tree, keys);
        } else {
            throw new Malformed(0, "not a Kerberos message");
        }
    }

    /** Record-marked messages (TCP), one after another; a PDU normally holds exactly one. */
    private static void records(Pdu pdu, DissectionContext ctx, FieldNode tree, KeyRing keys) {
        int n = pdu.length();
        int pos = 0;
        while (pos < n) {
            if (n - pos < 4) {
                throw new Malformed(pos, "record mark cut short");
            }
            long len = pdu.data().getInt(pos) & 0xffffffffL;
            if ((len & 0x80000000L) != 0) {
                throw new Malformed(pos, "record mark with the reserved bit set");
            }
            if (len > n - pos - 4) {
                throw new Malformed(pos, "record length " + len + " exceeds the " + (n - pos - 4) + " bytes left");
            }
            add(tree, pdu, "kerberos.rm.length", "Record Mark: " + len + " bytes", pos, 4);
            one(pdu, pos + 4, pos + 4 + (int) len, ctx, tree, keys);
            pos += 4 + (int) len;
        }
    }

    /** One message; emits its event (also when its tail is malformed, with what was read before). */
    private static int one(Pdu pdu, int off, int limit, DissectionContext ctx, FieldNode tree, KeyRing keys) {
        return one(pdu, off, limit, ctx, tree, keys, Map.of());
    }

    /** One message, its event with {@code extra} fields of the protocol that carries it (kpasswd's). */
    static int one(Pdu pdu, int off, int limit, DissectionContext ctx, FieldNode tree, KeyRing keys,
            Map<String, Object> extra) {
        Map<String, Object> ev = new LinkedHashMap<>();
        KrbParser p = new KrbParser(pdu, keys);
        try {
            Tlv t = p.message(off, limit, tree, ev);
            if (!p.problems().isEmpty()) {
                String why = String.join(", ", p.problems());
                ev.put("malformed", why);
                ctx.diagnostic("kerberos", "malformed: " + why);
                if (tree != null) {
                    tree.malformed(why, pdu.abs(off), t.end() - off);
                }
            }
            ev.putAll(extra);
            emit(ctx, ev);
            return t.end();
        } catch (Malformed e) {
            if (ev.containsKey("msgType")) {
                ev.put("malformed", e.getMessage());
                ev.putAll(extra);
                emit(ctx, ev);
            }
            throw e;
        }
    }

    private static void gssToken(Pdu pdu, DissectionContext ctx, FieldNode tree, KeyRing keys) {
        Der der = new Der(pdu.data());
        Tlv outer = der.read(0, pdu.length());
        if (!outer.is(Der.APPLICATION, 0) || !outer.constructed()) {
            throw new Malformed(0, "GSS-API token without its [APPLICATION 0] framing");
        }
        Tlv oidT = der.read(outer.off(), outer.end());
        String oid = der.oid(oidT);
        add(tree, pdu, "gss-api.OID", "OID: " + oid + " (" + mechName(oid) + ")", oidT.start(), oidT.totalLength());
        int p = oidT.end();
        if (outer.end() - p < 2) {
            throw new Malformed(p, "GSS-API krb5 token without TOK_ID");
        }
        String tok = tokId(pdu, p);
        String per = gssPerMessage(pdu.u8(p), pdu.u8(p + 1));
        add(tree, pdu, "kerberos.tok_id", "TOK_ID: " + (tok != null ? tok : per != null ? per
                : String.format("0x%02x%02x", pdu.u8(p), pdu.u8(p + 1))), p, 2);
        if (tok != null) {
            one(pdu, p + 2, outer.end(), ctx, tree, keys);
        } else if (per == null) {
            throw new Malformed(p, String.format("unknown TOK_ID 0x%02x%02x", pdu.u8(p), pdu.u8(p + 1)));
        }
    }

    private static String tokId(Pdu pdu, int p) {
        int a = pdu.u8(p);
        int b = pdu.u8(p + 1);
        if (b != 0) {
            return null;
        }
        return switch (a) {
            case 1 -> "KRB5_AP_REQ (0x0100)";
            case 2 -> "KRB5_AP_REP (0x0200)";
            case 3 -> "KRB5_ERROR (0x0300)";
            case 4 -> null; // TGT-REQ of user-to-user: no Kerberos message follows
            default -> null;
        };
    }

    /** Per-message tokens (RFC 1964 §1.2, RFC 4121 §4.2.6): shown, not decrypted. */
    private static String gssPerMessage(int a, int b) {
        if (a == 1 && b == 1) {
            return "GSS_GetMIC token (RFC 1964)";
        }
        if (a == 2 && b == 1) {
            return "GSS_Wrap token (RFC 1964)";
        }
        if (a == 4 && b == 4) {
            return "GSS_GetMIC token (RFC 4121)";
        }
        if (a == 5 && b == 4) {
            return "GSS_Wrap token (RFC 4121)";
        }
        if (a == 4 && b == 0) {
            return "KRB_TGT_REQ (user-to-user)";
        }
        return null;
    }

    static String mechName(String oid) {
        return switch (oid) {
            case KRB5_OID -> "KRB5 - Kerberos 5";
            case MS_KRB5_OID -> "MS KRB5 - Microsoft Kerberos 5";
            case KRB5_U2U_OID -> "KRB5 - Kerberos 5 - User to User";
            default -> "unknown mechanism";
        };
    }

    /** The fields that come first in a {@code kerberos} event, in this order, after {@code carrier}. */
    private static final String[] LEADING = { "msgType", "errorCode", "errorName", "eText", "realm", "cname", "sname",
        "etypes", "ticket", "decrypted", "decryptError" };

    private static void emit(DissectionContext ctx, Map<String, Object> ev) {
        Map<String, Object> out = new LinkedHashMap<>(32);
        String carrier = ctx.carrier();
        out.put("carrier", carrier != null ? carrier : "udp".equals(ctx.transport()) ? "kdc-udp"
                : "tcp".equals(ctx.transport()) ? "kdc-tcp" : "kdc-" + ctx.transport());
        for (String k : LEADING) {
            if (ev.get(k) != null) {
                out.put(k, ev.remove(k));
            }
        }
        ev.remove("ticketSname");
        out.putAll(ev);
        ctx.emit("kerberos", out);
    }

    private static void malformed(Pdu pdu, DissectionContext ctx, FieldNode tree, String reason, int offset) {
        ctx.diagnostic("kerberos", "malformed: " + reason);
        if (tree != null) {
            int off = Math.max(0, Math.min(offset, pdu.length()));
            tree.malformed(reason, pdu.abs(off), pdu.length() - off);
        }
    }

    private static void add(FieldNode tree, Pdu pdu, String name, String label, int off, int len) {
        if (tree != null) {
            tree.add(name, label, null, pdu.abs(off), len);
        }
    }

    /**
     * A well-formed Kerberos message: a known application tag, pvno 5 and the msg-type that agrees with the
     * tag, bare, behind a TCP record mark, behind a TOK_ID, or inside a krb5 GSS-API token. Never throws.
     */
    @Override
    public boolean accepts(Pdu pdu, String transport) {
        try {
            int n = pdu.length();
            if (n < 2) {
                return false;
            }
            int first = pdu.u8(0);
            if (first == 0x60) {
                Der der = new Der(pdu.data());
                Tlv outer = der.read(0, n);
                Tlv oidT = der.read(outer.off(), outer.end());
                String oid = der.oid(oidT);
                return KRB5_OID.equals(oid) || MS_KRB5_OID.equals(oid) || KRB5_U2U_OID.equals(oid);
            }
            if (RecordMarkFramer.isAppTag(first)) {
                return wellFormed(pdu.data(), 0, n);
            }
            if (n > 3 && first == 0 && pdu.u8(1) == 0 && tokId(pdu, 0) == null) {
                long len = pdu.data().getInt(0) & 0xffffffffL;
                return len > 0 && len <= 0x00ffffff && n > 4 && wellFormed(pdu.data(), 4, (int) Math.min(n,
                        4 + len));
            }
            return n > 3 && tokId(pdu, 0) != null && wellFormed(pdu.data(), 2, n);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean wellFormed(ByteBuffer b, int off, int limit) {
        Der der = new Der(b);
        Tlv app;
        try {
            app = der.read(off, limit);
        } catch (Malformed e) {
            // a record whose tail has not arrived yet still shows its start: read the header alone
            return headerOnly(b, off, limit);
        }
        if (app.tagClass() != Der.APPLICATION || !KrbParser.isMessageTag(app.tag())) {
            return false;
        }
        Tlv seq = der.innerSequence(app);
        List<Tlv> c = der.children(seq);
        int base = app.tag() == 10 || app.tag() == 12 ? 1 : 0;
        if (c.size() < 2 || !c.get(0).is(Der.CONTEXT, base) || !c.get(1).is(Der.CONTEXT, base + 1)) {
            return false;
        }
        return der.explicitInt(c.get(0)) == 5 && der.explicitInt(c.get(1)) == app.tag();
    }

    private static boolean headerOnly(ByteBuffer b, int off, int limit) {
        if (limit - off < 12 || !RecordMarkFramer.isAppTag(b.get(off) & 0xff)) {
            return false;
        }
        int tag = b.get(off) & 0x1f;
        int p = off + 1;
        p += lengthBytes(b.get(p) & 0xff);
        if (p + 2 > limit || (b.get(p) & 0xff) != 0x30) {
            return false;
        }
        p += 1 + lengthBytes(b.get(p + 1) & 0xff);
        int base = tag == 10 || tag == 12 ? 1 : 0;
        // [base] { INTEGER 5 } [base+1] { INTEGER tag }
        return p + 10 <= limit && (b.get(p) & 0xff) == (0xa0 | base) && (b.get(p + 2) & 0xff) == 2
                && (b.get(p + 3) & 0xff) == 1 && (b.get(p + 4) & 0xff) == 5
                && (b.get(p + 5) & 0xff) == (0xa0 | base + 1) && (b.get(p + 7) & 0xff) == 2
                && (b.get(p + 8) & 0xff) == 1 && (b.get(p + 9) & 0xff) == tag;
    }

    private static int lengthBytes(int l) {
        return l < 0x80 ? 1 : 1 + (l & 0x7f);
    }

    @Override
    public StreamFramer newFramer(ConversationState conversation, boolean fromClient) {
        return new RecordMarkFramer();
    }
}
