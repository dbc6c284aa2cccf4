package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.lab.Scenario;

/**
 * Every lab scenario's sample capture (made by a real KDC, DNS and SPNEGO web server) is diagnosed as its story
 * says: the attempt's outcome, the step where it broke, and the finding ids.
 */
class LabScenariosTest {

    static Path samples() {
        return org.kerbscope.testing.RepoFiles.find("bundles/org.kerbscope.lab/samples");
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void theSampleIsDiagnosedAsItsStorySays(Scenario scenario) throws Exception {
        Path capture = samples().resolve(scenario.id() + ".pcapng");
        assertTrue(Files.isRegularFile(capture), "sample " + capture);
        // the keytab the lab wrote beside the capture, given as a user gives --keytab (read in place)
        Path keytab = samples().resolve(scenario.id() + ".keytab");
        AnalysisOptions options = Files.isRegularFile(keytab) ? AnalysisOptions.defaults().withKeytabs(List.of(keytab))
                : AnalysisOptions.defaults();
        Analysis a = new Analyzer(Registries.platform(), options).analyze(capture, capture.toString(), List.of(), Progress.NONE);
        AuthAttempt at = a.attempts().stream().filter(x -> x.failedStep() != null).findFirst()
                .orElse(a.attempts().isEmpty() ? null : a.attempts().get(0));
        assertNotNull(at, scenario.id() + ": an attempt");
        assertEquals(scenario.outcome(), at.outcome(), scenario.id() + ": outcome; steps " + at.steps());
        assertEquals(scenario.failingStep().orElse(null), at.failedStep() == null ? null : at.failedStep().step(),
                scenario.id() + ": failing step; steps " + at.steps());
        Set<String> ids = new TreeSet<>();
        for (Finding f : a.findings()) {
            ids.add(f.id());
        }
        assertTrue(ids.containsAll(scenario.findings()), scenario.id() + ": findings " + ids + " should include " + scenario.findings());
        // an error names the attempt it broke (the flow view shows its title beside that attempt's outcome), also
        // where the client asked again for the ticket the KDC refused and the attempt cites the second exchange
        for (Finding f : a.findings()) {
            if (f.severity().id().equals("error")) {
                assertEquals(at.index(), f.attempt(), scenario.id() + ": " + f.id() + " tied to the attempt; steps " + at.steps());
            }
        }
        if (scenario.findings().isEmpty()) {
            assertTrue(a.findings().stream().noneMatch(f -> f.severity().id().equals("error")), scenario.id() + ": no error " + ids);
        }
    }
}
