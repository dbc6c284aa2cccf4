package org.kerbscope.dissect.spnego.tests;

import org.kerbscope.testing.FakeContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.kerberos.KerberosDissector;
import org.kerbscope.dissect.ntlm.NtlmsspDissector;
import org.kerbscope.dissect.spnego.SpnegoDissector;

/** SPNEGO tokens from the JDK's JGSS, and tokens built from RFC 4178 / MS-SPNG around MS-NLMP messages. */
class SpnegoDissectorTest {
    private static final byte[] OID_SPNEGO = HexFormat.of().parseHex("06062b0601050502");
    private static final byte[] OID_KRB5 = HexFormat.of().parseHex("06092a864886f712010202");
    private static final byte[] OID_MS_KRB5 = HexFormat.of().parseHex("06092a864882f712010202");
    private static final byte[] OID_NTLM = HexFormat.of().parseHex("060a2b06010401823702020a");

    private static JgssTokens jgss;
    private final SpnegoDissector spnego = new SpnegoDissector();

    @BeforeAll
    static void tokens() throws Exception {
        jgss = JgssTokens.get();
    }

    /** A context wired like the engine's tables: SPNEGO, Kerberos and NTLMSSP by OID and by heuristic. */
    private FakeContext http() {
        FakeContext ctx = new FakeContext("spnego", "tcp").carriedBy("http");
        KerberosDissector krb = new KerberosDissector();
        NtlmsspDissector ntlm = new NtlmsspDissector();
        ctx.table.put("gss.oid=1.3.6.1.5.5.2", spnego);
        ctx.table.put("gss.oid=1.2.840.113554.1.2.2", krb);
        ctx.table.put("gss.oid=1.2.840.48018.1.2.2", krb);
        ctx.table.put("gss.oid=1.3.6.1.4.1.311.2.2.10", ntlm);
        ctx.heuristics.add(Map.entry("gss", spnego));
        ctx.heuristics.add(Map.entry("gss", ntlm));
        ctx.heuristics.add(Map.entry("gss", krb));
        return ctx;
    }

    private void dissect(byte[] token, FakeContext ctx) {
        spnego.dissect(Pdu.detached(ByteBuffer.wrap(token), "base64"), ctx);
    }

    @Test
    void jgssInitCarriesTheKerberosApReq() {
        FakeContext ctx = http().withTree();
        dissect(jgss.init, ctx);
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        Map<String, Object> sp = ctx.events("spnego").get(0);
        assertEquals("NegTokenInit", sp.get("token"));
        assertEquals("http", sp.get("carrier"));
        assertTrue(((List<?>) sp.get("mechTypes")).contains("Kerberos 5"), sp.toString());
        assertEquals("Kerberos 5", sp.get("innerMech"));
        Map<String, Object> ap = ctx.events("kerberos").get(0);
        assertEquals("AP-REQ", ap.get("msgType"));
        assertEquals("http", ap.get("carrier"), "the carrier is HTTP's, not SPNEGO's");
        assertEquals("HTTP/www.spnego.test", ap.get("sname"));
        assertEquals(JgssTokens.REALM, ap.get("realm"));
        assertTrue(ctx.tree.find("kerberos.ap_req") != null, "the AP-REQ hangs in the tree under the mechToken");
        assertTrue(ctx.tree.find("spnego.mechToken").find("kerberos.ap_req") != null);
    }

    @Test
    void jgssResponseCarriesTheApRep() {
        FakeContext ctx = http();
        dissect(jgss.resp, ctx);
        Map<String, Object> sp = ctx.events("spnego").get(0);
        assertEquals("NegTokenResp", sp.get("token"));
        assertEquals("accept-completed", sp.get("negState"));
        assertEquals("Kerberos 5", sp.get("supportedMech"));
        assertEquals("AP-REP", ctx.events("kerberos").get(0).get("msgType"));
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
    }

    @Test
    void aBareKerberosTokenGivenToNegotiateStillReachesKerberos() {
        // the mechToken: the krb5 OID followed by TOK_ID 01 00 (the first OID is in mechTypes)
        int at = indexOf(jgss.init, HexFormat.of().parseHex("06092a864886f7120102020100"));
        int start = at - 4; // 0x60 0x82 <two length bytes>
        assertEquals(0x60, jgss.init[start] & 0xff);
        int len = ((jgss.init[start + 2] & 0xff) << 8 | (jgss.init[start + 3] & 0xff)) + 4;
        byte[] krb5 = java.util.Arrays.copyOfRange(jgss.init, start, start + len);
        FakeContext ctx = http();
        dissect(krb5, ctx);
        assertEquals("AP-REQ", ctx.events("kerberos").get(0).get("msgType"));
        assertTrue(ctx.events("spnego").isEmpty(), "no SPNEGO in it");
    }

    @Test
    void ntlmInsideSpnegoFollowsTheNegotiatedMechanism() {
        FakeContext ctx = http();
        // NegTokenInit offering NTLMSSP only, with a NEGOTIATE_MESSAGE
        dissect(gss(tlv(0xa0, tlv(0x30, tlv(0xa0, tlv(0x30, OID_NTLM)), tlv(0xa2, tlv(0x04, ntlm(1)))))), ctx);
        // NegTokenResp: accept-incomplete, supportedMech NTLMSSP, CHALLENGE
        dissect(tlv(0xa1, tlv(0x30, tlv(0xa0, new byte[] { 0x0a, 1, 1 }), tlv(0xa1, OID_NTLM),
                tlv(0xa2, tlv(0x04, ntlm(2))))), ctx);
        // NegTokenResp without supportedMech; the token's own signature says NTLMSSP
        dissect(tlv(0xa1, tlv(0x30, tlv(0xa2, tlv(0x04, ntlm(3))), tlv(0xa3, tlv(0x04, new byte[16])))), ctx);
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        List<Map<String, Object>> ntlm = ctx.events("ntlm");
        assertEquals(List.of("NEGOTIATE", "CHALLENGE", "AUTHENTICATE"), ntlm.stream().map(e -> e.get("messageType"))
                .toList());
        assertEquals("http", ntlm.get(2).get("carrier"));
        assertEquals("alice", ntlm.get(2).get("user"));
        List<Map<String, Object>> sp = ctx.events("spnego");
        assertEquals("NTLMSSP", sp.get(1).get("supportedMech"));
        assertEquals("accept-incomplete", sp.get(1).get("negState"));
        assertEquals(Boolean.TRUE, sp.get(2).get("mechListMIC"));
    }

    @Test
    void aRawNtlmTokenGivenToNegotiateReachesNtlmssp() {
        FakeContext ctx = http();
        dissect(ntlm(1), ctx);
        assertEquals("NEGOTIATE", ctx.events("ntlm").get(0).get("messageType"));
    }

    @Test
    void negTokenInit2HintsFromTheServer() {
        byte[] hint = "not_defined_in_RFC4178@please_ignore".getBytes(StandardCharsets.US_ASCII);
        byte[] token = gss(tlv(0xa0, tlv(0x30, tlv(0xa0, tlv(0x30, OID_MS_KRB5, OID_KRB5, OID_NTLM)),
                tlv(0xa3, tlv(0x30, tlv(0xa0, tlv(0x1b, hint)))))));
        FakeContext ctx = http().withTree();
        dissect(token, ctx);
        Map<String, Object> sp = ctx.events("spnego").get(0);
        assertEquals("NegTokenInit2", sp.get("token"));
        assertEquals(List.of("MS Kerberos 5", "Kerberos 5", "NTLMSSP"), sp.get("mechTypes"));
        assertEquals("not_defined_in_RFC4178@please_ignore", sp.get("hintName"));
        assertTrue(ctx.tree.find("spnego.hintName").range().length() > hint.length);
    }

    @Test
    void heuristicsAndBrokenTokens() {
        assertTrue(spnego.accepts(Pdu.detached(ByteBuffer.wrap(jgss.init), "t"), "tcp"));
        assertTrue(spnego.accepts(Pdu.detached(ByteBuffer.wrap(jgss.resp), "t"), "tcp"));
        assertFalse(spnego.accepts(Pdu.detached(ByteBuffer.wrap(ntlm(1)), "t"), "tcp"));
        for (byte[] t : List.of(jgss.init, jgss.resp)) {
            for (int cut = 0; cut < t.length; cut += 3) {
                FakeContext ctx = http().withTree();
                dissect(java.util.Arrays.copyOf(t, cut), ctx);
                spnego.accepts(Pdu.detached(ByteBuffer.wrap(t, 0, cut).slice(), "t"), "tcp");
                assertFalse(ctx.diagnostics.isEmpty(), "cut at " + cut);
            }
        }
        FakeContext ctx = http();
        dissect(new byte[] { (byte) 0xa1, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff }, ctx);
        assertTrue(ctx.diagnostics.get(0).startsWith("spnego: malformed"), ctx.diagnostics.toString());
    }

    /** A minimal NTLMSSP message of this type (MS-NLMP 2.2.1), OEM names, user "alice" in AUTHENTICATE. */
    private static byte[] ntlm(int type) {
        ByteBuffer b = ByteBuffer.allocate(type == 3 ? 64 + 5 : type == 2 ? 48 : 32).order(ByteOrder.LITTLE_ENDIAN);
        b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(type);
        if (type == 1) {
            b.putInt(0x00000202); // NTLM | OEM
        } else if (type == 2) {
            b.putShort((short) 0).putShort((short) 0).putInt(48).putInt(0x00000202).put(new byte[16]);
            b.putShort((short) 0).putShort((short) 0).putInt(48);
        } else {
            for (int f = 12; f < 60; f += 8) {
                int len = f == 36 ? 5 : 0;
                b.putShort(f, (short) len).putShort(f + 2, (short) len).putInt(f + 4, 64);
            }
            b.putInt(60, 0x00000202);
            b.position(64);
            b.put("alice".getBytes(StandardCharsets.US_ASCII));
        }
        return b.array();
    }

    private static byte[] gss(byte[] negotiationToken) {
        return tlv(0x60, OID_SPNEGO, negotiationToken);
    }

    /** A DER TLV with a definite length (short form, or long form of one or two bytes). */
    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        int n = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
