package org.kerbscope.dissect.kerberos.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.kerberos.KerberosNames;
import org.kerbscope.dissect.kerberos.internal.Der.Malformed;
import org.kerbscope.dissect.kerberos.internal.Der.Tlv;

/**
 * Reads one Kerberos message (RFC 4120 §5) into the fields of its {@code kerberos} event and, when a tree is
 * wanted, into field nodes that carry absolute byte ranges. Cipher text is never copied into events or trees:
 * only its length is shown. With a {@link KeyRing}, tickets, authenticators and reply parts are decrypted and
 * what they hold is added under {@code decrypted}; a ticket no key opens yields {@code decryptError}.
 */
public final class KrbParser {
    private final Pdu pdu;
    private final Der der;
    private final KeyRing keys;
    private final List<String> problems = new ArrayList<>();

    /** What the message breaks without being unreadable (reported as diagnostics by the dissector). */
    public List<String> problems() {
        return problems;
    }

    public KrbParser(Pdu pdu, KeyRing keys) {
        this.pdu = pdu;
        this.der = new Der(pdu.data());
        this.keys = keys == null || keys.isEmpty() ? null : keys;
    }

    /** Application tags of the messages this reader knows. */
    public static boolean isMessageTag(int tag) {
        return tag >= 10 && tag <= 15 || tag >= 20 && tag <= 22 || tag == 30;
    }

    /** A ticket, as far as it can be read without keys. */
    record Ticket(String realm, String sname, Enc enc) {
    }

    /** EncryptedData: etype, kvno (null when absent) and where the cipher text lies. */
    record Enc(int etype, Integer kvno, Tlv cipher) {
    }

    /**
     * Reads the message at {@code off}; fields go into {@code ev}. Returns the element read so that the caller
     * knows where the next one may start.
     */
    public Tlv message(int off, int limit, FieldNode parent, Map<String, Object> ev) {
        Tlv app = der.read(off, limit);
        if (app.tagClass() != Der.APPLICATION || !isMessageTag(app.tag())) {
            throw new Malformed(off, "not a Kerberos message (tag 0x" + Integer.toHexString(der.u8(off)) + ")");
        }
        // labels are built only when a tree is wanted: on the fast path they would be most of the cost
        FieldNode node = null;
        if (parent != null) {
            String name = KerberosNames.msgType(app.tag());
            node = add(parent, "kerberos." + name.toLowerCase().replace('-', '_'), name, null, app);
        }
        Tlv seq = der.innerSequence(app);
        switch (app.tag()) {
            case 10, 12 -> kdcReq(app.tag(), seq, node, ev);
            case 11, 13 -> kdcRep(app.tag(), seq, node, ev);
            case 14 -> apReq(seq, node, ev, 11);
            case 15 -> apRep(seq, node, ev);
            case 30 -> krbError(seq, node, ev);
            default -> other(app.tag(), seq, node, ev);
        }
        return app;
    }

    // ------------------------------------------------------------------ KDC-REQ

    private void kdcReq(int tag, Tlv seq, FieldNode node, Map<String, Object> ev) {
        Tlv[] f = der.fields(seq, 4);
        header(f[1], f[2], tag, node, ev);
        Map<String, Object> nestedAp = null;
        if (f[3] != null) {
            nestedAp = padata(der.inner(f[3]), node, ev, "padata");
        }
        require(f[4], seq, "req-body");
        Tlv body = der.innerSequence(f[4]);
        FieldNode bn = add(node, "kerberos.req_body_element", "req-body", null, body);
        Tlv[] b = der.fields(body, 11);
        require(b[0], body, "kdc-options");
        int opts = der.bits(der.inner(b[0]));
        List<String> optNames = KerberosNames.kdcOptions(opts);
        if (bn != null) {
            add(bn, "kerberos.kdc_options", "kdc-options: 0x" + String.format("%08x", opts) + " " + optNames, opts, b[0]);
        }
        ev.put("kdcOptions", optNames);
        if (b[1] != null) {
            ev.put("cname", principal(b[1], bn, "kerberos.cname", "cname", "kerberos.CNameString"));
        }
        require(b[2], body, "realm");
        String realm = der.explicitString(b[2]);
        if (bn != null) {
            add(bn, "kerberos.realm", "realm: " + realm, realm, b[2]);
        }
        ev.put("realm", realm);
        if (b[3] != null) {
            ev.put("sname", principal(b[3], bn, "kerberos.sname", "sname", "kerberos.SNameString"));
        }
        if (b[4] != null) {
            String from = der.time(der.inner(b[4]));
            if (bn != null) {
                add(bn, "kerberos.from", "from: " + from, from, b[4]);
            }
        }
        if (b[5] != null) {
            String till = der.time(der.inner(b[5]));
            if (bn != null) {
                add(bn, "kerberos.till", "till: " + till, till, b[5]);
            }
            ev.put("tillTime", till);
        }
        if (b[6] != null) {
            String rtime = der.time(der.inner(b[6]));
            if (bn != null) {
                add(bn, "kerberos.rtime", "rtime: " + rtime, rtime, b[6]);
            }
        }
        require(b[7], body, "nonce");
        long nonce = der.explicitInt(b[7]) & 0xffffffffL;
        if (bn != null) {
            add(bn, "kerberos.nonce", "nonce: " + nonce, nonce, b[7]);
        }
        ev.put("nonce", nonce);
        require(b[8], body, "etype");
        Tlv etSeq = der.inner(b[8]);
        List<Integer> etypes = new ArrayList<>();
        List<Tlv> etList = der.children(etSeq);
        FieldNode en = bn == null ? null
                : add(bn, "kerberos.etype_tree", "etype: " + etList.size() + " items", null, b[8]);
        for (Tlv e : etList) {
            int et = (int) der.integer(e);
            etypes.add(et);
            if (en != null) {
                add(en, "kerberos.ENCTYPE", "ENCTYPE: " + KerberosNames.etype(et) + " (" + et + ")", et, e);
            }
        }
        ev.put("etypes", etypes);
        if (b[9] != null) {
            addresses(der.inner(b[9]), bn, b[9]);
        }
        if (b[10] != null) {
            Enc e = encrypted(der.innerSequence(b[10]), bn, "enc-authorization-data");
            if (bn != null) {
                add(bn, "kerberos.enc_authorization_data", "enc-authorization-data (etype " + e.etype() + ")", null,
                        b[10]);
            }
        }
        if (b[11] != null) {
            FieldNode an = add(bn, "kerberos.additional_tickets", "additional-tickets", null, b[11]);
            List<Map<String, Object>> extra = new ArrayList<>();
            for (Tlv t : der.children(der.inner(b[11]))) {
                Ticket tk = ticket(t, an);
                extra.add(ticketFacts(tk));
            }
            ev.put("additionalTickets", extra);
        }
        if (nestedAp != null) {
            // the TGT the client presents is the ticket of a TGS-REQ; what its keys open is the request's
            if (nestedAp.get("ticket") != null) {
                ev.put("ticket", nestedAp.get("ticket"));
            }
            if (nestedAp.get("decrypted") != null) {
                ev.put("decrypted", nestedAp.get("decrypted"));
            }
            if (nestedAp.get("decryptError") != null) {
                ev.put("decryptError", nestedAp.get("decryptError"));
            }
            if (nestedAp.get("ticketSname") != null) {
                ev.put("tgtSname", nestedAp.get("ticketSname"));
            }
        }
    }

    /** PA-DATA list; returns the fields of the AP-REQ in PA-TGS-REQ when there is one. */
    private Map<String, Object> padata(Tlv list, FieldNode parent, Map<String, Object> ev, String key) {
        FieldNode pn = add(parent, "kerberos.padata", key, null, list);
        List<Integer> types = new ArrayList<>();
        Map<String, Object> nested = null;
        for (Tlv pa : der.children(list)) {
            Tlv[] f = der.fields(pa, 2);
            require(f[1], pa, "padata-type");
            int type = der.explicitInt32(f[1]);
            types.add(type);
            FieldNode n = pn == null ? null
                    : add(pn, "kerberos.PA_DATA_element", "PA-DATA " + KerberosNames.padata(type), type, pa);
            if (n != null) {
                add(n, "kerberos.padata_type", "padata-type: " + KerberosNames.padata(type) + " (" + type + ")", type,
                        f[1]);
            }
            if (f[2] == null) {
                continue;
            }
            Tlv value = der.octets(der.inner(f[2]));
            if (value.len() == 0) {
                add(n, "kerberos.padata_value", "padata-value: <empty>", null, value);
                continue;
            }
            switch (type) {
                case 1 -> {
                    nested = new LinkedHashMap<>();
                    Tlv ap = der.read(value.off(), value.end());
                    if (!ap.is(Der.APPLICATION, 14)) {
                        throw new Malformed(ap.start(), "PA-TGS-REQ does not hold an AP-REQ");
                    }
                    FieldNode apn = add(n, "kerberos.ap_req_element", "AP-REQ", null, ap);
                    apReq(der.innerSequence(ap), apn, nested, 7);
                }
                case 2 -> {
                    Enc e = encrypted(der.read(value.off(), value.end()), n, "PA-ENC-TIMESTAMP");
                    ev.put("encTimestampEtype", e.etype());
                    if (keys != null) {
                        encTimestamp(e, ev);
                    }
                }
                case 11, 19 -> etypeInfo(type, der.read(value.off(), value.end()), n, ev);
                case 128 -> {
                    Tlv[] pf = der.fields(der.read(value.off(), value.end()), 0);
                    if (pf[0] != null) {
                        Tlv bool = der.inner(pf[0]);
                        boolean include = bool.len() == 1 && der.u8(bool.off()) != 0;
                        if (n != null) {
                            add(n, "kerberos.include_pac", "include-pac: " + include, include, pf[0]);
                        }
                        ev.put("includePac", include);
                    }
                }
                case 129 -> {
                    Tlv[] pf = der.fields(der.read(value.off(), value.end()), 3);
                    if (pf[0] != null && pf[1] != null) {
                        String user = principal(pf[0], n, "kerberos.userName", "userName", "kerberos.pA_FOR_USER");
                        String realm = der.explicitString(pf[1]);
                        if (n != null) {
                            add(n, "kerberos.userRealm", "userRealm: " + realm, realm, pf[1]);
                        }
                        ev.put("s4uUser", user + "@" + realm);
                    }
                }
                case 167 -> {
                    Tlv[] pf = der.fields(der.read(value.off(), value.end()), 0);
                    if (pf[0] != null) {
                        int bits = der.bits(der.inner(pf[0]));
                        if (n != null) {
                            add(n, "kerberos.pac_options", "PA-PAC-OPTIONS flags: 0x" + Integer.toHexString(bits),
                                    bits, pf[0]);
                        }
                    }
                }
                case 136 -> {
                    if (n != null) {
                        add(n, "kerberos.fast", "FAST armored data: <" + value.len() + " bytes>", value.len(), value);
                    }
                    ev.put("fast", true);
                }
                default -> {
                    if (n != null) {
                        add(n, "kerberos.padata_value", "padata-value: <" + value.len() + " bytes>", value.len(),
                                value);
                    }
                }
            }
        }
        ev.put(key, types);
        return nested;
    }

    private void etypeInfo(int type, Tlv seqOf, FieldNode n, Map<String, Object> ev) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Tlv entry : der.children(seqOf)) {
            Tlv[] f = der.fields(entry, 2);
            require(f[0], entry, "etype");
            int et = der.explicitInt32(f[0]);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("etype", et);
            String salt = null;
            if (f[1] != null) {
                Tlv s = der.inner(f[1]);
                salt = s.is(Der.UNIVERSAL, 4) ? new String(der.bytes(s.off(), s.len()),
                        java.nio.charset.StandardCharsets.UTF_8) : der.string(s);
                m.put("salt", salt);
            }
            if (n != null) {
                String label = (type == 19 ? "ETYPE-INFO2-ENTRY " : "ETYPE-INFO-ENTRY ") + KerberosNames.etype(et);
                add(n, "kerberos.etype_info2_entry", salt != null ? label + " salt " + salt : label, et, entry);
            }
            out.add(m);
        }
        ev.put(type == 19 ? "etypeInfo2" : "etypeInfo", out);
    }

    // ------------------------------------------------------------------ KDC-REP

    private void kdcRep(int tag, Tlv seq, FieldNode node, Map<String, Object> ev) {
        Tlv[] f = der.fields(seq, 6);
        header(f[0], f[1], tag, node, ev);
        if (f[2] != null) {
            padata(der.inner(f[2]), node, ev, "padata");
        }
        require(f[3], seq, "crealm");
        String crealm = der.explicitString(f[3]);
        if (node != null) {
            add(node, "kerberos.crealm", "crealm: " + crealm, crealm, f[3]);
        }
        ev.put("crealm", crealm);
        require(f[4], seq, "cname");
        ev.put("cname", principal(f[4], node, "kerberos.cname", "cname", "kerberos.CNameString"));
        require(f[5], seq, "ticket");
        Ticket t = ticket(der.inner(f[5]), node);
        ev.put("realm", t.realm());
        ev.put("sname", t.sname());
        ev.put("ticket", ticketFacts(t));
        require(f[6], seq, "enc-part");
        Enc e = encrypted(der.innerSequence(f[6]), node, "enc-part");
        ev.put("encPartEtype", e.etype());
        if (keys != null) {
            Map<String, Object> dec = new LinkedHashMap<>();
            try {
                decryptTicket(t, dec, ev, false);
                decryptKdcRepPart(tag, e, dec, ev.get("cname") + "@" + crealm);
            } catch (Malformed m) {
                dec.put("error", "decrypted part unreadable: " + m.getMessage());
            }
            if (!dec.isEmpty()) {
                ev.put("decrypted", dec);
                listDecrypted(node, dec, e.cipher());
            }
        }
    }

    private void decryptKdcRepPart(int tag, Enc e, Map<String, Object> dec, String client) {
        byte[] cipher = der.bytes(e.cipher().off(), e.cipher().len());
        byte[] plain = null;
        if (tag == 11) {
            for (KeyRing.Key k : ordered(keys.keytabKeys(), e, client)) {
                plain = KeyRing.decrypt(k, 3, cipher);
                if (plain != null) {
                    break;
                }
            }
        } else {
            for (KeyRing.Key k : keys.learned(e.etype())) {
                plain = KeyRing.decrypt(k, 8, cipher);
                if (plain == null) {
                    plain = KeyRing.decrypt(k, 9, cipher);
                }
                if (plain != null) {
                    break;
                }
            }
        }
        if (plain == null) {
            return;
        }
        Der d = new Der(ByteBuffer.wrap(plain));
        Tlv app = d.read(0, plain.length);
        if (app.tagClass() != Der.APPLICATION || app.tag() != 25 && app.tag() != 26) {
            return;
        }
        Tlv[] f = d.fields(d.innerSequence(app), 12);
        if (f[0] != null) {
            KeyRing.Key k = sessionKey(d, d.innerSequence(f[0]), "reply of " + client);
            dec.put("sessionEtype", k.etype());
            keys.learn(k);
        }
        if (f[4] != null) {
            dec.put("replyFlags", KerberosNames.ticketFlags(d.bits(d.inner(f[4]))));
        }
        if (f[5] != null) {
            dec.putIfAbsent("authtime", d.time(d.inner(f[5])));
        }
        if (f[7] != null) {
            dec.putIfAbsent("endtime", d.time(d.inner(f[7])));
        }
        if (f[2] != null) {
            dec.put("replyNonce", d.explicitInt(f[2]) & 0xffffffffL);
        }
    }

    // ------------------------------------------------------------------ AP

    private void apReq(Tlv seq, FieldNode node, Map<String, Object> ev, int authUsage) {
        Tlv[] f = der.fields(seq, 4);
        header(f[0], f[1], 14, node, ev);
        require(f[2], seq, "ap-options");
        int opts = der.bits(der.inner(f[2]));
        List<String> names = KerberosNames.apOptions(opts);
        if (node != null) {
            add(node, "kerberos.ap_options", "ap-options: " + names, opts, f[2]);
        }
        ev.put("apOptions", names);
        require(f[3], seq, "ticket");
        Ticket t = ticket(der.inner(f[3]), node);
        ev.put("realm", t.realm());
        ev.put("sname", t.sname());
        ev.put("ticketSname", t.sname());
        ev.put("ticket", ticketFacts(t));
        require(f[4], seq, "authenticator");
        Enc auth = encrypted(der.innerSequence(f[4]), node, "authenticator");
        if (keys != null) {
            Map<String, Object> dec = new LinkedHashMap<>();
            try {
                KeyRing.Key session = decryptTicket(t, dec, ev, authUsage == 11);
                if (session != null) {
                    byte[] plain = KeyRing.decrypt(session, authUsage,
                            der.bytes(auth.cipher().off(), auth.cipher().len()));
                    if (plain != null) {
                        authenticator(plain, dec, ev);
                    } else {
                        dec.put("authenticatorError", "integrity check failed");
                    }
                }
            } catch (Malformed m) {
                dec.put("error", "decrypted part unreadable: " + m.getMessage());
            }
            if (!dec.isEmpty()) {
                ev.put("decrypted", dec);
                listDecrypted(node, dec, auth.cipher());
            }
        }
    }

    /**
     * The client's pre-authentication timestamp (RFC 4120 5.2.7.2, key usage 1), decrypted with the client's key
     * from a keytab: the client's clock at the time of the request, the evidence for clock skew at the AS
     * exchange (which Kerby reports as 24 where Active Directory says 37).
     */
    private void encTimestamp(Enc e, Map<String, Object> ev) {
        byte[] cipher = der.bytes(e.cipher().off(), e.cipher().len());
        for (KeyRing.Key k : ordered(keys.keytabKeys(), e, null)) {
            byte[] plain = KeyRing.decrypt(k, 1, cipher);
            if (plain == null) {
                continue;
            }
            try {
                Der d = new Der(ByteBuffer.wrap(plain));
                Tlv[] f = d.fields(d.read(0, plain.length), 2);
                if (f[0] != null) {
                    Map<String, Object> dec = new LinkedHashMap<>();
                    dec.put("patimestamp", d.time(d.inner(f[0])));
                    dec.put("key", k.principal() + " kvno " + k.kvno());
                    ev.put("decrypted", dec);
                }
            } catch (Malformed m) {
                ev.put("decryptError", "PA-ENC-TIMESTAMP decrypted but unreadable: " + m.getMessage());
            }
            return;
        }
    }

    private void authenticator(byte[] plain, Map<String, Object> dec, Map<String, Object> ev) {
        Der d = new Der(ByteBuffer.wrap(plain));
        Tlv app = d.read(0, plain.length);
        if (!app.is(Der.APPLICATION, 2)) {
            throw new Malformed(0, "decrypted authenticator is not an Authenticator");
        }
        Tlv[] f = d.fields(d.innerSequence(app), 8);
        if (f[2] != null && f[1] != null) {
            dec.put("authenticatorCname", names(d, d.innerSequence(f[2])) + "@" + d.explicitString(f[1]));
        }
        if (f[5] != null) {
            dec.put("ctime", d.time(d.inner(f[5])));
        }
        if (f[4] != null) {
            dec.put("cusec", d.explicitInt(f[4]));
        }
        if (f[3] != null) {
            Tlv[] c = d.fields(d.innerSequence(f[3]), 1);
            if (c[0] != null && c[1] != null) {
                int type = d.explicitInt32(c[0]);
                Tlv sum = d.octets(d.inner(c[1]));
                if (type == 0x8003 && sum.len() >= 24) {
                    int flags = ByteBuffer.wrap(plain, sum.off() + 20, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                    List<String> gf = KerberosNames.gssFlags(flags);
                    dec.put("gssFlags", gf);
                    ev.put("gssFlags", gf);
                }
            }
        }
        if (f[6] != null) {
            KeyRing.Key k = sessionKey(d, d.innerSequence(f[6]), "authenticator subkey");
            dec.put("subkeyEtype", k.etype());
            keys.learn(k);
        }
        if (f[7] != null) {
            dec.put("seqNumber", d.explicitInt(f[7]) & 0xffffffffL);
        }
    }

    private void apRep(Tlv seq, FieldNode node, Map<String, Object> ev) {
        Tlv[] f = der.fields(seq, 2);
        header(f[0], f[1], 15, node, ev);
        require(f[2], seq, "enc-part");
        Enc e = encrypted(der.innerSequence(f[2]), node, "enc-part");
        ev.put("encPartEtype", e.etype());
        if (keys == null) {
            return;
        }
        byte[] cipher = der.bytes(e.cipher().off(), e.cipher().len());
        for (KeyRing.Key k : keys.learned(e.etype())) {
            byte[] plain = KeyRing.decrypt(k, 12, cipher);
            if (plain == null) {
                continue;
            }
            Der d = new Der(ByteBuffer.wrap(plain));
            Tlv app = d.read(0, plain.length);
            if (!app.is(Der.APPLICATION, 27)) {
                return;
            }
            Tlv[] p = d.fields(d.innerSequence(app), 3);
            Map<String, Object> dec = new LinkedHashMap<>();
            if (p[0] != null) {
                dec.put("ctime", d.time(d.inner(p[0])));
            }
            if (p[1] != null) {
                dec.put("cusec", d.explicitInt(p[1]));
            }
            if (p[2] != null) {
                KeyRing.Key sub = sessionKey(d, d.innerSequence(p[2]), "AP-REP subkey");
                dec.put("subkeyEtype", sub.etype());
                keys.learn(sub);
            }
            if (p[3] != null) {
                dec.put("seqNumber", d.explicitInt(p[3]) & 0xffffffffL);
            }
            ev.put("decrypted", dec);
            listDecrypted(node, dec, e.cipher());
            return;
        }
    }

    // ------------------------------------------------------------------ KRB-ERROR

    private void krbError(Tlv seq, FieldNode node, Map<String, Object> ev) {
        Tlv[] f = der.fields(seq, 12);
        header(f[0], f[1], 30, node, ev);
        require(f[6], seq, "error-code");
        int code = der.explicitInt32(f[6]);
        String name = KerberosNames.error(code);
        if (node != null) {
            add(node, "kerberos.error_code", "error-code: " + name + " (" + code + ")", code, f[6]);
        }
        ev.put("errorCode", code);
        ev.put("errorName", name);
        if (f[2] != null) {
            String ctime = der.time(der.inner(f[2]));
            if (node != null) {
                add(node, "kerberos.ctime", "ctime: " + ctime, ctime, f[2]);
            }
            ev.put("ctime", ctime);
        }
        if (f[4] != null) {
            String stime = der.time(der.inner(f[4]));
            if (node != null) {
                add(node, "kerberos.stime", "stime: " + stime, stime, f[4]);
            }
            ev.put("stime", stime);
        } else {
            problems.add("stime missing");
        }
        if (f[5] != null) {
            long susec = der.explicitInt(f[5]);
            if (node != null) {
                add(node, "kerberos.susec", "susec: " + susec, susec, f[5]);
            }
        }
        if (f[7] != null) {
            String crealm = der.explicitString(f[7]);
            if (node != null) {
                add(node, "kerberos.crealm", "crealm: " + crealm, crealm, f[7]);
            }
            ev.put("crealm", crealm);
        }
        if (f[8] != null) {
            ev.put("cname", principal(f[8], node, "kerberos.cname", "cname", "kerberos.CNameString"));
        }
        if (f[9] != null) {
            String realm = der.explicitString(f[9]);
            if (node != null) {
                add(node, "kerberos.realm", "realm: " + realm, realm, f[9]);
            }
            ev.put("realm", realm);
        } else {
            problems.add("realm missing");
        }
        if (f[10] != null) {
            ev.put("sname", principal(f[10], node, "kerberos.sname", "sname", "kerberos.SNameString"));
        } else {
            problems.add("sname missing");
        }
        if (f[11] != null) {
            String text = der.explicitString(f[11]);
            if (node != null) {
                add(node, "kerberos.e_text", "e-text: " + text, text, f[11]);
            }
            ev.put("eText", text);
        }
        if (f[12] != null) {
            Tlv data = der.inner(f[12]);
            if (data.is(Der.UNIVERSAL, 16) && data.constructed()) {
                // RFC 4120 wraps e-data in an OCTET STRING; read a bare SEQUENCE all the same
                problems.add("e-data not wrapped in an OCTET STRING");
                data = new Tlv(Der.UNIVERSAL, false, 4, f[12].off(), f[12].off(), f[12].len());
            } else {
                der.octets(data);
            }
            eData(data, node, ev);
        }
    }

    /**
     * e-data: METHOD-DATA (a SEQUENCE OF PA-DATA, sent with PREAUTH_REQUIRED), TYPED-DATA, or Windows'
     * KERB-ERROR-DATA whose KERB-EXT-ERROR holds the NTSTATUS (MS-KILE 2.2.1, 2.2.2). Anything else is kept
     * as a length: e-data is advisory and must not make the error unreadable.
     */
    private void eData(Tlv data, FieldNode node, Map<String, Object> ev) {
        FieldNode en = node == null ? null
                : add(node, "kerberos.e_data", "e-data: <" + data.len() + " bytes>", data.len(), data);
        if (data.len() == 0) {
            return;
        }
        try {
            Tlv outer = der.read(data.off(), data.end());
            List<Tlv> items = der.children(outer);
            if (items.isEmpty()) {
                return;
            }
            Tlv first = items.get(0);
            if (first.tagClass() == Der.CONTEXT) {
                kerbErrorData(der.fields(outer, 2), en, ev);
            } else if (first.is(Der.UNIVERSAL, 16)) {
                Tlv[] probe = der.fields(first, 2);
                if (probe[0] == null && probe[1] != null) {
                    padata(outer, en, ev, "eDataPadata");
                } else if (probe[0] != null) {
                    // TYPED-DATA: data-type [0], data-value [1]
                    List<Integer> types = new ArrayList<>();
                    for (Tlv td : items) {
                        Tlv[] t = der.fields(td, 1);
                        if (t[0] != null) {
                            int type = der.explicitInt32(t[0]);
                            types.add(type);
                            if (en != null) {
                                add(en, "kerberos.data_type", "TYPED-DATA type " + type, type, td);
                            }
                        }
                    }
                    ev.put("typedData", types);
                }
            }
        } catch (Malformed e) {
            if (en != null) {
                add(en, "kerberos.e_data_unparsed", "e-data not in a known form: " + e.getMessage(), null, data);
            }
        }
    }

    private void kerbErrorData(Tlv[] f, FieldNode en, Map<String, Object> ev) {
        if (f[1] == null) {
            return;
        }
        int type = der.explicitInt32(f[1]);
        if (en != null) {
            add(en, "kerberos.data_type", "data-type: " + type + (type == 3 ? " (KERB_ERR_TYPE_EXTENDED)" : ""), type,
                    f[1]);
        }
        if (type == 3 && f[2] != null) {
            Tlv v = der.octets(der.inner(f[2]));
            if (v.len() >= 4) {
                long status = Integer.reverseBytes(pdu.data().getInt(v.off())) & 0xffffffffL;
                String sn = KerberosNames.ntstatus(status);
                if (en != null) {
                    add(en, "kerberos.ntstatus", "NTSTATUS: 0x" + String.format("%08x", status)
                            + (sn != null ? " " + sn : ""), status, v);
                }
                ev.put("ntstatus", status);
                if (sn != null) {
                    ev.put("ntstatusName", sn);
                }
            }
        }
    }

    // ------------------------------------------------------------------ SAFE, PRIV, CRED

    private void other(int tag, Tlv seq, FieldNode node, Map<String, Object> ev) {
        Tlv[] f = der.fields(seq, 3);
        header(f[0], f[1], tag, node, ev);
        if (tag == 22 && f[2] != null) {
            List<Map<String, Object>> tickets = new ArrayList<>();
            for (Tlv t : der.children(der.inner(f[2]))) {
                Ticket tk = ticket(t, node);
                tickets.add(ticketFacts(tk));
                ev.putIfAbsent("realm", tk.realm());
                ev.putIfAbsent("sname", tk.sname());
            }
            ev.put("tickets", tickets);
        }
        if ((tag == 21 || tag == 22) && f[3] != null) {
            encrypted(der.innerSequence(f[3]), node, "enc-part");
        }
    }

    // ------------------------------------------------------------------ shared pieces

    private void header(Tlv pvnoT, Tlv typeT, int tag, FieldNode node, Map<String, Object> ev) {
        ev.put("msgType", KerberosNames.msgType(tag));
        if (pvnoT == null || typeT == null) {
            // RFC 4120 makes both mandatory; the application tag still says what the message is, and what
            // follows (an error code) is worth reading: report, go on
            problems.add("pvno or msg-type missing");
            return;
        }
        long pvno = der.explicitInt(pvnoT);
        long type = der.explicitInt(typeT);
        if (node != null) {
            add(node, "kerberos.pvno", "pvno: " + pvno, pvno, pvnoT);
        }
        if (node != null) {
            add(node, "kerberos.msg_type", "msg-type: " + KerberosNames.msgType((int) type) + " (" + type + ")", type,
                    typeT);
        }
        if (pvno != 5) {
            throw new Malformed(pvnoT.start(), "pvno " + pvno + " (Kerberos 5 expected)");
        }
        if (type != tag) {
            throw new Malformed(typeT.start(), "msg-type " + type + " disagrees with the application tag " + tag);
        }
    }

    private Ticket ticket(Tlv app, FieldNode parent) {
        if (!app.is(Der.APPLICATION, 1)) {
            throw new Malformed(app.start(), "Ticket expected");
        }
        FieldNode tn = add(parent, "kerberos.ticket_element", "ticket", null, app);
        Tlv seq = der.innerSequence(app);
        Tlv[] f = der.fields(seq, 3);
        require(f[0], seq, "tkt-vno");
        long tktVno = der.explicitInt(f[0]); // read on the fast path too: a broken tkt-vno makes the ticket malformed
        if (tn != null) {
            add(tn, "kerberos.tkt_vno", "tkt-vno: " + tktVno, tktVno, f[0]);
        }
        require(f[1], seq, "realm");
        String realm = der.explicitString(f[1]);
        if (tn != null) {
            add(tn, "kerberos.realm", "realm: " + realm, realm, f[1]);
        }
        require(f[2], seq, "sname");
        String sname = principal(f[2], tn, "kerberos.sname", "sname", "kerberos.SNameString");
        require(f[3], seq, "enc-part");
        Enc e = encrypted(der.innerSequence(f[3]), tn, "enc-part");
        return new Ticket(realm, sname, e);
    }

    private static Map<String, Object> ticketFacts(Ticket t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("etype", t.enc().etype());
        if (t.enc().kvno() != null) {
            m.put("kvno", t.enc().kvno());
        }
        return m;
    }

    private Enc encrypted(Tlv seq, FieldNode parent, String label) {
        Tlv[] f = der.fields(seq, 2);
        require(f[0], seq, "etype");
        require(f[2], seq, "cipher");
        int etype = der.explicitInt32(f[0]);
        Integer kvno = f[1] != null ? (int) der.explicitInt(f[1]) : null;
        Tlv cipher = der.octets(der.inner(f[2]));
        FieldNode n = add(parent, "kerberos.enc_part_element", label, null, seq);
        if (n != null) {
            add(n, "kerberos.etype", "etype: " + KerberosNames.etype(etype) + " (" + etype + ")", etype, f[0]);
        }
        if (kvno != null) {
            if (n != null) {
                add(n, "kerberos.kvno", "kvno: " + kvno, kvno, f[1]);
            }
        }
        if (n != null) {
            add(n, "kerberos.cipher", "cipher: <" + cipher.len() + " bytes>", cipher.len(), cipher);
        }
        return new Enc(etype, kvno, cipher);
    }

    /** PrincipalName inside an explicit tag, components joined with "/". */
    private String principal(Tlv tagged, FieldNode parent, String field, String label, String partField) {
        Tlv seq = der.innerSequence(tagged);
        Tlv[] f = der.fields(seq, 1);
        require(f[1], seq, "name-string");
        FieldNode n = add(parent, field + "_element", label, null, tagged);
        if (f[0] != null) {
            long type = der.explicitInt(f[0]);
            if (n != null) {
                add(n, "kerberos.name_type", "name-type: " + type, type, f[0]);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Tlv s : der.children(der.inner(f[1]))) {
            String part = der.string(s);
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
            if (n != null) {
                add(n, partField, partField.substring(partField.indexOf('.') + 1) + ": " + part, part, s);
            }
        }
        if (n != null) {
            n.add(field, label + ": " + sb, sb.toString(), pdu.abs(tagged.start()), 0);
        }
        return sb.toString();
    }

    private static String names(Der d, Tlv seq) {
        Tlv[] f = d.fields(seq, 1);
        if (f[1] == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Tlv s : d.children(d.inner(f[1]))) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(d.string(s));
        }
        return sb.toString();
    }

    private void addresses(Tlv seqOf, FieldNode parent, Tlv whole) {
        FieldNode n = add(parent, "kerberos.addresses", "addresses", null, whole);
        for (Tlv a : der.children(seqOf)) {
            Tlv[] f = der.fields(a, 1);
            if (f[0] == null || f[1] == null) {
                continue;
            }
            int type = der.explicitInt32(f[0]);
            Tlv v = der.octets(der.inner(f[1]));
            String text;
            if (type == 2 && v.len() == 4) {
                text = der.u8(v.off()) + "." + der.u8(v.off() + 1) + "." + der.u8(v.off() + 2) + "."
                        + der.u8(v.off() + 3);
            } else if (type == 20) {
                text = new String(der.bytes(v.off(), v.len()), java.nio.charset.StandardCharsets.ISO_8859_1).trim();
            } else {
                text = "type " + type + ", " + v.len() + " bytes";
            }
            if (n != null) {
                add(n, "kerberos.address", "address: " + text, text, a);
            }
        }
    }

    private static KeyRing.Key sessionKey(Der d, Tlv seq, String origin) {
        Tlv[] f = d.fields(seq, 1);
        if (f[0] == null || f[1] == null) {
            throw new Malformed(seq.start(), "EncryptionKey without keytype or keyvalue");
        }
        int etype = d.explicitInt32(f[0]);
        Tlv v = d.octets(d.inner(f[1]));
        return new KeyRing.Key(origin, 0, etype, d.bytes(v.off(), v.len()));
    }

    /** Decrypts a ticket with the keytab; fills {@code dec}, or sets {@code decryptError}. */
    private KeyRing.Key decryptTicket(Ticket t, Map<String, Object> dec, Map<String, Object> ev, boolean always) {
        Enc e = t.enc();
        String spn = t.sname() + "@" + t.realm();
        List<KeyRing.Key> candidates = ordered(keys.keytabKeys(), e, spn);
        // a TGT or a reply's ticket the user gave no key for is no evidence: only an AP-REQ's ticket, or a
        // principal the keytab holds, earns a decryptError
        boolean report = always || keys.keytabKeys().stream().anyMatch(k -> k.principal().equalsIgnoreCase(spn));
        if (candidates.isEmpty()) {
            if (!report) {
                return null;
            }
            ev.put("decryptError", "no key for etype " + e.etype() + (e.kvno() != null ? " kvno " + e.kvno() : ""));
            return null;
        }
        byte[] cipher = der.bytes(e.cipher().off(), e.cipher().len());
        for (KeyRing.Key k : candidates) {
            byte[] plain = KeyRing.decrypt(k, 2, cipher);
            if (plain != null) {
                dec.put("key", k.principal() + (k.kvno() != 0 ? " kvno " + k.kvno() : ""));
                return encTicketPart(plain, dec);
            }
        }
        if (!report) {
            return null;
        }
        if (e.kvno() != null && candidates.stream().noneMatch(k -> k.kvno() == e.kvno())) {
            StringBuilder has = new StringBuilder();
            candidates.stream().map(KeyRing.Key::kvno).distinct().sorted().forEach(v -> has.append(has.length() > 0
                    ? ", " : "").append(v));
            ev.put("decryptError", "kvno mismatch: ticket kvno " + e.kvno() + ", keytab has " + has);
        } else {
            ev.put("decryptError", "integrity check failed");
        }
        return null;
    }

    /** Keys of the cipher's etype: same principal and kvno first, then same kvno, then every other one. */
    private static List<KeyRing.Key> ordered(List<KeyRing.Key> all, Enc e, String principal) {
        List<KeyRing.Key> out = new ArrayList<>();
        for (int pass = 0; pass < 3; pass++) {
            for (KeyRing.Key k : all) {
                if (k.etype() != e.etype() || out.contains(k)) {
                    continue;
                }
                boolean sameName = k.principal().equalsIgnoreCase(principal);
                boolean sameKvno = e.kvno() == null || k.kvno() == e.kvno();
                if (pass == 0 && sameName && sameKvno || pass == 1 && sameKvno || pass == 2) {
                    out.add(k);
                }
            }
        }
        return out;
    }

    private KeyRing.Key encTicketPart(byte[] plain, Map<String, Object> dec) {
        Der d = new Der(ByteBuffer.wrap(plain));
        Tlv app = d.read(0, plain.length);
        if (!app.is(Der.APPLICATION, 3)) {
            throw new Malformed(0, "decrypted ticket is not an EncTicketPart");
        }
        Tlv[] f = d.fields(d.innerSequence(app), 10);
        if (f[2] != null && f[3] != null) {
            dec.put("cname", names(d, d.innerSequence(f[3])));
            dec.put("crealm", d.explicitString(f[2]));
        }
        if (f[0] != null) {
            dec.put("flags", KerberosNames.ticketFlags(d.bits(d.inner(f[0]))));
        }
        if (f[5] != null) {
            dec.put("authtime", d.time(d.inner(f[5])));
        }
        if (f[6] != null) {
            dec.put("starttime", d.time(d.inner(f[6])));
        }
        if (f[7] != null) {
            dec.put("endtime", d.time(d.inner(f[7])));
        }
        if (f[8] != null) {
            dec.put("renewTill", d.time(d.inner(f[8])));
        }
        KeyRing.Key session = null;
        if (f[1] != null) {
            session = sessionKey(d, d.innerSequence(f[1]), "session key of " + dec.get("cname"));
            dec.put("sessionEtype", session.etype());
            keys.learn(session);
        }
        if (f[10] != null) {
            try {
                Map<String, Object> pac = pacIn(d, d.inner(f[10]), 0);
                if (pac != null) {
                    dec.put("pac", pac);
                }
            } catch (Malformed m) {
                dec.put("pacError", m.getMessage());
            }
        }
        return session;
    }

    /** Looks for AD-WIN2K-PAC (128), inside AD-IF-RELEVANT (1) containers, to a bounded depth. */
    private static Map<String, Object> pacIn(Der d, Tlv authData, int depth) {
        if (depth > 4) {
            return null;
        }
        for (Tlv ad : d.children(authData)) {
            Tlv[] f = d.fields(ad, 1);
            if (f[0] == null || f[1] == null) {
                continue;
            }
            int type = d.explicitInt32(f[0]);
            Tlv v = d.octets(d.inner(f[1]));
            if (type == 1) {
                Map<String, Object> inner = pacIn(d, d.read(v.off(), v.end()), depth + 1);
                if (inner != null) {
                    return inner;
                }
            } else if (type == 128) {
                return Pac.read(d.bytes(v.off(), v.len()));
            }
        }
        return null;
    }

    private void listDecrypted(FieldNode node, Map<String, Object> dec, Tlv where) {
        if (node == null) {
            return;
        }
        FieldNode dn = node.add("kerberos.decrypted", "Decrypted with the keytab", null, pdu.abs(where.start()),
                where.totalLength());
        for (Map.Entry<String, Object> e : dec.entrySet()) {
            dn.add("kerberos.decrypted." + e.getKey(), e.getKey() + ": " + e.getValue(), e.getValue(),
                    pdu.abs(where.start()), where.totalLength());
        }
    }

    private static void require(Tlv t, Tlv in, String name) {
        if (t == null) {
            throw new Malformed(in.start(), name + " missing");
        }
    }

    private FieldNode add(FieldNode parent, String name, String label, Object value, Tlv t) {
        if (parent == null) {
            return null;
        }
        return parent.add(name, label, value, pdu.abs(t.start()), t.totalLength());
    }
}
