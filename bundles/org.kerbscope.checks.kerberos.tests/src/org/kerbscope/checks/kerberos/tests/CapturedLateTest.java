package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.testing.CaptureCuts;

/**
 * A capture started after the browser's first request: the lab's successful logon from its second GET (the one with
 * the Kerberos AP-REQ) on, which the site answers 200; the page's favicon follows without credentials, as browsers
 * send it on a connection already authenticated.
 */
class CapturedLateTest {
    @TempDir
    Path dir;

    @Test
    void aRequestWithoutCredentialsAfterTheLogonIsNotTheAnonymousFirstOne() throws Exception {
        Path sample = LabScenariosTest.samples().resolve("success-udp.pcapng");
        long firstKept = CaptureCuts.firstHolding(sample, "Authorization: Negotiate");
        assertTrue(firstKept > 0, "the sample has the AP-REQ's request");
        Path late = CaptureCuts.keep(sample, dir.resolve("success-udp-from-the-ap-req.pcapng"), n -> n >= firstKept);
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(late, "late", List.of(),
                Progress.NONE);
        AuthAttempt at = a.attempts().stream().filter(x -> "http".equals(x.service())).findFirst().orElseThrow();
        assertEquals(Outcome.KERBEROS, at.outcome(), at.steps().toString());
        StepResult anon = at.step(Step.ANONYMOUS_REQUEST);
        assertEquals(StepStatus.NOT_APPLICABLE, anon.status(), anon.toString());
        assertEquals(List.of(1L), anon.frames(), "the first request of the capture, which carries the AP-REQ");
        assertEquals("the client sent credentials with its first request", anon.note());
        assertEquals(StepStatus.OK, at.step(Step.AP_EXCHANGE).status(), at.steps().toString());
        assertEquals(StepStatus.OK, at.step(Step.AUTHORIZED).status(), at.steps().toString());
        assertTrue(a.events("http").stream().anyMatch(e -> "/favicon.ico".equals(e.string("uri"))
                && !e.fields().containsKey("authorization")), "the favicon's request without credentials is there");
    }

    /**
     * The same logon stopped right after the TGS-REQ, then right after the AP-REQ: the capture ends milliseconds later,
     * too soon to say that the KDC or the site did not answer.
     */
    @Test
    void aCaptureStoppedRightAfterARequestDoesNotBlameTheServer() throws Exception {
        Path sample = LabScenariosTest.samples().resolve("success-udp.pcapng");
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults());

        AuthAttempt tgs = httpAttempt(analyzer, until(sample, "tgs.pcapng", "\u001b\u0004HTTP\u001b"));
        assertEquals(StepStatus.OK, tgs.step(Step.TICKET_REQUEST).status(), tgs.steps().toString());
        StepResult ticket = tgs.step(Step.TICKET);
        assertEquals(StepStatus.NOT_SEEN, ticket.status(), ticket.toString());
        assertEquals("the capture ends 0 ms after the request, before any answer from the KDC", ticket.note());

        AuthAttempt ap = httpAttempt(analyzer, until(sample, "ap.pcapng", "Authorization: Negotiate"));
        StepResult authorized = ap.step(Step.AUTHORIZED);
        assertEquals(StepStatus.NOT_SEEN, authorized.status(), authorized.toString());
        assertEquals("the capture ends 0 ms after the authenticated request, before the site answered",
                authorized.note());
    }

    /**
     * The sample up to the first frame holding {@code text}, that frame included (a TGS-REQ's sname: the GeneralString
     * "HTTP" followed by another).
     */
    private Path until(Path sample, String name, String text) throws Exception {
        long last = CaptureCuts.firstHolding(sample, text);
        assertTrue(last > 0, sample + " holds " + text);
        return CaptureCuts.keep(sample, dir.resolve(name), n -> n <= last);
    }

    private static AuthAttempt httpAttempt(Analyzer analyzer, Path capture) throws Exception {
        Analysis a = analyzer.analyze(capture, capture.getFileName().toString(), List.of(), Progress.NONE);
        return a.attempts().stream().filter(x -> "http".equals(x.service())).findFirst().orElseThrow(
                () -> new AssertionError("no HTTP attempt in " + capture + ": " + a.attempts()));
    }
}
