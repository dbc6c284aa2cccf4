package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.Limits;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.internal.AttemptCap;
import org.kerbscope.net.bench.BigScenarioCapture;

/**
 * The cap on attempts per capture (limit {@code attempts.max}): the first attempts in frame order are kept and
 * checked, the rest are counted in one diagnostic that says how to raise the cap.
 */
class AttemptCapTest {
    @TempDir
    Path dir;

    /** An attempt whose only step cites one frame (what the cap orders by when an attempt has no events). */
    private static AuthAttempt attempt(int index, String service, long frame) {
        AuthAttempt at = new AuthAttempt(index, "192.168.2.1" + index, new Endpoint("192.168.2.10", 80), service);
        at.steps().add(new StepResult(Step.CONNECT, StepStatus.OK, List.of(frame), null));
        return at;
    }

    private static List<Diagnostic> capDiagnostics(Analysis a) {
        return a.diagnostics().stream().filter(d -> d.message().contains(Limits.ATTEMPTS_MAX)).toList();
    }

    @Test
    void theFirstAttemptsInFrameOrderAreKeptRenumberedAndTheRestCounted() {
        Analysis a = new Analysis();
        // two services' attempts, each service in its own frame order, interleaved in the capture
        a.attempts().addAll(List.of(attempt(0, "http", 100), attempt(1, "http", 300), attempt(2, "ldap", 50),
                attempt(3, "ldap", 200)));
        assertEquals(2, AttemptCap.apply(a, 2));
        assertEquals(List.of("http@100", "ldap@50"), a.attempts().stream()
                .map(at -> at.service() + "@" + at.steps().get(0).frames().get(0)).toList());
        assertEquals(List.of(0, 1), a.attempts().stream().map(AuthAttempt::index).toList(), "index = position");
        List<Diagnostic> d = capDiagnostics(a);
        assertEquals(1, d.size(), a.diagnostics()::toString);
        String m = d.get(0).message();
        assertTrue(m.startsWith("4 authentication attempts were found"), m);
        assertTrue(m.contains("2 attempts from frame 200 on were dropped"), m);
        assertTrue(m.contains("--limit attempts.max=4"), m);

        // diagnose runs again after evidence is added: still one diagnostic, not two
        a.attempts().add(attempt(2, "ldap", 400));
        assertEquals(1, AttemptCap.apply(a, 2));
        assertEquals(1, capDiagnostics(a).size(), a.diagnostics()::toString);
    }

    @Test
    void underTheCapNothingChanges() {
        Analysis a = new Analysis();
        AuthAttempt first = attempt(0, "http", 10);
        a.attempts().addAll(List.of(first, attempt(1, "http", 20)));
        assertEquals(0, AttemptCap.apply(a, 2));
        assertSame(first, a.attempts().get(0));
        assertEquals(2, a.attempts().size());
        assertEquals(List.of(), a.diagnostics());
    }

    private static long firstFrame(AuthAttempt at) {
        return at.events().stream().mapToLong(e -> e.frame()).min().orElse(Long.MAX_VALUE);
    }

    private static Set<String> perAttemptFindings(Analysis a) {
        Set<String> s = new TreeSet<>();
        for (Finding f : a.findings()) {
            if (f.attempt() >= 0) {
                s.add(f.id() + " @ " + firstFrame(a.attempts().get(f.attempt())));
            }
        }
        return s;
    }

    @Test
    void aLowCapSetThroughTheOptionsIsHonouredAndReported() throws IOException {
        Path capture = dir.resolve("many.pcap");
        BigScenarioCapture.generate(List.of(UnionTest.root().resolve("bundles/org.kerbscope.lab/samples/ntlm-fallback.pcapng")),
                capture, 1 << 20, 21, 0);
        Analysis all = new Analyzer(Registries.platform(), AnalysisOptions.defaults())
                .analyze(capture, "many", List.of(), Progress.NONE);
        int n = all.attempts().size();
        assertTrue(n >= 4, n + " attempts: too few for the test");
        assertEquals(List.of(), capDiagnostics(all), "the default cap is not reached");

        int cap = n / 2;
        Analysis capped = new Analyzer(Registries.platform(), AnalysisOptions.defaults().withLimit(Limits.ATTEMPTS_MAX, cap))
                .analyze(capture, "many", List.of(), Progress.NONE);
        assertEquals(cap, capped.attempts().size());
        List<Diagnostic> d = capDiagnostics(capped);
        assertEquals(1, d.size(), capped.diagnostics()::toString);
        assertTrue(d.get(0).message().contains((n - cap) + " attempts from frame"), d.get(0).message());
        assertTrue(d.get(0).message().contains("--limit attempts.max=" + 2 * cap), d.get(0).message());

        // the kept attempts are the first ones in frame order
        List<Long> firstFrames = new ArrayList<>(all.attempts().stream().map(AttemptCapTest::firstFrame).toList());
        firstFrames.sort(Comparator.naturalOrder());
        assertEquals(firstFrames.subList(0, cap),
                capped.attempts().stream().map(AttemptCapTest::firstFrame).sorted().toList());
        // the checks ran on them, and found what they find on the same attempts uncapped
        Set<String> kept = perAttemptFindings(capped);
        assertTrue(!kept.isEmpty(), "no finding on the kept attempts");
        long last = firstFrames.get(cap - 1);
        Set<String> expected = new TreeSet<>();
        for (String f : perAttemptFindings(all)) {
            if (Long.parseLong(f.substring(f.indexOf(" @ ") + 3)) <= last) {
                expected.add(f);
            }
        }
        assertEquals(expected, kept);
    }
}
