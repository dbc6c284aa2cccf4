package org.kerbscope.ldap.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.ldap.LdapDissector;
import org.kerbscope.ldap.internal.LdapCodes;
import org.kerbscope.ldap.internal.LdapFramer;

/** The dissector and framer on LDAP messages built from RFC 4511, fed directly (no engine). */
class LdapDissectorTest {
    private final LdapDissector ldap = new LdapDissector();

    private RecordingContext dissect(byte[] bytes, String transport) {
        RecordingContext ctx = new RecordingContext(transport, true);
        ldap.dissect(Pdu.ofFrame(ByteBuffer.wrap(bytes), 54), ctx);
        return ctx;
    }

    @Test
    void simpleBindGivesTheContractFieldsAndNeverThePassword() {
        RecordingContext ctx = dissect(Ldap.bindSimple(5, "CN=svc-app,CN=Users,DC=ldap,DC=test", "Pa55word!"), "tcp");
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        Map<String, Object> e = ctx.events.get(0);
        assertEquals("bindRequest", e.get("op"));
        assertEquals(5L, e.get("messageId"));
        assertEquals("simple", e.get("auth"));
        assertEquals("CN=svc-app,CN=Users,DC=ldap,DC=test", e.get("bindName"));
        assertEquals(true, e.get("password"));
        assertFalse(e.toString().contains("Pa55word"), "the password must not reach the analysis: " + e);
        assertFalse(ctx.tree.toString().contains("Pa55word"));
        assertNotNull(ctx.tree.find("ldap.simple"));
        assertEquals(54 + 2, ctx.tree.find("ldap.messageID").range().offset(), "ranges are frame offsets");
    }

    @Test
    void saslCredentialsGoToTheGssTableByMechanism() {
        byte[] token = { 0x60, 0x03, 0x06, 0x01, 0x00 };
        assertEquals(List.of("gss.oid=1.3.6.1.5.5.2 (5 bytes)"),
                dissect(Ldap.bindSasl(1, "", "GSS-SPNEGO", token), "tcp").calls);
        assertEquals(List.of("gss.oid=1.2.840.113554.1.2.2 (5 bytes)"),
                dissect(Ldap.bindSasl(1, "", "GSSAPI", token), "tcp").calls);
        assertEquals(List.of("gss.oid=1.3.6.1.4.1.311.2.2.10 (32 bytes)"),
                dissect(Ldap.bindSasl(1, "", "NTLM", Ntlm.negotiate()), "tcp").calls);
        assertEquals(List.of("gss heuristic (5 bytes)"), dissect(Ldap.bindSasl(1, "", "X-UNKNOWN", token), "tcp").calls);
        RecordingContext ext = dissect(Ldap.bindSasl(1, "", "EXTERNAL", null), "tcp");
        assertTrue(ext.calls.isEmpty());
        assertEquals("EXTERNAL", ext.events.get(0).get("mechanism"));
        assertEquals("sasl", ext.events.get(0).get("auth"));
    }

    @Test
    void sicilyBindHandsTheNtlmMessagesOnAndNamesTheChoice() {
        RecordingContext ctx = dissect(Ldap.bindSicily(3, 10, "john", Ntlm.negotiate()), "tcp");
        Map<String, Object> e = ctx.events.get(0);
        assertEquals("sicilyNegotiate", e.get("authChoice"));
        assertEquals("simple", e.get("auth"), "the contract's auth knows simple and sasl only, as Wireshark does");
        assertEquals(List.of("gss.oid=1.3.6.1.4.1.311.2.2.10 (32 bytes)"), ctx.calls);
        byte[] challenge = Ntlm.challenge("LDAPTEST", "ldap.test");
        RecordingContext resp = dissect(Ldap.bindResponse(3, 0, challenge, "", null), "tcp");
        assertEquals(1, resp.calls.size(), "the CHALLENGE in matchedDN goes to NTLMSSP");
        assertNull(resp.events.get(0).get("matchedDN"), "binary NTLM is not shown as a DN");
    }

    @Test
    void bindResponseNamesTheResultAndTheActiveDirectorySubCode() {
        Map<String, Object> e = dissect(Ldap.bindResponse(2, 49, Ldap.AD_LOCKED, null), "tcp").events.get(0);
        assertEquals(49, e.get("resultCode"));
        assertEquals("invalidCredentials", e.get("resultName"));
        assertEquals("775", e.get("adError"));
        assertEquals("account locked out", e.get("adErrorMeaning"));
        assertEquals(Ldap.AD_LOCKED, e.get("diagnosticMessage"));
        Map<String, Object> s = dissect(Ldap.bindResponse(2, 8, Ldap.AD_SIGNING, null), "tcp").events.get(0);
        assertEquals("strongerAuthRequired", s.get("resultName"));
        assertNull(s.get("adErrorMeaning"), "data 0 is no logon failure");
        for (String[] c : new String[][] { { "525", "user not found" }, { "52e", "wrong password" },
                { "530", "logon hours" }, { "531", "workstation" }, { "532", "password expired" },
                { "533", "disabled" }, { "701", "account expired" }, { "773", "must change the password" },
                { "775", "locked" } }) {
            String text = "80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data " + c[0] + ", v3839";
            assertEquals(c[0], LdapCodes.adError(text));
            assertTrue(LdapCodes.adErrorMeaning(c[0]).contains(c[1]), c[0] + " → " + LdapCodes.adErrorMeaning(c[0]));
        }
    }

    @Test
    void searchSummaryHasBaseScopeAndFilterText() {
        byte[] filter = Ldap.and(Ldap.equality("objectClass", "user"), Ldap.substrings("cn", "jo", "h", "n"),
                Ldap.not(Ldap.present("mail")));
        Map<String, Object> e = dissect(Ldap.searchRequest(9, "DC=ldap,DC=test", 2, filter, "cn", "mail"), "tcp")
                .events.get(0);
        assertEquals("searchRequest", e.get("op"));
        assertEquals("DC=ldap,DC=test", e.get("baseObject"));
        assertEquals("wholeSubtree", e.get("scope"));
        assertEquals("(&(objectClass=user)(cn=jo*h*n)(!(mail=*)))", e.get("filter"));
        assertEquals(List.of("cn", "mail"), e.get("attributes"));
        Map<String, Object> entry = dissect(Ldap.searchResEntry(9, "", "supportedSASLMechanisms", "GSSAPI",
                "GSS-SPNEGO"), "tcp").events.get(0);
        assertEquals(List.of("GSSAPI", "GSS-SPNEGO"), entry.get("supportedSASLMechanisms"));
        Map<String, Object> done = dissect(Ldap.searchResDone(9, 32), "tcp").events.get(0);
        assertEquals("noSuchObject", done.get("resultName"));
    }

    @Test
    void startTlsIsRecognised() {
        RecordingContext ctx = dissect(Ldap.startTls(4), "tcp");
        assertEquals("extendedReq", ctx.events.get(0).get("op"));
        assertEquals(true, ctx.events.get(0).get("startTls"));
        assertEquals("unbindRequest", dissect(Ldap.unbind(5), "tcp").events.get(0).get("op"));
    }

    @Test
    void cldapDatagramMayHoldSeveralMessages() {
        byte[] d = Der.cat(Ldap.searchResEntry(1, "", "netlogon", "x"), Ldap.searchResDone(1, 0));
        RecordingContext ctx = dissect(d, "udp");
        assertEquals(2, ctx.events.size());
        assertEquals(true, ctx.events.get(1).get("cldap"));
    }

    @Test
    void hostileLengthsAndIndefiniteFormsAreReportedNotThrown() {
        RecordingContext big = dissect(new byte[] { 0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 2, 1,
                1 }, "udp");
        assertTrue(big.diagnostics.get(0).contains("exceeds"), big.diagnostics.toString());
        assertTrue(big.tree.find("_ws.malformed") != null);
        RecordingContext indef = dissect(new byte[] { 0x30, (byte) 0x80, 2, 1, 1, 0x42, 0, 0, 0 }, "tcp");
        assertTrue(indef.diagnostics.get(0).contains("indefinite"), indef.diagnostics.toString());
        RecordingContext five = dissect(new byte[] { 0x30, (byte) 0x85, 0, 0, 0, 0, 3, 2, 1, 1, 0x42 }, "tcp");
        assertTrue(five.diagnostics.get(0).contains("length octets"), five.diagnostics.toString());
    }

    @Test
    void deeplyNestedFilterStopsAtTheBound() {
        byte[] f = Ldap.present("cn");
        for (int i = 0; i < 5000; i++) {
            f = Ldap.not(f);
        }
        RecordingContext ctx = dissect(Ldap.searchRequest(1, "", 0, f), "tcp");
        assertTrue(ctx.diagnostics.stream().anyMatch(d -> d.contains("nested deeper")), ctx.diagnostics.toString());
        assertEquals(true, ctx.events.get(0).get("malformed"));
    }

    @Test
    void everyTruncationAndRandomDamageIsReportedNeverThrown() {
        List<byte[]> samples = List.of(Ldap.bindSimple(1, "john", "pw"), Ldap.bindSasl(2, "", "GSS-SPNEGO",
                new byte[] { 0x60, 1, 0 }), Ldap.bindResponse(2, 49, Ldap.AD_BAD_PASSWORD, new byte[] { 1, 2 }),
                Ldap.searchRequest(3, "DC=x", 2, Ldap.and(Ldap.equality("a", "b"), Ldap.substrings("c", "d", "e", "f")),
                        "cn"), Ldap.searchResEntry(3, "CN=x", "supportedSASLMechanisms", "GSSAPI"), Ldap.startTls(4),
                Ldap.extendedResp(4, 0), Ldap.bindSicily(5, 11, "x", Ntlm.authenticate("D", "u", "w")));
        for (byte[] s : samples) {
            for (int n = 1; n < s.length; n++) {
                RecordingContext ctx = dissect(java.util.Arrays.copyOf(s, n), "udp");
                assertFalse(ctx.diagnostics.isEmpty(), "a message cut at " + n + " must be reported");
                assertTrue(ctx.events.stream().allMatch(e -> Boolean.TRUE.equals(e.get("malformed"))));
            }
        }
        Random r = new Random(4511);
        for (int i = 0; i < 20000; i++) {
            byte[] s = samples.get(r.nextInt(samples.size())).clone();
            for (int k = 0, flips = 1 + r.nextInt(4); k < flips; k++) {
                s[r.nextInt(s.length)] = (byte) r.nextInt(256);
            }
            dissect(s, r.nextBoolean() ? "udp" : "tcp");
            ldap.dissect(Pdu.detached(ByteBuffer.wrap(s), "Reassembled TCP"), new RecordingContext("tcp", false));
        }
    }

    @Test
    void framerCutsMessagesSaslBuffersAndTls() {
        LdapFramer f = new LdapFramer();
        byte[] bind = Ldap.bindSimple(1, "x", "y");
        assertEquals(StreamFramer.NEED_MORE, f.next(ByteBuffer.wrap(bind, 0, 1).slice()));
        assertEquals(bind.length, f.next(ByteBuffer.wrap(bind)));
        byte[] big = Ldap.bindSasl(1, "", "GSS-SPNEGO", new byte[70000]);
        assertEquals(StreamFramer.NEED_MORE, f.next(ByteBuffer.wrap(big, 0, 3).slice()), "0x84 needs four length octets");
        assertEquals(big.length, f.next(ByteBuffer.wrap(big, 0, 6).slice()));
        byte[] sasl = Ldap.saslBuffer(new byte[100]);
        assertEquals(StreamFramer.NEED_MORE, f.next(ByteBuffer.wrap(sasl, 0, 3).slice()));
        assertEquals(4, f.next(ByteBuffer.wrap(sasl)));
        assertEquals(StreamFramer.skip(100), f.next(ByteBuffer.wrap(sasl, 4, 100).slice()));
        assertEquals(bind.length, f.next(ByteBuffer.wrap(bind)));
        assertEquals(5, f.next(ByteBuffer.wrap(Ldap.tlsRecord(40))));
        assertEquals(StreamFramer.REJECT, f.next(ByteBuffer.wrap(bind)), "after TLS nothing is LDAP");
        LdapFramer g = new LdapFramer();
        assertEquals(LdapFramer.FOREIGN_SAMPLE, g.next(ByteBuffer.wrap(new byte[64]).put(0, (byte) 0xf1)));
        assertEquals(StreamFramer.REJECT, g.next(ByteBuffer.wrap(bind)));
    }
}
