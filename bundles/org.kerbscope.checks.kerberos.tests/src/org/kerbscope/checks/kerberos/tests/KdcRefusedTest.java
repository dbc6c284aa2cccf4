package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.lab.record.LabEndpoint;
import org.kerbscope.lab.record.Recorder;

/**
 * A domain controller whose KDC service is stopped: the client's TCP connections to port 88 are refused (RST), which
 * the lab's recorder writes as a real stack answers a SYN to a closed port.
 */
class KdcRefusedTest {
    private static final LabEndpoint KDC = new LabEndpoint("192.168.2.10", 88);

    private static List<Finding> kdcUnreachable(Path capture) throws Exception {
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(capture, capture.toString(),
                List.of(), Progress.NONE);
        return a.findings().stream().filter(f -> f.id().equals("kerberos.kdc-unreachable")).toList();
    }

    @Test
    void connectionsToAClosedPort88AreAKdcThatCannotBeReached(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("kdc-stopped.pcapng");
        try (Recorder r = new Recorder(capture, "the KDC service is stopped")) {
            r.refused(new LabEndpoint("192.168.2.101", 50100), KDC);
            r.refused(new LabEndpoint("192.168.2.101", 50101), KDC);
        }
        List<Finding> f = kdcUnreachable(capture);
        assertEquals(1, f.size(), f.toString());
        assertEquals(Severity.ERROR, f.get(0).severity());
        assertEquals("The KDC 192.168.2.10 refused Kerberos connections: TCP port 88 is closed", f.get(0).title());
        assertEquals(List.of("TCP SYN to 192.168.2.10:88: refused (RST)", "TCP SYN to 192.168.2.10:88: refused (RST)"),
                f.get(0).evidence().stream().map(Finding.Evidence::what).toList());
        assertTrue(f.get(0).remediation().contains("sc.exe \\\\192.168.2.10 query kdc"), f.get(0).remediation().toString());
    }

    @Test
    void oneRefusalIsAnAnswerEvenAtTheEndOfTheCapture(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("one-refusal.pcapng");
        try (Recorder r = new Recorder(capture, "one refused connection")) {
            r.refused(new LabEndpoint("192.168.2.101", 50100), KDC);
        }
        assertEquals(1, kdcUnreachable(capture).size());
    }
}
