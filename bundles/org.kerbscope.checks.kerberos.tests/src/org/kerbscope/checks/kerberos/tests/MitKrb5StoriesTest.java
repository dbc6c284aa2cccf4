package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.checks.kerberos.tests.VendorCaptures.titles;
import static org.kerbscope.checks.kerberos.tests.VendorCaptures.withId;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;

/**
 * Another vendor's Kerberos: real captures of MIT's KDC, kadmind and client tools, and of curl authenticating with
 * Negotiate to Apache's mod_auth_gssapi ({@code resources/mit-krb5}, made by {@code releng/mit-krb5-fixture}). The
 * stories read as the lab's Kerby and Java ones do, and where MIT's answers say more than the bare error code (the
 * option a KDC_ERR_BADOPTION refused, the key version a service lacks, an expired password changed at once) the
 * findings say it.
 */
class MitKrb5StoriesTest {

    private static Path capture(String name) {
        return VendorCaptures.capture("mit-krb5", name);
    }

    private static Analysis analyze(String name) throws Exception {
        return VendorCaptures.analyze("mit-krb5", name);
    }

    @Test
    void theKdcsRefusalsAreNamedAsMitSendsThem() throws Exception {
        Analysis a = analyze("mit-kdc");
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        String all = titles(a);
        assertEquals(List.of("The KDC does not know the service principal HTTP/nosuch.example.test"),
                withId(a, "kerberos.spn-unknown").stream().map(Finding::title).toList(), all);
        assertEquals(List.of("The KDC does not know the client nobody"),
                withId(a, "kerberos.client-unknown").stream().map(Finding::title).toList(), all);
        assertEquals(1, withId(a, "kerberos.client-revoked").size(), all);
        assertTrue(withId(a, "kerberos.client-revoked").get(0).title().contains("dave"), all);
        // bob's wrong password, once in clear and once inside FAST armor: both refusals are cited
        List<Finding> preauth = withId(a, "kerberos.preauth-failed");
        assertEquals(1, preauth.size(), all);
        assertEquals(Severity.ERROR, preauth.get(0).severity());
        assertEquals(List.of(12L, 74L), preauth.get(0).evidence().stream().map(Finding.Evidence::frame)
                .filter(f -> f == 12L || f == 74L).toList(), preauth.get(0).evidence().toString());
    }

    /**
     * kinit -R of a TGT that is not renewable: MIT answers KDC_ERR_BADOPTION "TICKET NOT RENEWABLE". It is a renewal
     * refused, not a delegation: no kerberos.delegation-refused, and the finding says what the client must do.
     */
    @Test
    void aRenewalRefusedIsNotADelegationRefused() throws Exception {
        Analysis a = analyze("mit-kdc");
        assertTrue(withId(a, "kerberos.delegation-refused").isEmpty(), titles(a));
        List<Finding> renew = withId(a, "kerberos.kdc-error").stream()
                .filter(f -> f.evidence().stream().anyMatch(e -> e.frame() == 76)).toList();
        assertEquals(1, renew.size(), titles(a));
        Finding f = renew.get(0);
        assertEquals(Severity.WARNING, f.severity());
        assertEquals("The KDC 127.0.0.10 refused to renew alice's ticket-granting ticket", f.title());
        assertTrue(f.explanation().contains("RENEW option") && f.explanation().contains("TICKET NOT RENEWABLE"),
                f.explanation());
        assertEquals(List.of(75L, 76L), f.evidence().stream().map(Finding.Evidence::frame).toList());
        assertEquals(Step.TICKET, f.step());
    }

    /**
     * carol's password had expired; kinit asked for a new one, changed it through kpasswd and logged on with it, as
     * Windows does at such a logon: the expiry was dealt with in the capture itself.
     */
    @Test
    void anExpiredPasswordChangedAtOnceIsInformation() throws Exception {
        Analysis a = analyze("mit-kdc");
        List<Finding> expired = withId(a, "kerberos.password-expired");
        assertEquals(1, expired.size(), titles(a));
        Finding f = expired.get(0);
        assertEquals(Severity.INFO, f.severity());
        assertEquals("The password of carol had expired; it was changed and the logon succeeded", f.title());
        assertTrue(f.explanation().contains("kpasswd, frame 22") && f.explanation().contains("AS-REP, frame 30"),
                f.explanation());
        // the kpasswd exchange is read: its AP-REQ for kadmin/changepw and the server's AP-REP
        List<Event> kpasswd = a.events("kerberos").stream().filter(e -> e.get("kpasswd") != null).toList();
        assertEquals(List.of("22 AP-REQ kadmin/changepw", "22 KRB-PRIV null", "24 AP-REP null", "24 KRB-PRIV null"),
                kpasswd.stream().map(e -> e.frame() + " " + e.string("msgType") + " " + e.string("sname")).toList());
    }

    /** Every Kerberos message, as Wireshark reads the same capture: its type and error code, frame by frame. */
    @Test
    void everyMessageAsWiresharkReadsIt() throws Exception {
        for (String name : List.of("mit-kdc", "apache-success", "apache-spn-unknown", "apache-stale-keytab")) {
            VendorCaptures.assertKerberosAsTsharkReadsIt(capture(name), analyze(name));
        }
    }

    @Test
    void curlToApacheWithMitGssapiIsTheGuidesFlow() throws Exception {
        Analysis a = analyze("apache-success");
        assertEquals(1, a.attempts().size(), a.attempts().toString());
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.KERBEROS, at.outcome(), at.steps().toString());
        assertEquals("HTTP/web.example.test", at.spn());
        assertEquals("alice@EXAMPLE.TEST", at.user());
        for (Step s : List.of(Step.CONNECT, Step.TICKET_REQUEST, Step.TICKET, Step.AP_EXCHANGE, Step.AUTHORIZED)) {
            assertEquals(StepStatus.OK, at.step(s).status(), s + " " + at.steps());
        }
        assertEquals("HTTP 200 with mutual authentication", at.step(Step.AUTHORIZED).note());
        assertTrue(a.findings().stream().noneMatch(f -> f.severity() != Severity.INFO), titles(a));
    }

    @Test
    void aHostNameWithoutAnSpnFailsAtTheTicket() throws Exception {
        Analysis a = analyze("apache-spn-unknown");
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.FAILED, at.outcome(), at.steps().toString());
        assertEquals("HTTP/www.example.test", at.spn());
        assertEquals(StepStatus.FAILED, at.step(Step.TICKET).status(), at.steps().toString());
        assertTrue(at.step(Step.TICKET).note().contains("KDC_ERR_S_PRINCIPAL_UNKNOWN"), at.step(Step.TICKET).note());
        List<Finding> spn = withId(a, "kerberos.spn-unknown");
        assertEquals(1, spn.size(), titles(a));
        assertEquals(at.index(), spn.get(0).attempt());
        assertTrue(spn.get(0).remediation().contains("setspn -Q HTTP/www.example.test"), spn.get(0).remediation().toString());
    }

    /**
     * The service's key was changed after Apache's keytab was exported: the ticket is encrypted with key version 3, the
     * keytab holds version 2, and mod_auth_gssapi's 401 carries KRB_AP_ERR_BADKEYVER. That is proof, not one of five
     * possible causes: one finding names it, with the key version; no second one repeats the error code.
     */
    @Test
    void aStaleKeytabIsNamedWithTheKeyVersion() throws Exception {
        Analysis a = analyze("apache-stale-keytab");
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.FAILED, at.outcome(), at.steps().toString());
        assertEquals(StepStatus.FAILED, at.step(Step.AP_EXCHANGE).status(), at.steps().toString());
        List<Finding> mismatch = withId(a, "kerberos.service-key-mismatch");
        assertEquals(1, mismatch.size(), titles(a));
        Finding f = mismatch.get(0);
        assertEquals(Severity.ERROR, f.severity());
        assertEquals("The service's keytab is out of date for HTTP/web.example.test: it has no key version 3", f.title());
        assertTrue(f.evidence().stream().anyMatch(e -> e.what().contains("KRB_AP_ERR_BADKEYVER")), f.evidence().toString());
        assertTrue(f.remediation().stream().anyMatch(r -> r.startsWith("ktpass -princ HTTP/web.example.test@EXAMPLE.TEST")),
                f.remediation().toString());
        assertTrue(withId(a, "kerberos.kdc-error").isEmpty(), titles(a));
        assertEquals(1, withId(a, "http.auth-rejected").size(), titles(a));
    }
}
