package org.kerbscope.ldap.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.testing.CaptureCuts;
import org.kerbscope.testing.KerberosFacts;
import org.kerbscope.testing.RepoFiles;

/**
 * ldapsearch against Samba's domain controller (a real capture, {@code releng/samba-ad-fixture}): a GSSAPI bind whose
 * client canonicalised the host through reverse DNS and, with no PTR record, asked for {@code ldap/10.30.0.1}; the
 * same bind without canonicalisation, which succeeds; a simple bind the DC refuses without TLS.
 */
class SambaLdapStoryTest {

    private static final Path CAPTURE = RepoFiles.find(
            "bundles/org.kerbscope.checks.kerberos.tests/resources/samba-ad/samba-ldap.pcapng");

    private static Analysis analyze() throws Exception {
        return new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(CAPTURE, "samba-ldap", List.of(),
                Progress.NONE);
    }

    private static List<Finding> withId(Analysis a, String id) {
        return a.findings().stream().filter(f -> f.id().equals(id)).toList();
    }

    @Test
    void theGssapiBindIsTheGuidesFlow() throws Exception {
        Analysis a = analyze();
        AuthAttempt at = a.attempts().stream().filter(x -> "ldap".equals(x.service())).findFirst().orElseThrow();
        assertEquals(Outcome.KERBEROS, at.outcome(), at.steps().toString());
        assertEquals("ldap/dc1.contoso.com", at.spn());
        assertEquals("john@CONTOSO.COM", at.user());
        assertEquals(StepStatus.OK, at.step(Step.AP_EXCHANGE).status(), at.steps().toString());
        assertEquals("bindResponse success (0)", at.step(Step.AUTHORIZED).note());
    }

    /** An SPN made of an address is a name problem: the advice is the PTR record or the name, not setspn. */
    @Test
    void anSpnMadeOfTheAddressAsksForTheName() throws Exception {
        Analysis a = analyze();
        List<Finding> spn = withId(a, "kerberos.spn-unknown");
        assertEquals(1, spn.size(), a.findings().toString());
        Finding f = spn.get(0);
        assertEquals("The KDC does not know the service principal ldap/10.30.0.1, made of an IP address", f.title());
        assertTrue(f.explanation().contains("dc1.contoso.com, looked up in frame"), f.explanation());
        assertEquals("Resolve-DnsName 10.30.0.1 -Type PTR", f.remediation().get(0));
        assertTrue(f.remediation().stream().noneMatch(r -> r.startsWith("setspn -S")), f.remediation().toString());
    }

    /**
     * The same capture begun after the client had asked for dc1.contoso.com: only the answer is there. The finding
     * names the lookup by its answer (the check threw on the missing query before).
     */
    @Test
    void aLookupWhoseQueryIsNotInTheCaptureIsNamedByItsAnswer(@TempDir Path dir) throws Exception {
        String explained = withId(analyze(), "kerberos.spn-unknown").get(0).explanation();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("dc1\\.contoso\\.com, looked up in frame (\\d+)")
                .matcher(explained);
        assertTrue(m.find(), explained);
        long query = Long.parseLong(m.group(1));
        Path cut = CaptureCuts.keep(CAPTURE, dir.resolve("samba-ldap-without-the-query.pcapng"), n -> n != query);
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(cut, "cut", List.of(),
                Progress.NONE);
        assertTrue(Registries.platform().broken().isEmpty(), Registries.platform().broken().toString());
        List<Finding> spn = withId(a, "kerberos.spn-unknown");
        assertEquals(1, spn.size(), a.findings().toString());
        assertEquals("The KDC does not know the service principal ldap/10.30.0.1, made of an IP address", spn.get(0).title());
        assertTrue(spn.get(0).explanation().contains("dc1.contoso.com, answered in frame "), spn.get(0).explanation());
    }

    @Test
    void theSimpleBindIsRefusedWithoutTls() throws Exception {
        Analysis a = analyze();
        assertEquals(Severity.ERROR, withId(a, "ldap.strong-auth-required").get(0).severity(), a.findings().toString());
        assertEquals(1, withId(a, "ldap.simple-bind-cleartext").size(), a.findings().toString());
    }

    @Test
    void kerberosInLdapAsWiresharkReadsIt() throws Exception {
        Assumptions.assumeTrue(KerberosFacts.tshark() != null, "tshark is not installed");
        List<String> theirs = KerberosFacts.byTshark(CAPTURE);
        assertEquals(theirs, KerberosFacts.byAnalysis(analyze()));
    }
}
