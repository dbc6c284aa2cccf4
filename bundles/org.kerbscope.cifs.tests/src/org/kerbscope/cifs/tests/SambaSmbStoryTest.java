package org.kerbscope.cifs.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
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
import org.kerbscope.testing.KerberosFacts;
import org.kerbscope.testing.RepoFiles;

/**
 * smbclient against Samba's domain controller (a real capture, {@code releng/samba-ad-fixture}): with Kerberos, whose
 * TGS exchanges are FAST-armored (the clear TGS-REP names WELLKNOWN/ANONYMOUS, not the user) and whose request for a
 * forwarded TGT the KDC refuses; with NTLM; with NTLM and a wrong password.
 */
class SambaSmbStoryTest {

    private static final Path CAPTURE = RepoFiles.find(
            "bundles/org.kerbscope.checks.kerberos.tests/resources/samba-ad/samba-smb.pcapng");

    private static Analysis analyze() throws Exception {
        return new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(CAPTURE, "samba-smb", List.of(),
                Progress.NONE);
    }

    private static List<Finding> withId(Analysis a, String id) {
        return a.findings().stream().filter(f -> f.id().equals(id)).toList();
    }

    @Test
    void theKerberosSessionIsTheGuidesFlowWithTheRealUser() throws Exception {
        Analysis a = analyze();
        AuthAttempt at = a.attempts().stream().filter(x -> x.outcome() == Outcome.KERBEROS).findFirst().orElseThrow();
        assertEquals("cifs/dc1.contoso.com", at.spn());
        // the armored TGS-REP says WELLKNOWN/ANONYMOUS in the clear (RFC 6113 5.4.3): the user is the TGT's
        assertEquals("john@CONTOSO.COM", at.user());
        for (Step s : List.of(Step.NAME_RESOLUTION, Step.CONNECT, Step.TICKET_REQUEST, Step.TICKET, Step.AP_EXCHANGE,
                Step.AUTHORIZED)) {
            assertEquals(StepStatus.OK, at.step(s).status(), s + " " + at.steps());
        }
        assertTrue(at.step(Step.AUTHORIZED).note().contains("TREE_CONNECT \\\\dc1.contoso.com\\netlogon → STATUS_SUCCESS"),
                at.step(Step.AUTHORIZED).note());
    }

    /** GSS delegation refused (the TGT is not forwardable) is a warning: the session went on without it. */
    @Test
    void aForwardedTgtRefusedIsAWarningNamingTheUser() throws Exception {
        Analysis a = analyze();
        List<Finding> refused = withId(a, "kerberos.delegation-refused");
        assertEquals(1, refused.size(), a.findings().toString());
        Finding f = refused.get(0);
        assertEquals(Severity.WARNING, f.severity());
        assertEquals("The KDC refused to forward john@CONTOSO.COM's ticket-granting ticket (delegation to a service)",
                f.title());
        assertTrue(f.remediation().contains("kinit -f john@CONTOSO.COM"), f.remediation().toString());
        assertTrue(f.evidence().get(0).what().equals("TGS-REQ for krbtgt/CONTOSO.COM"), f.evidence().toString());
    }

    @Test
    void theWrongPasswordIsALogonFailure() throws Exception {
        Analysis a = analyze();
        List<Finding> failed = withId(a, "smb2.logon-failure");
        assertEquals(1, failed.size(), a.findings().toString());
        assertEquals(Severity.ERROR, failed.get(0).severity());
        assertTrue(failed.get(0).title().contains("CONTOSO\\john"), failed.get(0).title());
        // two NTLM sessions, the second refused: both AUTHENTICATE messages are john's
        assertEquals(List.of("CONTOSO\\john", "CONTOSO\\john"), a.events("ntlm").stream()
                .filter(e -> "AUTHENTICATE".equals(e.string("messageType")))
                .map(e -> e.string("domain") + "\\" + e.string("user")).toList());
    }

    @Test
    void kerberosInSmb2AsWiresharkReadsIt() throws Exception {
        Assumptions.assumeTrue(KerberosFacts.tshark() != null, "tshark is not installed");
        List<String> theirs = KerberosFacts.byTshark(CAPTURE);
        assertTrue(theirs.stream().anyMatch(l -> l.endsWith(" 14")), "tshark reads the AP-REQ in SESSION_SETUP: " + theirs);
        assertEquals(theirs, KerberosFacts.byAnalysis(analyze()));
    }
}
