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
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;

/**
 * An Active Directory domain that is not Windows: real captures of Samba's domain controller (its Heimdal-based KDC,
 * its DNS) and of Linux clients in a network namespace of their own ({@code resources/samba-ad}, made by
 * {@code releng/samba-ad-fixture}). The guide's flow from the client's DNS SRV lookups to the 200, and the KDC's
 * refusals as Heimdal words them.
 */
class SambaAdStoriesTest {

    private static Path capture(String name) {
        return VendorCaptures.capture("samba-ad", name);
    }

    private static Analysis analyze(String name) throws Exception {
        return VendorCaptures.analyze("samba-ad", name);
    }

    /**
     * kinit finds the KDC through DNS SRV records, is asked for pre-authentication, then told the answer is too big
     * for UDP and asks again over TCP; curl resolves the site, connects, gets its ticket over TCP and sends it. The
     * ticket is RC4, as Samba issues it for an account without msDS-SupportedEncryptionTypes.
     */
    @Test
    void theGuidesFlowAgainstSambaAndApache() throws Exception {
        Analysis a = analyze("samba-web");
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        assertEquals(1, a.attempts().size(), a.attempts().toString());
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.KERBEROS, at.outcome(), at.steps().toString());
        assertEquals("HTTP/iisserver.contoso.com", at.spn());
        assertEquals("john@CONTOSO.COM", at.user());
        assertEquals("iisserver.contoso.com → 10.30.0.3", at.step(Step.NAME_RESOLUTION).note());
        for (Step s : List.of(Step.NAME_RESOLUTION, Step.CONNECT, Step.TICKET_REQUEST, Step.TICKET, Step.AP_EXCHANGE,
                Step.AUTHORIZED)) {
            assertEquals(StepStatus.OK, at.step(s).status(), s + " " + at.steps());
        }
        assertEquals("service ticket issued (etype 23)", at.step(Step.TICKET).note());
        assertTrue(a.findings().stream().noneMatch(f -> f.severity() == Severity.ERROR), titles(a));
        assertEquals(1, withId(a, "kerberos.rc4-in-use").size(), titles(a));
        Finding tooBig = withId(a, "kerberos.response-too-big").get(0);
        assertEquals(Severity.INFO, tooBig.severity(), "the client retried over TCP");
        // the KDC was found through DNS: its SRV records are among the messages
        assertTrue(a.events("dns").stream().anyMatch(e -> "_kerberos._udp.CONTOSO.COM".equals(e.string("name"))
                && e.list("answers") != null && e.list("answers").stream().anyMatch(x -> String.valueOf(x).contains("dc1.contoso.com"))),
                a.events("dns").toString());
    }

    @Test
    void heimdalsRefusals() throws Exception {
        Analysis a = analyze("samba-kdc");
        String all = titles(a);
        assertEquals(List.of("Pre-authentication failed for john: wrong password"),
                withId(a, "kerberos.preauth-failed").stream().map(Finding::title).toList(), all);
        assertEquals(List.of("The KDC does not know the client nobody"),
                withId(a, "kerberos.client-unknown").stream().map(Finding::title).toList(), all);
        assertTrue(withId(a, "kerberos.client-revoked").get(0).title().contains("dave"), all);
        // carol must change her password at the next logon, and kinit could not ask for a new one: still an error
        Finding expired = withId(a, "kerberos.password-expired").get(0);
        assertEquals(Severity.ERROR, expired.severity());
        assertEquals("The password of carol has expired", expired.title());
    }

    /**
     * The client's clock was 20 minutes ahead (faketime); the KDC's KRB_AP_ERR_SKEW carries the KDC's own time, which
     * agrees with the capture's: the client is the one to mend, not the domain controller.
     */
    @Test
    void theSkewedClockIsTheClientsWhenTheKdcAgreesWithTheCapture() throws Exception {
        Analysis a = analyze("samba-kdc");
        List<Finding> skew = withId(a, "kerberos.clock-skew");
        assertEquals(1, skew.size(), titles(a));
        String why = skew.get(0).explanation();
        assertTrue(why.contains("The skewed party is the client 10.30.0.2: the clock of the domain controller 10.30.0.1"
                + " agrees with the capture's"), why);
        assertTrue(skew.get(0).evidence().stream().allMatch(e -> e.what().startsWith("KRB-ERROR 37 KRB_AP_ERR_SKEW from 10.30.0.1")),
                skew.get(0).evidence().toString());
    }

    /**
     * The site by an alias (a CNAME of iisserver): MIT, like Windows, asks for the canonical name's SPN, and the KDC
     * issues it, so the alias is information, not a warning. The site by its address: the client asks for
     * HTTP/10.30.0.3, which no account holds; the advice is the name, not an SPN.
     */
    @Test
    void anAliasThatWorksAndAnAddressThatCannot() throws Exception {
        Analysis a = analyze("samba-names");
        assertEquals(2, a.attempts().size(), a.attempts().toString());
        AuthAttempt alias = a.attempts().get(0);
        assertEquals(Outcome.KERBEROS, alias.outcome(), alias.steps().toString());
        assertEquals("www.contoso.com → iisserver.contoso.com → 10.30.0.3", alias.step(Step.NAME_RESOLUTION).note());
        assertEquals("HTTP/iisserver.contoso.com", alias.spn());
        Finding cname = withId(a, "dns.cname-alias").get(0);
        assertEquals(Severity.INFO, cname.severity());
        assertEquals("www.contoso.com is an alias of iisserver.contoso.com: the ticket is iisserver.contoso.com's, as it"
                + " should be", cname.title());

        AuthAttempt address = a.attempts().get(1);
        assertEquals(Outcome.FAILED, address.outcome(), address.steps().toString());
        assertEquals("HTTP/10.30.0.3", address.spn());
        assertEquals(StepStatus.FAILED, address.step(Step.TICKET).status());
        Finding spn = withId(a, "kerberos.spn-unknown").get(0);
        assertEquals("The KDC does not know the service principal HTTP/10.30.0.3, made of an IP address", spn.title());
        assertTrue(spn.explanation().contains("The client was given the address (10.30.0.3) instead of the server's name"),
                spn.explanation());
        assertTrue(spn.remediation().stream().noneMatch(r -> r.startsWith("setspn -S")), spn.remediation().toString());
        assertEquals(1, withId(a, "dns.ip-literal-host").size(), titles(a));
    }

    /**
     * A krb5.conf naming a host with no KDC: the UDP request is answered by ICMP port unreachable and the TCP retry by
     * a RST, both refusals; then a site port a firewall rejects with ICMP "administratively prohibited".
     */
    @Test
    void refusalsByIcmpAreAnswers() throws Exception {
        Analysis a = analyze("samba-unreachable");
        Finding kdc = withId(a, "kerberos.kdc-unreachable").get(0);
        assertEquals("The KDC 10.30.0.3 refused Kerberos requests: nothing answers on port 88", kdc.title());
        assertEquals(List.of("AS-REQ to 10.30.0.3:88 for krbtgt/CONTOSO.COM: refused (ICMP port unreachable, frame 2)",
                "TCP SYN to 10.30.0.3:88: refused (RST)"), kdc.evidence().stream().map(Finding.Evidence::what).toList());
        AuthAttempt web = a.attempts().get(0);
        assertEquals(8080, web.server().port());
        assertEquals(StepStatus.FAILED, web.step(Step.CONNECT).status());
        assertEquals("the connection was refused with ICMP administratively prohibited: a firewall or the host turned it"
                + " away", web.step(Step.CONNECT).note());
        assertEquals(2, web.step(Step.CONNECT).frames().size(), "the SYN and the ICMP message");
        assertEquals(1, withId(a, "tcp.connect-failed").size(), titles(a));
        // the AS-REQ the ICMP message quotes is listed at its frame, as Wireshark reads it, and marked: not a request
        assertEquals(List.of("2 AS-REQ 10.30.0.2 10.30.0.3:88"), a.quoted().stream().map(e -> e.frame() + " "
                + e.string("msgType") + " " + e.src().address() + " " + e.dst()).toList());
        assertEquals(Boolean.TRUE, a.quoted().get(0).get("icmpQuote"));
        assertTrue(a.events("kerberos").stream().noneMatch(e -> e.frame() == 2), "not among the flow's messages");
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
    }

    /**
     * john is in 1,200 groups: the PAC makes the Authorization header 14 KB, past Apache's 8,190-byte limit, and the
     * site answers 400. That is token bloat, not a key the server lacks.
     */
    @Test
    void tokenBloatIsAHeaderTooLargeNotAKeyMismatch() throws Exception {
        Analysis a = analyze("samba-token-bloat");
        AuthAttempt at = a.attempts().get(0);
        assertEquals("HTTP 400", at.step(Step.AUTHORIZED).note());
        Finding f = withId(a, "http.header-too-large").get(0);
        assertEquals(Severity.ERROR, f.severity());
        assertTrue(f.title().startsWith("The Kerberos token is too large for the server ("), f.title());
        assertTrue(withId(a, "kerberos.service-key-mismatch").isEmpty(), titles(a));
    }

    /**
     * Chromium on Linux without the AuthServerAllowlist policy: the site offers Negotiate and the browser never asks
     * for a ticket. The advice is the policy of the browser its User-Agent names, with the commands of a Linux client;
     * its HTTPS upgrade, refused on port 443 before it fell back to HTTP, is information, not a failure to connect.
     */
    @Test
    void chromiumWithoutTheAllowlistNeverAnswersNegotiate() throws Exception {
        Analysis a = analyze("samba-browser-no-allowlist");
        assertTrue(a.events("http").stream().filter(e -> "request".equals(e.string("kind")))
                .allMatch(e -> e.string("userAgent").contains("HeadlessChrome/")), a.events("http").toString());
        assertTrue(a.events("kerberos").stream().noneMatch(e -> "TGS-REQ".equals(e.string("msgType"))),
                "the browser asked for no service ticket");
        Finding none = withId(a, "http.no-kerberos-attempt").get(0);
        assertEquals("The client never tried Kerberos for iisserver.contoso.com", none.title());
        assertTrue(none.explanation().contains("Chrome on Linux answers Negotiate only for sites its AuthServerAllowlist"
                + " policy names"), none.explanation());
        assertTrue(none.remediation().get(0).startsWith("{\"AuthServerAllowlist\": \"*.contoso.com\"} in a JSON file under"),
                none.remediation().toString());
        assertTrue(none.remediation().contains("kvno HTTP/iisserver.contoso.com"), none.remediation().toString());
        List<Finding> upgrade = withId(a, "tcp.connect-failed");
        assertEquals(1, upgrade.size(), titles(a));
        assertEquals(Severity.INFO, upgrade.get(0).severity());
        assertEquals("The client tried HTTPS first for iisserver.contoso.com and fell back to HTTP", upgrade.get(0).title());
        assertEquals(List.of("http.no-kerberos-attempt"), a.findings().stream().filter(f -> f.severity() == Severity.ERROR)
                .map(Finding::id).toList(), titles(a));
    }

    /**
     * Chromium with the policy: the site by its name (the ticket), by an alias (the CNAME followed), by the alias with
     * the CNAME lookup turned off (HTTP/www.contoso.com, which no account has: register it where the canonical name's
     * SPN is, not on a WWW$ account), and on port 8081 with the port in the SPN (HTTP/iisserver.contoso.com:8081: a
     * setting of the browser, and no other attempt's ticket request).
     */
    @Test
    void chromiumsServicePrincipals() throws Exception {
        Analysis a = analyze("samba-browser");
        AuthAttempt site = a.attempts().stream().filter(x -> x.server().port() == 80 && "iisserver.contoso.com".equals(x.host()))
                .findFirst().orElseThrow();
        assertEquals(Outcome.KERBEROS, site.outcome(), site.steps().toString());
        assertEquals("HTTP/iisserver.contoso.com", site.spn());

        // the alias twice: two tries of one site (the second browser was challenged again after the first's 200),
        // each judged alone
        List<AuthAttempt> www = a.attempts().stream().filter(x -> "www.contoso.com".equals(x.host())).toList();
        assertEquals(List.of("HTTP/iisserver.contoso.com KERBEROS", "HTTP/www.contoso.com FAILED"),
                www.stream().map(x -> x.spn() + " " + x.outcome()).toList(), a.attempts().toString());
        assertEquals(StepStatus.FAILED, www.get(1).step(Step.TICKET).status());
        assertTrue(withId(a, "dns.cname-alias").stream().noneMatch(f -> f.severity() == Severity.WARNING), titles(a));
        Finding alias = withId(a, "kerberos.spn-unknown").stream().filter(f -> f.title().contains("HTTP/www.contoso.com"))
                .findFirst().orElseThrow();
        assertEquals("The KDC does not know the service principal HTTP/www.contoso.com, built from an alias of"
                + " iisserver.contoso.com", alias.title());
        assertTrue(alias.explanation().contains("DisableAuthNegotiateCnameLookup"), alias.explanation());
        assertEquals(List.of("setspn -Q HTTP/iisserver.contoso.com", "setspn -S HTTP/www.contoso.com CONTOSO\\IISSERVER$",
                "klist purge"), alias.remediation());

        AuthAttempt port = a.attempts().stream().filter(x -> x.server().port() == 8081).findFirst().orElseThrow();
        assertEquals("HTTP/iisserver.contoso.com:8081", port.spn());
        assertEquals(StepStatus.FAILED, port.step(Step.TICKET).status());
        Finding named = withId(a, "kerberos.spn-unknown").stream().filter(f -> f.title().contains(":8081"))
                .findFirst().orElseThrow();
        assertEquals("The KDC does not know the service principal HTTP/iisserver.contoso.com:8081, which names a port",
                named.title());
        assertTrue(named.explanation().contains("EnableAuthNegotiatePort"), named.explanation());
        assertTrue(a.attempts().stream().filter(x -> x.server().port() != 8081)
                .noneMatch(x -> x.spn() != null && x.spn().contains(":8081")), a.attempts().toString());
        assertTrue(withId(a, "tcp.connect-failed").stream().allMatch(f -> f.severity() == Severity.INFO), titles(a));
    }

    /**
     * Firefox answers Negotiate only for the sites network.negotiate-auth.trusted-uris lists, on every system: without
     * the site there, no ticket and the advice is that setting; with it, the guide's flow to the 200.
     */
    @Test
    void firefoxAndItsTrustedUris() throws Exception {
        Analysis untrusted = analyze("samba-firefox-untrusted");
        Finding none = withId(untrusted, "http.no-kerberos-attempt").get(0);
        assertTrue(none.explanation().contains("Firefox answers Negotiate only for sites listed in"
                + " network.negotiate-auth.trusted-uris"), none.explanation());
        assertEquals("about:config: network.negotiate-auth.trusted-uris = .contoso.com (or the enterprise policy"
                + " Authentication > SPNEGO: [\"contoso.com\"])", none.remediation().get(0));
        assertEquals("john@CONTOSO.COM", untrusted.attempts().get(0).user(), "the user its TGT names");

        Analysis trusted = analyze("samba-firefox");
        AuthAttempt site = trusted.attempts().stream().filter(x -> x.server().port() == 80).findFirst().orElseThrow();
        assertEquals(Outcome.KERBEROS, site.outcome(), site.steps().toString());
        assertTrue(trusted.findings().stream().noneMatch(f -> f.severity() == Severity.ERROR), titles(trusted));
    }

    /** (The SMB2 and LDAP captures' Kerberos is compared where their dissectors are: the plug-ins' tests.) */
    @Test
    void everyMessageAsWiresharkReadsIt() throws Exception {
        for (String name : List.of("samba-web", "samba-kdc", "samba-names", "samba-unreachable", "samba-token-bloat",
                "samba-browser-no-allowlist", "samba-browser", "samba-firefox-untrusted", "samba-firefox")) {
            VendorCaptures.assertKerberosAsTsharkReadsIt(capture(name), analyze(name));
        }
    }
}
