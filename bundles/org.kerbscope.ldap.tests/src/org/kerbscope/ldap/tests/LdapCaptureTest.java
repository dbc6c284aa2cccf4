package org.kerbscope.ldap.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;

/**
 * Whole analyses of captures the test writes: DNS, the KDC exchanges JGSS really made with the Kerby KDC, and LDAP
 * sessions built from RFC 4511 around real SPNEGO/krb5 tokens or MS-NLMP messages. Checks the events, the attempt
 * the LDAP service profile builds, and the findings of each LDAP check.
 */
class LdapCaptureTest {
    static final String CLIENT = "10.0.0.5";
    static final String DC = "10.0.0.10";
    static final String KDC = "10.0.0.20";
    static final String DNS = "10.0.0.30";
    private static Kerberos krb;

    @TempDir
    Path dir;

    @BeforeAll
    static void kdc() throws Exception {
        krb = Kerberos.get();
    }

    /** A DNS A query and its answer (RFC 1035 §4.1). */
    static void dns(Capture c, int id, String name, String address) throws Exception {
        ByteBuffer q = ByteBuffer.allocate(512);
        for (String label : name.split("\\.")) {
            q.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
        }
        q.put((byte) 0).putShort((short) 1).putShort((short) 1);
        byte[] question = java.util.Arrays.copyOf(q.array(), q.position());
        byte[] query = Der.cat(ByteBuffer.allocate(12).putShort((short) id).putShort((short) 0x0100).putShort((short) 1)
                .putShort((short) 0).putInt(0).array(), question);
        String[] a = address.split("\\.");
        byte[] answer = ByteBuffer.allocate(16).putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(600)
                .putShort((short) 4).put((byte) Integer.parseInt(a[0])).put((byte) Integer.parseInt(a[1]))
                .put((byte) Integer.parseInt(a[2])).put((byte) Integer.parseInt(a[3])).array();
        byte[] response = Der.cat(ByteBuffer.allocate(12).putShort((short) id).putShort((short) 0x8180).putShort((short) 1)
                .putShort((short) 1).putInt(0).array(), question, answer);
        c.udp(CLIENT, 53000 + id, DNS, 53, query);
        c.udp(DNS, 53, CLIENT, 53000 + id, response);
    }

    static void kdc(Capture c, List<Kerberos.Exchange> exchanges, int firstPort) throws Exception {
        int port = firstPort;
        for (Kerberos.Exchange x : exchanges) {
            Capture.Tcp t = c.tcp(CLIENT, port++, KDC, 88).open();
            t.send(true, x.request());
            t.send(false, x.reply());
            t.close();
        }
    }

    private static AuthAttempt onlyAttempt(Analysis a) {
        List<AuthAttempt> l = Workbench.ldapAttempts(a);
        assertEquals(1, l.size(), l.toString());
        return l.get(0);
    }

    private static StepStatus status(AuthAttempt at, Step s) {
        return at.step(s).status();
    }

    private static List<String> ldapDiagnostics(Analysis a) {
        return a.diagnostics().stream().filter(d -> "ldap".equals(d.protocol())).map(d -> d.frame() + " " + d.message())
                .toList();
    }

    @Test
    void kerberosBindWithRootDseQueryAndSealedTraffic() throws Exception {
        Path file = dir.resolve("kerberos-bind.pcapng");
        long bindFrame, respFrame;
        try (Capture c = new Capture(file)) {
            dns(c, 1, Kerberos.HOST, DC);
            kdc(c, krb.kdcSuccess, 49000);
            Capture.Tcp t = c.tcp(CLIENT, 50100, DC, 389).open();
            t.send(true, Ldap.searchRequest(1, "", 0, Ldap.present("objectClass"), "supportedSASLMechanisms"));
            t.send(false, Der.cat(Ldap.searchResEntry(1, "", "supportedSASLMechanisms", "GSSAPI", "GSS-SPNEGO",
                    "EXTERNAL", "DIGEST-MD5"), Ldap.searchResDone(1, 0)));
            bindFrame = t.send(true, Ldap.bindSasl(2, "", "GSS-SPNEGO", krb.spnego.init()));
            respFrame = t.send(false, Ldap.bindResponse(2, 0, "", krb.spnego.reply()));
            t.send(true, Ldap.saslBuffer(krb.spnego.sealed()));
            t.send(false, Der.cat(Ldap.saslBuffer(krb.spnego.sealed()), Ldap.saslBuffer(krb.spnego.sealed())));
            t.close();
        }
        Analysis a = Workbench.analyze(file);
        assertEquals(List.of(), ldapDiagnostics(a));
        Event bind = Workbench.events(a, "ldap", "op", "bindRequest").get(0);
        assertEquals(bindFrame, bind.frame());
        assertEquals("sasl", bind.string("auth"));
        assertEquals("GSS-SPNEGO", bind.string("mechanism"));
        assertEquals("kerberos", bind.string("saslCredsKind"));
        Event ap = Workbench.events(a, "kerberos", "msgType", "AP-REQ").get(0);
        assertEquals(bindFrame, ap.frame());
        assertEquals("ldap", ap.string("carrier"));
        assertEquals("ldap/" + Kerberos.HOST, ap.string("sname"));
        Event rep = Workbench.events(a, "kerberos", "msgType", "AP-REP").get(0);
        assertEquals(respFrame, rep.frame());
        assertEquals("ldap", rep.string("carrier"));
        assertEquals(5, a.events("ldap").size(), "the sealed SASL buffers are recognised, not read as LDAP");

        AuthAttempt at = onlyAttempt(a);
        assertEquals(Outcome.KERBEROS, at.outcome());
        for (Step s : Step.values()) {
            assertEquals(StepStatus.OK, status(at, s), s + ": " + at.step(s));
        }
        assertTrue(at.step(Step.CHALLENGE).note().contains("GSS-SPNEGO"));
        assertEquals("ldap/" + Kerberos.HOST, at.spn());
        assertEquals("john@" + Kerberos.REALM, at.user());
        assertTrue(a.findings().stream().noneMatch(f -> f.id().startsWith("ldap.")), a.findings().toString());
    }

    @Test
    void gssapiBindWithSecurityLayerNegotiation() throws Exception {
        Path file = dir.resolve("gssapi-bind.pcapng");
        try (Capture c = new Capture(file)) {
            Capture.Tcp t = c.tcp(CLIENT, 50200, DC, 389).open();
            t.send(true, Ldap.bindSasl(1, "", "GSSAPI", krb.krb5.init()));
            t.send(false, Ldap.bindResponse(1, 14, "", krb.krb5.reply()));
            t.send(true, Ldap.bindSasl(2, "", "GSSAPI", new byte[0]));
            t.send(false, Ldap.bindResponse(2, 14, "", krb.krb5.sealed()));
            t.send(true, Ldap.bindSasl(3, "", "GSSAPI", krb.krb5.sealed()));
            t.send(false, Ldap.bindResponse(3, 0, "", null));
            t.close();
        }
        Analysis a = Workbench.analyze(file);
        assertEquals(List.of(), ldapDiagnostics(a));
        assertEquals("ldap", Workbench.events(a, "kerberos", "msgType", "AP-REQ").get(0).string("carrier"));
        assertEquals("ldap", Workbench.events(a, "kerberos", "msgType", "AP-REP").get(0).string("carrier"));
        AuthAttempt at = onlyAttempt(a);
        assertEquals(Outcome.KERBEROS, at.outcome());
        assertEquals(StepStatus.OK, status(at, Step.AUTHORIZED), "the verdict is the bind that ends the sequence");
        assertEquals(StepStatus.NOT_APPLICABLE, status(at, Step.CHALLENGE));
    }

    @Test
    void unknownSpnThenNtlmFallback() throws Exception {
        Path file = dir.resolve("spn-unknown.pcapng");
        try (Capture c = new Capture(file)) {
            dns(c, 2, "directory.ldap.test", DC);
            kdc(c, krb.kdcUnknown, 49100);
            Capture.Tcp t = c.tcp(CLIENT, 50300, DC, 389).open();
            t.send(true, Ldap.bindSasl(1, "", "GSS-SPNEGO", Ntlm.negotiate()));
            t.send(false, Ldap.bindResponse(1, 14, "", Ntlm.challenge("LDAPTEST", "ldap.test")));
            t.send(true, Ldap.bindSasl(2, "", "GSS-SPNEGO", Ntlm.authenticate("LDAPTEST", "john", "WS01")));
            t.send(false, Ldap.bindResponse(2, 0, "", null));
            t.close();
        }
        Analysis a = Workbench.analyze(file);
        assertEquals(List.of("NEGOTIATE", "CHALLENGE", "AUTHENTICATE"),
                a.events("ntlm").stream().map(e -> e.string("messageType")).toList());
        assertTrue(a.events("ntlm").stream().allMatch(e -> "ldap".equals(e.string("carrier"))));
        AuthAttempt at = onlyAttempt(a);
        assertEquals(Outcome.NTLM_FALLBACK, at.outcome());
        assertEquals(StepStatus.FAILED, status(at, Step.TICKET));
        assertEquals(StepStatus.FAILED, status(at, Step.AP_EXCHANGE));
        assertEquals("LDAPTEST\\john", at.user());
        Finding spn = Workbench.findings(a, "ldap.spn-unknown").get(0);
        assertTrue(spn.title().contains("ldap/directory.ldap.test"), spn.title());
        assertTrue(spn.remediation().contains("setspn -Q ldap/directory.ldap.test"), spn.remediation().toString());
        assertTrue(spn.remediation().stream().anyMatch(r -> r.contains("LDAP\\DIRECTORY$")), spn.remediation().toString());
        Finding ntlm = Workbench.findings(a, "ldap.ntlm-fallback").get(0);
        assertTrue(ntlm.explanation().contains("KDC_ERR_S_PRINCIPAL_UNKNOWN"), ntlm.explanation());
        assertTrue(ntlm.remediation().contains("klist get ldap/directory.ldap.test"), ntlm.remediation().toString());
    }

    @Test
    void sicilyBindRejectedForALockedAccount() throws Exception {
        Path file = dir.resolve("locked.pcapng");
        long challengeFrame;
        try (Capture c = new Capture(file)) {
            Capture.Tcp t = c.tcp(CLIENT, 50400, DC, 389).open();
            t.send(true, Ldap.bindSicily(1, 10, "john", Ntlm.negotiate()));
            challengeFrame = t.send(false, Ldap.bindResponse(1, 0, Ntlm.challenge("LDAPTEST", "ldap.test"), "", null));
            t.send(true, Ldap.bindSicily(2, 11, "john", Ntlm.authenticate("LDAPTEST", "john", "WS01")));
            t.send(false, Ldap.bindResponse(2, 49, Ldap.AD_LOCKED, null));
            t.close();
        }
        Analysis a = Workbench.analyze(file);
        Event ch = Workbench.events(a, "ntlm", "messageType", "CHALLENGE").get(0);
        assertEquals(challengeFrame, ch.frame());
        assertEquals("ldap", ch.string("carrier"));
        assertEquals("sicilyNegotiate", Workbench.events(a, "ldap", "op", "bindRequest").get(0).string("authChoice"));
        AuthAttempt at = onlyAttempt(a);
        assertEquals(StepStatus.FAILED, status(at, Step.AUTHORIZED));
        assertTrue(at.step(Step.AUTHORIZED).note().contains("775"), at.step(Step.AUTHORIZED).note());
        Finding f = Workbench.findings(a, "ldap.invalid-credentials").get(0);
        assertTrue(f.title().contains("LDAPTEST\\john") && f.title().contains("locked"), f.title());
        assertTrue(f.remediation().contains("Unlock-ADAccount -Identity 'john'"), f.remediation().toString());
        assertEquals(1, Workbench.findings(a, "ldap.ntlm-fallback").size());
    }

    @Test
    void simpleBindsWrongPasswordThenSigningRequired() throws Exception {
        Path file = dir.resolve("simple.pcapng");
        String dn = "CN=svc-app,CN=Users,DC=ldap,DC=test";
        try (Capture c = new Capture(file)) {
            Capture.Tcp t = c.tcp(CLIENT, 50500, DC, 389).open();
            t.send(true, Ldap.bindSimple(1, dn, "Old-Pa55word"));
            t.send(false, Ldap.bindResponse(1, 49, Ldap.AD_BAD_PASSWORD, null));
            t.close();
            Capture.Tcp u = c.tcp(CLIENT, 50501, DC, 389).open();
            u.send(true, Ldap.bindSimple(1, dn, "New-Pa55word"));
            u.send(false, Ldap.bindResponse(1, 8, Ldap.AD_SIGNING, null));
            u.close();
        }
        Analysis a = Workbench.analyze(file);
        Finding bad = Workbench.findings(a, "ldap.invalid-credentials").get(0);
        assertTrue(bad.title().contains("wrong password"), bad.title());
        assertTrue(bad.remediation().contains("Set-ADAccountPassword -Identity 'svc-app' -Reset"), bad.remediation().toString());
        Finding signing = Workbench.findings(a, "ldap.strong-auth-required").get(0);
        assertTrue(signing.title().contains("requires LDAP signing"), signing.title());
        assertTrue(signing.remediation().stream().anyMatch(r -> r.contains("LDAPServerIntegrity")));
        List<Finding> clear = Workbench.findings(a, "ldap.simple-bind-cleartext");
        assertEquals(1, clear.size(), "one finding per account");
        assertEquals(2, clear.get(0).evidence().size(), "both binds exposed the password");
        assertTrue(clear.get(0).remediation().get(0).contains(dn));
        assertTrue(a.events("ldap").stream().noneMatch(e -> e.fields().toString().contains("Pa55word")));
    }

    @Test
    void startTlsLdapsAndCldapAreRecognised() throws Exception {
        Path file = dir.resolve("tls-cldap.pcapng");
        try (Capture c = new Capture(file)) {
            Capture.Tcp t = c.tcp(CLIENT, 50600, DC, 389).open();
            t.send(true, Ldap.startTls(1));
            t.send(false, Ldap.extendedResp(1, 0));
            t.send(true, Ldap.tlsRecord(200));
            t.send(false, Ldap.tlsRecord(90));
            t.close();
            Capture.Tcp s = c.tcp(CLIENT, 50601, DC, 636).open();
            s.send(true, Ldap.tlsRecord(200));
            s.close();
            byte[] ntVer = { 0x16, 0, 0, 0 };
            byte[] ping = Ldap.searchRequest(7, "", 0, Ldap.and(Ldap.equality("DnsDomain", "ldap.test"),
                    Der.tlv(0xa3, Der.octets("NtVer"), Der.octets(ntVer))), "Netlogon");
            c.udp(CLIENT, 55000, DC, 389, ping);
            c.udp(DC, 389, CLIENT, 55000, Der.cat(Ldap.searchResEntry(7, "", "Netlogon", "x"), Ldap.searchResDone(7, 0)));
        }
        Analysis a = Workbench.analyze(file);
        Event req = Workbench.events(a, "ldap", "op", "extendedReq").get(0);
        assertEquals(true, req.fields().get("startTls"));
        Event resp = Workbench.events(a, "ldap", "op", "extendedResp").get(0);
        assertEquals(0, resp.integer("resultCode", -1));
        assertEquals(true, resp.fields().get("startTls"));
        List<String> diags = ldapDiagnostics(a);
        assertEquals(2, diags.size(), diags.toString());
        assertTrue(diags.get(0).contains("StartTLS") && diags.get(1).contains("(LDAPS) on port 636"), diags.toString());
        List<Event> cldap = Workbench.events(a, "ldap", "cldap", true);
        assertEquals(List.of("searchRequest", "searchResEntry", "searchResDone"),
                cldap.stream().map(e -> e.string("op")).toList());
        assertEquals("(&(DnsDomain=ldap.test)(NtVer=\\16\\00\\00\\00))", cldap.get(0).string("filter"));
        assertTrue(Workbench.ldapAttempts(a).isEmpty(), "no bind, no authentication attempt");
    }

    @Test
    void connectionRefusedIsAFailedAttempt() throws Exception {
        Path file = dir.resolve("refused.pcapng");
        try (Capture c = new Capture(file)) {
            dns(c, 3, Kerberos.HOST, DC);
            c.tcp(CLIENT, 50700, DC, 389).sendCutSynOnly();
        }
        Analysis a = Workbench.analyze(file);
        AuthAttempt at = onlyAttempt(a);
        assertEquals(StepStatus.FAILED, status(at, Step.CONNECT));
        assertEquals(Outcome.FAILED, at.outcome());
        assertNotNull(at.step(Step.NAME_RESOLUTION));
        assertEquals("ldap/" + Kerberos.HOST, at.spn());
    }
}
