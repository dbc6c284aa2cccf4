package org.kerbscope.dissect.spnego;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.spnego.internal.Asn1;
import org.kerbscope.dissect.spnego.internal.Asn1.Bad;
import org.kerbscope.dissect.spnego.internal.Asn1.Tlv;

/**
 * SPNEGO (RFC 4178; MS-SPNG's NegTokenInit2 with negHints). Reads NegTokenInit and NegTokenResp, with or
 * without the RFC 2743 {@code 0x60} framing, and hands the mechanism token on through the {@code gss.oid}
 * table, chosen by the token's own framing or first bytes, else by the mechanism the negotiation names (the
 * first mechType of an init; the supportedMech of a response, remembered for the conversation), falling back
 * to the {@code gss} heuristics. A bare NTLMSSP or krb5 token given where SPNEGO was expected (Windows sends
 * {@code Negotiate TlRMTVNT…}) goes straight to its dissector. Emits one {@code spnego} event per token.
 */
public final class SpnegoDissector implements Dissector {
    public static final String SPNEGO_OID = "1.3.6.1.5.5.2";
    public static final String NTLMSSP_OID = "1.3.6.1.4.1.311.2.2.10";
    public static final String KRB5_OID = "1.2.840.113554.1.2.2";
    public static final String MS_KRB5_OID = "1.2.840.48018.1.2.2";
    private static final byte[] NTLMSSP = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
    private static final String MECH_KEY = "spnego.mech";
    private static final String[] NEG_STATES = { "accept-completed", "accept-incomplete", "reject", "request-mic" };
    private static final String[] REQ_FLAGS = { "delegFlag", "mutualFlag", "replayFlag", "sequenceFlag", "anonFlag",
            "confFlag", "integFlag" };

    /** A readable name for a mechanism OID (the OID itself when unknown). */
    public static String mechName(String oid) {
        return switch (oid) {
            case KRB5_OID -> "Kerberos 5";
            case MS_KRB5_OID -> "MS Kerberos 5";
            case NTLMSSP_OID -> "NTLMSSP";
            case SPNEGO_OID -> "SPNEGO";
            case "1.3.6.1.4.1.311.2.2.30" -> "NEGOEX";
            case "1.2.840.113554.1.2.2.3" -> "Kerberos 5 user-to-user";
            case "1.3.6.1.5.2.5" -> "IAKERB";
            default -> oid;
        };
    }

    /*
     * Speed: the analysis reads every token without a display tree (ctx.tree() == null). The methods below
     * then compute only what the event and the hand-over need; tree labels are built in small separate
     * methods that run only when a node exists, so that the hot methods stay small for the JIT. The tree
     * (node order, labels and ranges, also for a token that breaks off half-way) is the same as when the
     * labels were built inline.
     */

    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        FieldNode tree = ctx.tree();
        try {
            read(pdu, ctx, tree);
        } catch (Bad e) {
            malformed(pdu, ctx, tree, e.getMessage(), e.offset());
        } catch (RuntimeException | StackOverflowError e) {
            malformed(pdu, ctx, tree, "unreadable (" + e.getClass().getSimpleName() + ")", 0);
        }
    }

    private void read(Pdu pdu, DissectionContext ctx, FieldNode tree) {
        int n = pdu.length();
        if (n == 0) {
            throw new Bad(0, "empty token");
        }
        if (startsWithNtlmssp(pdu, 0)) {
            hand(ctx, NTLMSSP_OID, pdu, tree);
            return;
        }
        Asn1 a = new Asn1(pdu.data());
        int first = pdu.u8(0);
        Tlv body;
        if (first == 0x60) {
            Tlv outer = a.read(0, n);
            Tlv oidT = a.read(outer.off(), outer.end());
            String oid = a.oid(oidT);
            if (!SPNEGO_OID.equals(oid)) {
                // a bare mechanism token where SPNEGO was expected: hand the whole token to its mechanism
                hand(ctx, oid, pdu, tree);
                return;
            }
            if (tree != null) {
                add(tree, pdu, "spnego.thisMech", "thisMech: " + oid + " (SPNEGO)", oidT);
            }
            body = a.read(oidT.end(), outer.end());
        } else {
            body = a.read(0, n);
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("carrier", ctx.carrier() != null ? ctx.carrier() : ctx.transport());
        if (body.tagByte() == 0xa0) {
            negTokenInit(a, pdu, body, ctx, tree, ev);
        } else if (body.tagByte() == 0xa1) {
            negTokenResp(a, pdu, body, ctx, tree, ev);
        } else {
            throw notANegotiationToken(body);
        }
        ctx.emit("spnego", ev);
    }

    private static Bad notANegotiationToken(Tlv body) {
        return new Bad(body.start(), "NegotiationToken expected, found tag 0x" + hex2(body.tagByte()));
    }

    /** Two lower-case hex digits, as {@code String.format("%02x", v)} writes a byte. */
    private static String hex2(int v) {
        String h = Integer.toHexString(v);
        return h.length() < 2 ? "0" + h : h;
    }

    private void negTokenInit(Asn1 a, Pdu pdu, Tlv body, DissectionContext ctx, FieldNode tree,
            Map<String, Object> ev) {
        Tlv seq = a.expect(a.inner(body), 0x30, "NegTokenInit SEQUENCE");
        FieldNode node = tree != null ? add(tree, pdu, "spnego.negTokenInit_element", "negTokenInit", body) : null;
        List<String> mechs = new ArrayList<>();
        Tlv mechToken = null;
        boolean init2 = false;
        for (Tlv f : a.children(seq)) {
            switch (f.context()) {
                case 0 -> mechTypes(a, pdu, f, node, mechs);
                case 1 -> reqFlags(a, pdu, f, node, ev);
                case 2 -> mechToken = a.expect(a.inner(f), 0x04, "mechToken OCTET STRING");
                case 3 -> {
                    Tlv v = a.inner(f);
                    if (v.tagByte() == 0x30) {
                        init2 = true;
                        negHints(a, pdu, v, node, ev);
                    } else {
                        mechListMic(a, pdu, f, v, node, ev);
                    }
                }
                case 4 -> mechListMic(a, pdu, f, a.inner(f), node, ev);
                default -> throw new Bad(f.start(), "unexpected field in NegTokenInit");
            }
        }
        ev.put("token", init2 ? "NegTokenInit2" : "NegTokenInit");
        List<String> names = new ArrayList<>(mechs.size());
        for (String m : mechs) {
            names.add(mechName(m));
        }
        ev.put("mechTypes", names);
        if (mechToken != null) {
            String mech = innerToken(a, pdu, mechToken, mechs.isEmpty() ? null : mechs.get(0), ctx, node,
                    "spnego.mechToken", "mechToken");
            if (mech != null) {
                ev.put("innerMech", mechName(mech));
            }
        }
        ConversationState conv = ctx.conversation();
        if (conv != null && !mechs.isEmpty()) {
            // until a response selects one, the initiator's preferred mechanism is the best guess
            conv.attribute(MECH_KEY, AtomicReference<String>::new).compareAndSet(null, mechs.get(0));
        }
    }

    /** [0] MechTypeList: the OIDs in the initiator's order. */
    private static void mechTypes(Asn1 a, Pdu pdu, Tlv f, FieldNode node, List<String> mechs) {
        Tlv list = a.expect(a.inner(f), 0x30, "MechTypeList");
        FieldNode mn = node != null ? add(node, pdu, "spnego.mechTypes", "mechTypes", f) : null;
        for (Tlv m : a.children(list)) {
            String oid = a.oid(m);
            mechs.add(oid);
            if (mn != null) {
                add(mn, pdu, "spnego.MechType", "MechType: " + oid + " (" + mechName(oid) + ")", m);
            }
        }
    }

    /** [1] ContextFlags, a BIT STRING: the names of the set flags of its first byte. */
    private static void reqFlags(Asn1 a, Pdu pdu, Tlv f, FieldNode node, Map<String, Object> ev) {
        Tlv bits = a.expect(a.inner(f), 0x03, "ContextFlags");
        int v = bits.len() > 1 ? a.u8(bits.off() + 1) : 0;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < REQ_FLAGS.length; i++) {
            if ((v & (0x80 >>> i)) != 0) {
                names.add(REQ_FLAGS[i]);
            }
        }
        if (node != null) {
            add(node, pdu, "spnego.reqFlags", "reqFlags: " + names, f);
        }
        ev.put("reqFlags", names);
    }

    /** A mechListMIC (field {@code f} around the OCTET STRING {@code v}): shown by length, reported by presence. */
    private static void mechListMic(Asn1 a, Pdu pdu, Tlv f, Tlv v, FieldNode node, Map<String, Object> ev) {
        a.expect(v, 0x04, "mechListMIC");
        if (node != null) {
            add(node, pdu, "spnego.mechListMIC", "mechListMIC: <" + v.len() + " bytes>", f);
        }
        ev.put("mechListMIC", true);
    }

    private void negHints(Asn1 a, Pdu pdu, Tlv seq, FieldNode node, Map<String, Object> ev) {
        FieldNode hn = add(node, pdu, "spnego.negHints_element", "negHints", seq);
        for (Tlv h : a.children(seq)) {
            if (h.context() == 0) {
                Tlv s = a.inner(h);
                String name = new String(pdu.bytes(s.off(), s.len()), StandardCharsets.UTF_8);
                if (hn != null) {
                    add(hn, pdu, "spnego.hintName", "hintName: " + name, h);
                }
                ev.put("hintName", name);
            } else if (h.context() == 1 && hn != null) {
                add(hn, pdu, "spnego.hintAddress", "hintAddress: <" + h.len() + " bytes>", h);
            }
        }
    }

    private void negTokenResp(Asn1 a, Pdu pdu, Tlv body, DissectionContext ctx, FieldNode tree,
            Map<String, Object> ev) {
        Tlv seq = a.expect(a.inner(body), 0x30, "NegTokenResp SEQUENCE");
        FieldNode node = tree != null ? add(tree, pdu, "spnego.negTokenTarg_element", "negTokenTarg", body) : null;
        ev.put("token", "NegTokenResp");
        ConversationState conv = ctx.conversation();
        AtomicReference<String> remembered = conv != null ? conv.attribute(MECH_KEY, AtomicReference<String>::new)
                : null;
        String supported = null;
        Tlv response = null;
        for (Tlv f : a.children(seq)) {
            switch (f.context()) {
                case 0 -> negState(a, pdu, f, node, ev);
                case 1 -> {
                    Tlv o = a.inner(f);
                    supported = a.oid(o);
                    String name = mechName(supported);
                    if (node != null) {
                        add(node, pdu, "spnego.supportedMech", "supportedMech: " + supported + " (" + name + ")", f);
                    }
                    ev.put("supportedMech", name);
                    if (remembered != null) {
                        remembered.set(supported);
                    }
                }
                case 2 -> response = a.expect(a.inner(f), 0x04, "responseToken OCTET STRING");
                case 3 -> mechListMic(a, pdu, f, a.inner(f), node, ev);
                default -> throw new Bad(f.start(), "unexpected field in NegTokenResp");
            }
        }
        if (response != null) {
            String fallback = supported != null ? supported : remembered != null ? remembered.get() : null;
            String mech = innerToken(a, pdu, response, fallback, ctx, node, "spnego.responseToken", "responseToken");
            if (mech != null) {
                ev.put("innerMech", mechName(mech));
            }
        }
    }

    /** [0] negState, an ENUMERATED. */
    private static void negState(Asn1 a, Pdu pdu, Tlv f, FieldNode node, Map<String, Object> ev) {
        Tlv e = a.expect(a.inner(f), 0x0a, "negState ENUMERATED");
        int v = (int) a.integer(e);
        String name = v >= 0 && v < NEG_STATES.length ? NEG_STATES[v] : "unknown (" + v + ")";
        if (node != null) {
            add(node, pdu, "spnego.negResult", "negResult: " + name + " (" + v + ")", f);
        }
        ev.put("negState", name);
    }

    /** Hands a mechanism token on; returns the mechanism OID it went to (null when only a heuristic took it). */
    private String innerToken(Asn1 a, Pdu pdu, Tlv octets, String negotiated, DissectionContext ctx,
            FieldNode parent, String field, String label) {
        FieldNode tn = parent != null ? add(parent, pdu, field, label + ": <" + octets.len() + " bytes>", octets)
                : null;
        if (octets.len() == 0) {
            return null;
        }
        Pdu token = pdu.slice(octets.off(), octets.len());
        String mech = ownMech(token);
        if (mech == null) {
            mech = negotiated;
        }
        if (mech != null && ctx.call("gss.oid", mech, token, tn) != null) {
            return mech;
        }
        ctx.callHeuristic("gss", token, tn);
        return null;
    }

    /** The mechanism a token names by its own framing or first bytes, or null. */
    static String ownMech(Pdu token) {
        if (startsWithNtlmssp(token, 0)) {
            return NTLMSSP_OID;
        }
        if (token.length() > 4 && token.u8(0) == 0x60) {
            try {
                Asn1 a = new Asn1(token.data());
                Tlv outer = a.read(0, token.length());
                return a.oid(a.read(outer.off(), outer.end()));
            } catch (Bad e) {
                return null;
            }
        }
        return null;
    }

    private static void hand(DissectionContext ctx, String oid, Pdu pdu, FieldNode tree) {
        if (ctx.call("gss.oid", oid, pdu, tree) == null) {
            ctx.callHeuristic("gss", pdu, tree);
        }
    }

    private static boolean startsWithNtlmssp(Pdu p, int off) {
        if (p.length() - off < NTLMSSP.length) {
            return false;
        }
        for (int i = 0; i < NTLMSSP.length; i++) {
            if (p.data().get(off + i) != NTLMSSP[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The RFC 2743 framing with the SPNEGO OID, or a bare NegTokenInit/NegTokenResp ({@code 0xa0}/{@code 0xa1}
     * around a SEQUENCE). Never throws.
     */
    @Override
    public boolean accepts(Pdu pdu, String transport) {
        try {
            int n = pdu.length();
            if (n < 4) {
                return false;
            }
            Asn1 a = new Asn1(pdu.data());
            int first = pdu.u8(0);
            if (first == 0x60) {
                Tlv outer = a.read(0, n);
                return SPNEGO_OID.equals(a.oid(a.read(outer.off(), outer.end())));
            }
            if (first == 0xa0 || first == 0xa1) {
                Tlv t = a.read(0, n);
                return t.end() == n && a.inner(t).tagByte() == 0x30;
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void malformed(Pdu pdu, DissectionContext ctx, FieldNode tree, String reason, int offset) {
        ctx.diagnostic("spnego", "malformed: " + reason);
        if (tree != null) {
            int off = Math.max(0, Math.min(offset, pdu.length()));
            tree.malformed(reason, pdu.abs(off), pdu.length() - off);
        }
    }

    private static FieldNode add(FieldNode parent, Pdu pdu, String name, String label, Tlv t) {
        if (parent == null) {
            return null;
        }
        return parent.add(name, label, null, pdu.abs(t.start()), t.total());
    }
}
