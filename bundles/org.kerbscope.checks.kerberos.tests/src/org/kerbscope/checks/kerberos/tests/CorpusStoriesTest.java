package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.engine.Progress;

/**
 * The checks on captures and Security logs nobody on the project made (the shared reference corpus): each
 * story raises the findings its errors call for, and a success story raises no error. Skipped, with the reason
 * printed, where the corpus is not beside the checkout.
 */
class CorpusStoriesTest {

    static Path corpus() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/corpus");
            if (Files.isDirectory(c.resolve("captures"))) {
                return c;
            }
            Path sibling = p.resolveSibling("shared").resolve("corpus");
            if (Files.isDirectory(sibling.resolve("captures"))) {
                return sibling;
            }
        }
        return null;
    }

    static Analysis analyze(String capture, List<String> events) throws Exception {
        Path c = corpus();
        Assumptions.assumeTrue(c != null, "the reference corpus (../shared/corpus) is not here; skipped");
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults());
        List<EvidenceInput> ev = events.stream().map(e -> new EvidenceInput("eventlog", c.resolve("evidence/files").resolve(e))).toList();
        return analyzer.analyze(capture == null ? null : c.resolve("captures").resolve(capture), capture, ev, Progress.NONE);
    }

    static Set<String> ids(Analysis a, Severity s) {
        Set<String> out = new TreeSet<>();
        for (Finding f : a.findings()) {
            if (s == null || f.severity() == s) {
                out.add(f.id());
            }
        }
        return out;
    }

    @Test
    void kinitTortureTestRaisesAFindingForEachKdcError() throws Exception {
        Analysis a = analyze("zeek/krb/kinit.pcap", List.of());
        Set<String> errors = ids(a, Severity.ERROR);
        for (String id : List.of("kerberos.spn-unknown", "kerberos.client-unknown", "kerberos.preauth-failed",
                "kerberos.etype-unsupported", "kerberos.client-revoked", "kerberos.password-expired")) {
            assertTrue(errors.contains(id), id + " in " + errors);
        }
        // its KDC_ERR_BADOPTION answers kinit -R of a TGT that is not renewable (e-text TICKET NOT RENEWABLE): a
        // renewal refused, not a delegation
        assertTrue(!ids(a, null).contains("kerberos.delegation-refused"), ids(a, null).toString());
        assertTrue(a.findings().stream().anyMatch(f -> f.id().equals("kerberos.kdc-error") && f.severity() == Severity.WARNING
                && f.title().equals("The KDC 192.168.1.32 refused to renew valid_client_principal's ticket-granting ticket")),
                a.findings().toString());
        assertTrue(ids(a, Severity.INFO).contains("kerberos.preauth-required"));
        Finding spn = a.findings().stream().filter(f -> f.id().equals("kerberos.spn-unknown")).findFirst().orElseThrow();
        assertTrue(spn.title().contains("invalid_service_principal/test.vladg.net"), spn.title());
        assertTrue(spn.remediation().contains("setspn -Q invalid_service_principal/test.vladg.net"), spn.remediation().toString());
        assertTrue(spn.evidence().stream().anyMatch(e -> e.frame() > 0 && e.what().startsWith("KRB-ERROR 7")));
        // KDC_ERR_NAME_EXP, which no check of its own reads, is named too (frames 123 and 125)
        Finding expired = a.findings().stream().filter(f -> f.id().equals("kerberos.kdc-error")).findFirst().orElseThrow();
        assertEquals("The account expired_client_principal has expired", expired.title());
        assertEquals(Severity.ERROR, expired.severity());
        assertEquals(List.of(123L, 125L), expired.evidence().stream().filter(e -> e.what().startsWith("KRB-ERROR"))
                .map(Finding.Evidence::frame).toList());
        assertTrue(expired.explanation().contains("CLIENT EXPIRED"), expired.explanation());
    }

    @Test
    void aGenericKdcErrorIsNamed() throws Exception {
        Analysis a = analyze("zeek/krb/optional-service-name.pcap", List.of());
        Finding f = a.findings().stream().filter(x -> x.id().equals("kerberos.kdc-error")).findFirst().orElseThrow();
        assertEquals("The KDC 192.168.229.251 refused the request with a generic error", f.title());
        // the AS-REQ of this capture leaves out its optional service name
        assertEquals(List.of("AS-REQ without a service name", "KRB-ERROR 60 KRB_ERR_GENERIC"),
                f.evidence().stream().map(Finding.Evidence::what).toList());
        assertTrue(f.explanation().contains("neither e-text nor extended data"), f.explanation());
        assertTrue(f.remediation().get(0).startsWith("Get-WinEvent -ComputerName 192.168.229.251 -LogName System"), f.remediation().toString());
    }

    @Test
    void anUnknownSpnOverTcpIsFound() throws Exception {
        Analysis a = analyze("suricata-verify/bug-8278-krb5-03/baseline.2.flows.pcap", List.of());
        assertEquals(Set.of("kerberos.spn-unknown"), ids(a, Severity.ERROR));
    }

    @Test
    void aRefusedOptionIsFound() throws Exception {
        Analysis a = analyze("nDPI/kerberos.pcap", List.of());
        assertTrue(ids(a, Severity.ERROR).contains("kerberos.delegation-refused"), ids(a, null).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"suricata-verify/krb5-krb5_msg_type/input.pcap", "nDPI/kerberos-login.pcap",
            "suricata-verify/krb5-kerberoasting/kerberoast.pcap", "zeek/krb/auth.pcap", "suricata-verify/krb5-probing/krb.pcap",
            "nDPI/http_auth.pcap", "arkime/http-digestauth.pcap", "zeek/dns53.pcap"})
    void aSuccessStoryRaisesNoError(String capture) throws Exception {
        Analysis a = analyze(capture, List.of());
        assertEquals(Set.of(), ids(a, Severity.ERROR), capture);
    }

    @Test
    void namesThatDoNotExistAreStepOneFailures() throws Exception {
        // the capture's client looks up www.example.notginh (NXDOMAIN) and connects nowhere afterwards
        Analysis a = analyze("arkime/dns-wiresharkrepo.pcap", List.of());
        assertTrue(a.findings().stream().anyMatch(f -> f.id().equals("dns.name-not-resolved")
                && f.title().contains("www.example.notginh")), ids(a, null).toString());
        assertTrue(a.attempts().stream().anyMatch(at -> "www.example.notginh".equals(at.host())
                && at.failedStep() != null && at.failedStep().step() == org.kerbscope.core.model.Step.NAME_RESOLUTION));
        assertTrue(a.findings().stream().noneMatch(f -> f.title().contains("www.google.com")),
                "a name that resolved (even through a CNAME) is no finding");
    }

    @Test
    void kerberoastingIsAnRc4Warning() throws Exception {
        Analysis a = analyze("suricata-verify/krb5-kerberoasting/kerberoast.pcap", List.of());
        assertTrue(ids(a, Severity.WARNING).contains("kerberos.rc4-in-use"));
    }

    @Test
    void preauthFailureBurstsInTheSecurityLog() throws Exception {
        Analysis a = analyze(null, List.of("mdecrevoisier/ID4771-Kerberos brutforce with valid user.evtx"));
        Finding f = a.findings().stream().filter(x -> x.id().equals("kerberos.preauth-failed")).findFirst().orElseThrow();
        assertTrue(f.title().contains("54 times"), f.title());
        assertEquals(Severity.ERROR, f.severity());
    }

    @Test
    void kerberoastLogShowsRc4AndClockSkew() throws Exception {
        Analysis a = analyze(null, List.of("mdecrevoisier/ID4769-Kerberoast ticket with low encryption.evtx"));
        Set<String> all = ids(a, null);
        assertTrue(all.contains("kerberos.rc4-in-use"), all.toString());
        assertTrue(all.contains("kerberos.clock-skew"), all.toString());
    }

    @Test
    void userEnumerationShowsUnknownClients() throws Exception {
        Analysis a = analyze(null, List.of("mdecrevoisier/ID4768-4771-Kerberos brutforce with non existing users.evtx"));
        assertTrue(ids(a, Severity.ERROR).contains("kerberos.client-unknown"), ids(a, null).toString());
        // 46 names tried from one address: one finding that says so, not 46
        List<Finding> unknown = a.findings().stream().filter(x -> x.id().equals("kerberos.client-unknown")).toList();
        assertEquals(1, unknown.size(), unknown.toString());
        assertEquals("The domain controller does not know 46 accounts (46 requests)", unknown.get(0).title());
        assertTrue(unknown.get(0).explanation().contains("From 10.23.123.11 (46)"), unknown.get(0).explanation());
        assertEquals(20, unknown.get(0).evidence().size());
    }

    @Test
    void failedLogonsNameTheirReason() throws Exception {
        // OpenSSH on a Windows server: each failure is a 4625 and the NTLM validation behind it a 4776
        Analysis unknown = analyze(null, List.of("mdecrevoisier/ID4625-OpenSSH brutforce with non existing users.evtx"));
        List<Finding> u = unknown.findings().stream().filter(x -> x.id().equals("kerberos.client-unknown")).toList();
        assertEquals(1, u.size(), unknown.findings().toString());
        assertEquals("No account FS01\\NOUSER exists (5 failed logons and 5 failed NTLM validations)", u.get(0).title());

        Analysis wrong = analyze(null, List.of("mdecrevoisier/ID4625-OpenSSH brutforce with valid users.evtx"));
        assertEquals(Set.of("kerberos.preauth-failed"), ids(wrong, null));
        assertEquals("Wrong password for admmig@offsec.lan (5 failed logons)", wrong.findings().get(0).title());

        Analysis restricted = analyze(null, List.of("mdecrevoisier/ID4625-failed login with denied access due to account restriction.evtx"));
        assertEquals(Set.of("kerberos.client-revoked"), ids(restricted, null));
        assertTrue(restricted.findings().get(0).title().endsWith("an account restriction prevents the logon (0xC000006E)"),
                restricted.findings().get(0).title());
    }
}
