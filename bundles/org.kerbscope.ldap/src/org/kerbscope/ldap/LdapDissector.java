package org.kerbscope.ldap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.ldap.internal.Ber;
import org.kerbscope.ldap.internal.Ber.Bad;
import org.kerbscope.ldap.internal.Ber.Tlv;
import org.kerbscope.ldap.internal.LdapCodes;
import org.kerbscope.ldap.internal.LdapFramer;

/**
 * LDAP (RFC 4511) on TCP 389/3268, CLDAP on UDP 389 (one or more LDAPMessages per datagram), and the LDAPS ports
 * 636/3269 recognised as TLS. Emits one {@code ldap} event per LDAPMessage: the contract fields ({@code op},
 * {@code messageId}, {@code auth}, {@code mechanism}, {@code resultCode}) and what the LDAP checks read
 * ({@code resultName}, {@code diagnosticMessage}, {@code adError}, {@code adErrorMeaning}, {@code bindName},
 * {@code saslCredsKind}, search summaries). SASL credentials go to the GSS world: GSS-SPNEGO through the
 * {@code gss.oid} table under SPNEGO's OID, GSSAPI under krb5's, raw NTLMSSP (SASL "NTLM" and Microsoft's
 * "sicily" binds) under NTLMSSP's, anything else to the {@code gss} heuristics.
 */
public final class LdapDissector implements Dissector {
    public static final String ID = "ldap";
    static final String SPNEGO_OID = "1.3.6.1.5.5.2";
    static final String KRB5_OID = "1.2.840.113554.1.2.2";
    static final String NTLMSSP_OID = "1.3.6.1.4.1.311.2.2.10";
    private static final byte[] NTLMSSP = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
    private static final String BINDS = "ldap.pendingBinds";
    private static final String TLS = "ldap.tls";
    private static final String START_TLS = "ldap.startTls";
    private static final int MAX_FILTER_TEXT = 240;
    private static final int MAX_LIST = 32;

    @Override
    public StreamFramer newFramer(ConversationState conversation, boolean fromClient) {
        return new LdapFramer();
    }

    @Override
    public boolean accepts(Pdu pdu, String transport) {
        try {
            Ber ber = new Ber(pdu.data());
            Tlv msg = ber.expect(0, pdu.length(), 0x30, "LDAPMessage");
            Tlv id = ber.expect(msg.off(), msg.end(), 0x02, "messageID");
            Tlv op = ber.read(id.end(), msg.end());
            return ber.integer(id) >= 0 && op.application() >= 0 && op.application() <= 25;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        FieldNode tree = ctx.tree();
        int n = pdu.length();
        if (n == 0) {
            return;
        }
        if (LdapFramer.isSaslHeader(pdu.data())) {
            saslBuffer(pdu, tree);
            return;
        }
        if (LdapFramer.isTlsRecord(pdu.data())) {
            tls(pdu, ctx, tree);
            return;
        }
        if (pdu.u8(0) != 0x30) {
            String why = String.format("not an LDAPMessage (first byte 0x%02x, not a SASL buffer or TLS record)",
                    pdu.u8(0));
            malformed(pdu, ctx, tree, "tcp".equals(ctx.transport()) ? why + ": the rest of this direction is not"
                    + " dissected" : why, 0, n);
            return;
        }
        Ber ber = new Ber(pdu.data());
        int p = 0;
        while (p < n) {
            int end;
            try {
                end = ber.read(p, n).end();
            } catch (Bad e) {
                malformed(pdu, ctx, tree, e.getMessage(), e.offset(), n);
                return;
            }
            message(ber, pdu, p, end, ctx, tree);
            p = end;
        }
    }

    // ---------------------------------------------------------------- one LDAPMessage

    private void message(Ber ber, Pdu pdu, int start, int end, DissectionContext ctx, FieldNode tree) {
        Map<String, Object> ev = new LinkedHashMap<>();
        FieldNode node = null;
        try {
            Tlv msg = ber.expect(start, end, 0x30, "LDAPMessage SEQUENCE");
            Tlv id = ber.expect(msg.off(), msg.end(), 0x02, "messageID INTEGER");
            long messageId = ber.integer(id);
            if (messageId < 0 || messageId > Integer.MAX_VALUE) {
                throw new Bad(id.start(), "messageID " + messageId + " is outside 0..2147483647");
            }
            Tlv op = ber.read(id.end(), msg.end());
            int app = op.application();
            if (app < 0) {
                throw new Bad(op.start(), String.format("protocolOp expected, found tag 0x%02x", op.tag()));
            }
            String opName = LdapCodes.opName(app);
            ev.put("op", opName);
            ev.put("messageId", messageId);
            if ("udp".equals(ctx.transport())) {
                ev.put("cldap", true);
            }
            if (tree != null) {
                node = add(tree, pdu, "ldap.LDAPMessage_element", "LDAPMessage " + opName + "(" + messageId + ")", null,
                        msg);
                add(node, pdu, "ldap.messageID", "messageID: " + messageId, messageId, id);
                node = add(node, pdu, "ldap.protocolOp", "protocolOp: " + opName + " (" + app + ")", app, op);
            }
            switch (app) {
                case 0 -> bindRequest(ber, pdu, op, messageId, ctx, node, ev);
                case 1 -> bindResponse(ber, pdu, op, messageId, ctx, node, ev);
                case 3 -> searchRequest(ber, pdu, op, node, ev);
                case 4 -> searchResEntry(ber, pdu, op, node, ev);
                case 23 -> extendedReq(ber, pdu, op, messageId, ctx, node, ev);
                case 24 -> extendedResp(ber, pdu, op, messageId, ctx, node, ev);
                default -> {
                    if (LdapCodes.isResult(app)) {
                        result(ber, pdu, ber.children(op), node, ev);
                    }
                }
            }
            ctx.emit(ID, ev);
        } catch (Bad e) {
            malformed(pdu, ctx, node != null ? node : tree, e.getMessage(), e.offset(), end);
            if (ev.containsKey("op")) {
                ev.put("malformed", true);
                ctx.emit(ID, ev);
            }
        } catch (RuntimeException | StackOverflowError e) {
            malformed(pdu, ctx, tree, "unreadable (" + e.getClass().getSimpleName() + ")", start, end);
        }
    }

    private void bindRequest(Ber ber, Pdu pdu, Tlv op, long messageId, DissectionContext ctx, FieldNode node,
            Map<String, Object> ev) {
        Tlv version = ber.expect(op.off(), op.end(), 0x02, "version INTEGER");
        Tlv name = ber.expect(version.end(), op.end(), 0x04, "name LDAPDN");
        Tlv auth = ber.read(name.end(), op.end());
        long v = ber.integer(version);
        String bindName = ber.string(name);
        ev.put("version", v);
        if (!bindName.isEmpty()) {
            ev.put("bindName", bindName);
        }
        add(node, pdu, "ldap.version", "version: " + v, v, version);
        add(node, pdu, "ldap.name", "name: " + (bindName.isEmpty() ? "<ROOT>" : bindName), bindName, name);
        Map<Long, String> binds = pendingBinds(ctx);
        switch (auth.tag()) {
            case 0x80 -> {
                // the password itself never leaves the dissector: only whether there was one
                ev.put("auth", "simple");
                ev.put("authChoice", "simple");
                ev.put("password", auth.len() > 0);
                if (auth.len() == 0) {
                    ev.put("anonymous", bindName.isEmpty() ? "anonymous" : "unauthenticated");
                }
                add(node, pdu, "ldap.simple", "simple: " + (auth.len() == 0 ? "<empty>" : "<password, " + auth.len()
                        + " bytes>"), null, auth);
                binds.put(messageId, "simple");
            }
            case 0xa3 -> {
                Tlv mech = ber.expect(auth.off(), auth.end(), 0x04, "SASL mechanism");
                String mechanism = ber.string(mech);
                ev.put("auth", "sasl");
                ev.put("mechanism", mechanism);
                ev.put("authChoice", "sasl");
                FieldNode sasl = add(node, pdu, "ldap.sasl_element", "sasl", null, auth);
                add(sasl, pdu, "ldap.mechanism", "mechanism: " + mechanism, mechanism, mech);
                binds.put(messageId, "sasl:" + mechanism);
                if (mech.end() < auth.end()) {
                    Tlv creds = ber.expect(mech.end(), auth.end(), 0x04, "SASL credentials");
                    FieldNode cn = add(sasl, pdu, "ldap.credentials", "credentials: " + creds.len() + " bytes", null,
                            creds);
                    kind(ev, handOn(ber, pdu, creds, mechanism, ctx, cn));
                }
            }
            case 0x89, 0x8a, 0x8b -> {
                // Microsoft's "sicily" NTLM bind (MS-ADTS 5.1.1.1.3): raw NTLMSSP in the authentication choice.
                // The contract's auth field knows only simple and sasl; like Wireshark, a bind without a SASL
                // mechanism counts as simple, and authChoice says what it really was.
                String choice = auth.tag() == 0x89 ? "sicilyPackageDiscovery"
                        : auth.tag() == 0x8a ? "sicilyNegotiate" : "sicilyResponse";
                ev.put("auth", "simple");
                ev.put("authChoice", choice);
                FieldNode an = add(node, pdu, "ldap.authentication", "authentication: " + choice + " ("
                        + auth.context() + ")", choice, auth);
                binds.put(messageId, "sicily");
                if (auth.tag() != 0x89 && auth.len() > 0) {
                    kind(ev, handOn(ber, pdu, auth, "NTLM", ctx, an));
                }
            }
            default -> throw new Bad(auth.start(), String.format("unknown authentication choice (tag 0x%02x)",
                    auth.tag()));
        }
    }

    private void bindResponse(Ber ber, Pdu pdu, Tlv op, long messageId, DissectionContext ctx, FieldNode node,
            Map<String, Object> ev) {
        List<Tlv> parts = ber.children(op);
        String pending = pendingBinds(ctx).remove(messageId);
        String mechanism = pending != null && pending.startsWith("sasl:") ? pending.substring(5) : null;
        if ("sicily".equals(pending)) {
            ev.put("authChoice", "sicily");
        }
        result(ber, pdu, parts, node, ev);
        // sicily: the server's NTLM CHALLENGE travels in matchedDN (MS-ADTS 5.1.1.1.3)
        Tlv matched = parts.size() > 1 ? parts.get(1) : null;
        if (matched != null && ber.startsWith(matched, NTLMSSP)) {
            FieldNode mn = node != null ? node.find("ldap.matchedDN") : null;
            kind(ev, handOn(ber, pdu, matched, "NTLM", ctx, mn));
            ev.put("authChoice", "sicily");
        }
        for (int i = 3; i < parts.size(); i++) {
            Tlv t = parts.get(i);
            if (t.tag() == 0x87) {
                FieldNode cn = add(node, pdu, "ldap.serverSaslCreds", "serverSaslCreds: " + t.len() + " bytes", null, t);
                if (mechanism != null) {
                    ev.put("mechanism", mechanism);
                }
                if (t.len() > 0) {
                    kind(ev, handOn(ber, pdu, t, mechanism, ctx, cn));
                }
            }
        }
    }

    /** LDAPResult: resultCode, matchedDN, diagnosticMessage, referral. */
    private void result(Ber ber, Pdu pdu, List<Tlv> parts, FieldNode node, Map<String, Object> ev) {
        if (parts.size() < 3) {
            throw new Bad(parts.isEmpty() ? 0 : parts.get(0).start(), "LDAPResult needs resultCode, matchedDN and "
                    + "diagnosticMessage");
        }
        Tlv rc = parts.get(0);
        if (rc.tag() != 0x0a) {
            throw new Bad(rc.start(), String.format("resultCode ENUMERATED expected, found tag 0x%02x", rc.tag()));
        }
        int code = (int) ber.integer(rc);
        ev.put("resultCode", code);
        ev.put("resultName", LdapCodes.resultName(code));
        add(node, pdu, "ldap.resultCode", "resultCode: " + LdapCodes.resultName(code) + " (" + code + ")", code, rc);
        Tlv matched = parts.get(1);
        Tlv diag = parts.get(2);
        if (matched.tag() != 0x04 || diag.tag() != 0x04) {
            throw new Bad(matched.start(), "matchedDN and diagnosticMessage must be OCTET STRINGs");
        }
        if (!ber.startsWith(matched, NTLMSSP)) {
            String m = ber.string(matched);
            if (!m.isEmpty()) {
                ev.put("matchedDN", m);
            }
            add(node, pdu, "ldap.matchedDN", "matchedDN: " + m, m, matched);
        } else {
            add(node, pdu, "ldap.matchedDN", "matchedDN: NTLMSSP message (sicily bind)", null, matched);
        }
        String text = ber.string(diag);
        add(node, pdu, "ldap.errorMessage", "diagnosticMessage: " + text, text, diag);
        if (!text.isEmpty()) {
            ev.put("diagnosticMessage", text.strip());
            String ad = LdapCodes.adError(text);
            if (ad != null) {
                ev.put("adError", ad);
                String meaning = LdapCodes.adErrorMeaning(ad);
                if (meaning != null) {
                    ev.put("adErrorMeaning", meaning);
                }
            }
        }
        if (parts.size() > 3 && parts.get(3).tag() == 0xa3) {
            List<Object> refs = new ArrayList<>();
            for (Tlv r : ber.children(parts.get(3))) {
                if (refs.size() < MAX_LIST) {
                    refs.add(ber.string(r));
                }
            }
            ev.put("referral", refs);
            add(node, pdu, "ldap.referral", "referral: " + refs, null, parts.get(3));
        }
    }

    private void searchRequest(Ber ber, Pdu pdu, Tlv op, FieldNode node, Map<String, Object> ev) {
        List<Tlv> parts = ber.children(op);
        if (parts.size() < 8) {
            throw new Bad(op.start(), "searchRequest needs 8 components, found " + parts.size());
        }
        Tlv base = parts.get(0);
        Tlv scope = parts.get(1);
        if (base.tag() != 0x04 || scope.tag() != 0x0a) {
            throw new Bad(base.start(), "searchRequest: baseObject and scope expected");
        }
        String baseObject = ber.string(base);
        String scopeName = LdapCodes.scopeName(ber.integer(scope));
        ev.put("baseObject", baseObject);
        ev.put("scope", scopeName);
        add(node, pdu, "ldap.baseObject", "baseObject: " + (baseObject.isEmpty() ? "<ROOT>" : baseObject), baseObject,
                base);
        add(node, pdu, "ldap.scope", "scope: " + scopeName, scopeName, scope);
        StringBuilder f = new StringBuilder();
        filter(ber, parts.get(6), f, 0);
        String text = f.length() > MAX_FILTER_TEXT ? f.substring(0, MAX_FILTER_TEXT) + "…" : f.toString();
        ev.put("filter", text);
        add(node, pdu, "ldap.filter", "filter: " + text, text, parts.get(6));
        Tlv attrs = parts.get(7);
        if (attrs.tag() != 0x30) {
            throw new Bad(attrs.start(), "searchRequest: attributes SEQUENCE expected");
        }
        List<Object> names = new ArrayList<>();
        for (Tlv a : ber.children(attrs)) {
            if (names.size() < MAX_LIST) {
                names.add(ber.string(a));
            }
        }
        if (!names.isEmpty()) {
            ev.put("attributes", names);
        }
        add(node, pdu, "ldap.attributes", "attributes: " + names, null, attrs);
    }

    /** RFC 4515's string form of a Filter, with nesting bounded. */
    private void filter(Ber ber, Tlv f, StringBuilder out, int depth) {
        if (depth > Ber.MAX_DEPTH) {
            throw new Bad(f.start(), "search filter nested deeper than " + Ber.MAX_DEPTH);
        }
        if (out.length() > MAX_FILTER_TEXT) {
            return;
        }
        switch (f.tag()) {
            case 0xa0, 0xa1 -> {
                out.append(f.tag() == 0xa0 ? "(&" : "(|");
                for (Tlv c : ber.children(f)) {
                    filter(ber, c, out, depth + 1);
                }
                out.append(')');
            }
            case 0xa2 -> {
                out.append("(!");
                filter(ber, ber.read(f.off(), f.end()), out, depth + 1);
                out.append(')');
            }
            case 0xa3, 0xa5, 0xa6, 0xa8 -> {
                List<Tlv> ava = ber.children(f);
                if (ava.size() != 2) {
                    throw new Bad(f.start(), "AttributeValueAssertion needs a type and a value");
                }
                String rel = f.tag() == 0xa3 ? "=" : f.tag() == 0xa5 ? ">=" : f.tag() == 0xa6 ? "<=" : "~=";
                out.append('(').append(ber.string(ava.get(0))).append(rel);
                value(ber, ava.get(1), out);
                out.append(')');
            }
            case 0xa4 -> {
                List<Tlv> sf = ber.children(f);
                if (sf.size() != 2) {
                    throw new Bad(f.start(), "SubstringFilter needs a type and substrings");
                }
                out.append('(').append(ber.string(sf.get(0))).append('=');
                List<Tlv> subs = ber.children(sf.get(1));
                boolean first = true;
                boolean endsWithFinal = false;
                for (Tlv s : subs) {
                    int k = s.context();
                    if (k == 0 && first) {
                        value(ber, s, out);
                    } else {
                        out.append('*');
                        value(ber, s, out);
                    }
                    endsWithFinal = k == 2;
                    first = false;
                }
                if (!endsWithFinal) {
                    out.append('*');
                }
                out.append(')');
            }
            case 0x87 -> out.append('(').append(ber.string(f)).append("=*)");
            case 0xa9 -> {
                String rule = null, type = null;
                boolean dn = false;
                Tlv val = null;
                for (Tlv c : ber.children(f)) {
                    switch (c.tag()) {
                        case 0x81 -> rule = ber.string(c);
                        case 0x82 -> type = ber.string(c);
                        case 0x83 -> val = c;
                        case 0x84 -> dn = ber.bool(c);
                        default -> throw new Bad(c.start(), "unknown MatchingRuleAssertion field");
                    }
                }
                out.append('(');
                if (type != null) {
                    out.append(type);
                }
                if (dn) {
                    out.append(":dn");
                }
                if (rule != null) {
                    out.append(':').append(rule);
                }
                out.append(":=");
                if (val != null) {
                    value(ber, val, out);
                }
                out.append(')');
            }
            default -> throw new Bad(f.start(), String.format("unknown filter choice (tag 0x%02x)", f.tag()));
        }
    }

    /** An assertion value, escaped as RFC 4515 §3 asks (binary values such as SIDs become \xx). */
    private static void value(Ber ber, Tlv v, StringBuilder out) {
        int n = Math.min(v.len(), MAX_FILTER_TEXT);
        byte[] b = ber.bytes(new Tlv(v.start(), v.tag(), v.off(), n));
        String s = new String(b, StandardCharsets.UTF_8);
        boolean text = s.chars().allMatch(c -> c >= 0x20 && c != 0xfffd && c != 0x7f);
        if (text) {
            for (char c : s.toCharArray()) {
                if (c == '*' || c == '(' || c == ')' || c == '\\') {
                    out.append(String.format("\\%02x", (int) c));
                } else {
                    out.append(c);
                }
            }
        } else {
            for (byte x : b) {
                out.append(String.format("\\%02x", x & 0xff));
            }
        }
    }

    private void searchResEntry(Ber ber, Pdu pdu, Tlv op, FieldNode node, Map<String, Object> ev) {
        Tlv name = ber.expect(op.off(), op.end(), 0x04, "objectName LDAPDN");
        String objectName = ber.string(name);
        ev.put("objectName", objectName);
        add(node, pdu, "ldap.objectName", "objectName: " + objectName, objectName, name);
        if (name.end() >= op.end()) {
            return;
        }
        Tlv attrs = ber.expect(name.end(), op.end(), 0x30, "PartialAttributeList");
        int count = 0;
        for (Tlv pa : ber.children(attrs)) {
            count++;
            List<Tlv> typeAndVals = ber.children(pa);
            if (typeAndVals.size() != 2) {
                throw new Bad(pa.start(), "PartialAttribute needs a type and values");
            }
            String type = ber.string(typeAndVals.get(0));
            // the rootDSE tells which SASL mechanisms the server offers: LDAP's "challenge"
            if ("supportedSASLMechanisms".equalsIgnoreCase(type)) {
                List<Object> mechs = new ArrayList<>();
                for (Tlv v : ber.children(typeAndVals.get(1))) {
                    if (mechs.size() < MAX_LIST) {
                        mechs.add(ber.string(v));
                    }
                }
                ev.put("supportedSASLMechanisms", mechs);
                add(node, pdu, "ldap.supportedSASLMechanisms", "supportedSASLMechanisms: " + mechs, null, pa);
            } else if ("dnsHostName".equalsIgnoreCase(type)) {
                List<Tlv> vals = ber.children(typeAndVals.get(1));
                if (!vals.isEmpty()) {
                    ev.put("dnsHostName", ber.string(vals.get(0)));
                }
            }
        }
        ev.put("attributeCount", count);
    }

    private void extendedReq(Ber ber, Pdu pdu, Tlv op, long messageId, DissectionContext ctx, FieldNode node,
            Map<String, Object> ev) {
        for (Tlv t : ber.children(op)) {
            if (t.tag() == 0x80) {
                String oid = ber.string(t);
                ev.put("requestName", oid);
                boolean startTls = LdapCodes.START_TLS_OID.equals(oid);
                add(node, pdu, "ldap.requestName", "requestName: " + oid + (startTls ? " (StartTLS)" : ""), oid, t);
                if (startTls) {
                    ev.put("startTls", true);
                    ctx.conversation().attribute(START_TLS, () -> new ConcurrentHashMap<Long, Boolean>())
                            .put(messageId, Boolean.TRUE);
                }
            }
        }
    }

    private void extendedResp(Ber ber, Pdu pdu, Tlv op, long messageId, DissectionContext ctx, FieldNode node,
            Map<String, Object> ev) {
        List<Tlv> parts = ber.children(op);
        result(ber, pdu, parts, node, ev);
        for (int i = 3; i < parts.size(); i++) {
            if (parts.get(i).tag() == 0x8a) {
                String oid = ber.string(parts.get(i));
                ev.put("responseName", oid);
                add(node, pdu, "ldap.responseName", "responseName: " + oid, oid, parts.get(i));
            }
        }
        Map<Long, Boolean> pending = ctx.conversation().attribute(START_TLS,
                () -> new ConcurrentHashMap<Long, Boolean>());
        if (pending.remove(messageId) != null || LdapCodes.START_TLS_OID.equals(ev.get("responseName"))) {
            ev.put("startTls", true);
        }
    }

    // ---------------------------------------------------------------- hand-offs and notes

    /**
     * Hands SASL credentials (or an NTLMSSP message from a sicily bind) to the GSS world and returns the id of the
     * innermost protocol that read them.
     */
    private String handOn(Ber ber, Pdu pdu, Tlv t, String mechanism, DissectionContext ctx, FieldNode parent) {
        Pdu slice = pdu.slice(t.off(), t.len());
        if (ber.startsWith(t, NTLMSSP)) {
            return ctx.call("gss.oid", NTLMSSP_OID, slice, parent);
        }
        String m = mechanism == null ? "" : mechanism.toUpperCase(Locale.ROOT);
        return switch (m) {
            case "GSS-SPNEGO" -> ctx.call("gss.oid", SPNEGO_OID, slice, parent);
            case "GSSAPI" -> ctx.call("gss.oid", KRB5_OID, slice, parent);
            // EXTERNAL carries an authorization identity, DIGEST-MD5 and simple binds text: nothing for GSS
            case "EXTERNAL", "DIGEST-MD5", "CRAM-MD5", "PLAIN", "SIMPLE", "SICILY" -> null;
            default -> ctx.callHeuristic("gss", slice, parent);
        };
    }

    private static void kind(Map<String, Object> ev, String inner) {
        if ("kerberos".equals(inner)) {
            ev.put("saslCredsKind", "kerberos");
        } else if ("ntlmssp".equals(inner)) {
            ev.put("saslCredsKind", "ntlm");
        } else if (inner != null) {
            ev.put("saslCredsKind", inner);
        }
    }

    private static Map<Long, String> pendingBinds(DissectionContext ctx) {
        return ctx.conversation().attribute(BINDS, () -> new ConcurrentHashMap<Long, String>());
    }

    private static void saslBuffer(Pdu pdu, FieldNode tree) {
        if (tree != null) {
            long len = pdu.data().getInt(0) & 0xffffffffL;
            FieldNode n = tree.add("ldap.sasl_buffer_length", "SASL buffer: " + len
                    + " bytes signed or sealed by the bind's security layer (not decoded)", len, pdu.abs(0), 4);
            n.setSource(pdu.base() >= 0 ? "frame" : pdu.source());
        }
    }

    private static void tls(Pdu pdu, DissectionContext ctx, FieldNode tree) {
        ConversationState conv = ctx.conversation();
        int port = conv.server().port();
        boolean first = conv.attribute(TLS, () -> new java.util.concurrent.atomic.AtomicBoolean()).compareAndSet(false,
                true);
        boolean afterStartTls = !conv.attribute(START_TLS, () -> new ConcurrentHashMap<Long, Boolean>()).isEmpty()
                || (port != 636 && port != 3269);
        String what = afterStartTls ? "LDAP switched to TLS (StartTLS) on port " + port
                : "LDAP over TLS (LDAPS) on port " + port;
        if (first) {
            ctx.diagnostic(ID, what + ": encrypted, not decoded");
        }
        if (tree != null) {
            tree.add("ldap.tls", what + ": TLS record, not decoded", null, pdu.abs(0), pdu.length());
        }
    }

    private static FieldNode add(FieldNode parent, Pdu pdu, String name, String label, Object value, Tlv t) {
        if (parent == null) {
            return null;
        }
        return parent.add(name, label, value, pdu.abs(t.start()), t.total());
    }

    private static void malformed(Pdu pdu, DissectionContext ctx, FieldNode tree, String reason, int offset, int end) {
        ctx.diagnostic(ID, "malformed: " + reason);
        if (tree != null) {
            int off = Math.max(0, Math.min(offset, pdu.length()));
            tree.malformed(reason, pdu.abs(off), Math.max(0, Math.min(end, pdu.length()) - off));
        }
    }
}
