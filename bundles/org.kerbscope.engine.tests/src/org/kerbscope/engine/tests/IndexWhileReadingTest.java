package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.net.bench.BigScenarioCapture;

/**
 * On one reading thread the flow helpers' DNS and Kerberos indexes are built as the messages are read, so the
 * diagnosis does not start with a pass over every message (on a large capture, one that reads back those kept in
 * temporary files). That the findings stay the same is {@link ThreadsTest}'s: several threads build them afterwards.
 */
class IndexWhileReadingTest {
    @TempDir
    Path dir;

    @Test
    void theDiagnosisFindsTheFlowIndexesBuiltByTheReading() throws IOException {
        Path busy = dir.resolve("busy.pcap");
        BigScenarioCapture.generate(UnionTest.labSamples(), busy, 2 << 20, 3, 0);
        for (String heap : new String[] {"default", "0"}) {
            AnalysisOptions options = heap.equals("default") ? AnalysisOptions.defaults()
                    : AnalysisOptions.defaults().withLimit(org.kerbscope.core.spi.Limits.EVENTS_HEAP, 0);
            Analysis a = new Analyzer(Registries.platform(), options, 1).read(busy, "busy", List.of(), Progress.NONE);
            assertTrue(a.events("dns").size() > 50 && a.events("kerberos").size() > 10, "DNS and Kerberos read");
            for (String key : new String[] {"flows.dns", "flows.kerberos"}) {
                assertNotNull(a.index(key, () -> {
                    throw new AssertionError(key + " was not built while reading (events.heap " + heap + ")");
                }));
            }
        }
    }
}
