package org.kerbscope.ldap.tests;

import static org.kerbscope.ldap.tests.Der.bool;
import static org.kerbscope.ldap.tests.Der.cat;
import static org.kerbscope.ldap.tests.Der.enumerated;
import static org.kerbscope.ldap.tests.Der.integer;
import static org.kerbscope.ldap.tests.Der.octets;
import static org.kerbscope.ldap.tests.Der.seq;
import static org.kerbscope.ldap.tests.Der.tlv;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** LDAPMessages built from RFC 4511 §4's ASN.1 (and MS-ADTS 5.1.1.1.3 for the sicily bind). */
final class Ldap {
    private Ldap() {
    }

    static final String START_TLS = "1.3.6.1.4.1.1466.20037";
    /** What AD says for a locked account (MS-ADTS / the well-known "data 775" text). */
    static final String AD_LOCKED = "80090308: LdapErr: DSID-0C090569, comment: AcceptSecurityContext error, data 775, v4563";
    static final String AD_BAD_PASSWORD = "80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 52e, v3839";
    static final String AD_SIGNING = "00002028: LdapErr: DSID-0C090259, comment: The server requires binds to turn on"
            + " integrity checking if SSL\\TLS are not already active on the connection, data 0, v4563";

    static byte[] message(long id, byte[] op) {
        return seq(integer(id), op);
    }

    static byte[] bindSimple(long id, String name, String password) {
        return message(id, tlv(0x60, integer(3), octets(name), tlv(0x80, password.getBytes(StandardCharsets.UTF_8))));
    }

    static byte[] bindSasl(long id, String name, String mechanism, byte[] credentials) {
        byte[] sasl = credentials == null ? tlv(0xa3, octets(mechanism))
                : tlv(0xa3, octets(mechanism), octets(credentials));
        return message(id, tlv(0x60, integer(3), octets(name), sasl));
    }

    /** A sicily bind: [9] package discovery, [10] NTLM NEGOTIATE, [11] NTLM AUTHENTICATE. */
    static byte[] bindSicily(long id, int choice, String name, byte[] ntlm) {
        return message(id, tlv(0x60, integer(3), octets(name), tlv(0x80 | choice, ntlm)));
    }

    static byte[] bindResponse(long id, int resultCode, String diagnostic, byte[] serverSaslCreds) {
        return bindResponse(id, resultCode, new byte[0], diagnostic, serverSaslCreds);
    }

    static byte[] bindResponse(long id, int resultCode, byte[] matchedDN, String diagnostic, byte[] serverSaslCreds) {
        byte[] body = cat(enumerated(resultCode), octets(matchedDN), octets(diagnostic));
        if (serverSaslCreds != null) {
            body = cat(body, tlv(0x87, serverSaslCreds));
        }
        return message(id, tlv(0x61, body));
    }

    static byte[] searchRequest(long id, String base, int scope, byte[] filter, String... attributes) {
        List<byte[]> attrs = new ArrayList<>();
        for (String a : attributes) {
            attrs.add(octets(a));
        }
        return message(id, tlv(0x63, octets(base), enumerated(scope), enumerated(0), integer(0), integer(0), bool(false),
                filter, seq(attrs.toArray(byte[][]::new))));
    }

    static byte[] present(String attr) {
        return tlv(0x87, attr.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] and(byte[]... filters) {
        return tlv(0xa0, filters);
    }

    static byte[] not(byte[] filter) {
        return tlv(0xa2, filter);
    }

    static byte[] equality(String attr, String value) {
        return tlv(0xa3, octets(attr), octets(value));
    }

    static byte[] substrings(String attr, String initial, String any, String fin) {
        return tlv(0xa4, octets(attr), seq(tlv(0x80, initial.getBytes(StandardCharsets.UTF_8)),
                tlv(0x81, any.getBytes(StandardCharsets.UTF_8)), tlv(0x82, fin.getBytes(StandardCharsets.UTF_8))));
    }

    static byte[] searchResEntry(long id, String dn, String attr, String... values) {
        List<byte[]> vals = new ArrayList<>();
        for (String v : values) {
            vals.add(octets(v));
        }
        return message(id, tlv(0x64, octets(dn), seq(seq(octets(attr), tlv(0x31, vals.toArray(byte[][]::new))))));
    }

    static byte[] searchResDone(long id, int resultCode) {
        return message(id, tlv(0x65, enumerated(resultCode), octets(""), octets("")));
    }

    static byte[] startTls(long id) {
        return message(id, tlv(0x77, tlv(0x80, START_TLS.getBytes(StandardCharsets.US_ASCII))));
    }

    static byte[] extendedResp(long id, int resultCode) {
        return message(id, tlv(0x78, enumerated(resultCode), octets(""), octets(""),
                tlv(0x8a, START_TLS.getBytes(StandardCharsets.US_ASCII))));
    }

    static byte[] unbind(long id) {
        return message(id, tlv(0x42));
    }

    /** A SASL buffer (RFC 4422 §3.7): four-byte length and the GSS token. */
    static byte[] saslBuffer(byte[] token) {
        return cat(ByteBuffer.allocate(4).putInt(token.length).array(), token);
    }

    /** A TLS handshake record header and body, as a ClientHello starts (RFC 8446 §5.1). */
    static byte[] tlsRecord(int bodyLength) {
        byte[] r = new byte[5 + bodyLength];
        r[0] = 22;
        r[1] = 3;
        r[2] = 1;
        r[3] = (byte) (bodyLength >> 8);
        r[4] = (byte) bodyLength;
        r[5] = 1; // ClientHello
        return r;
    }
}
