package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.JsonReport;
import org.kerbscope.net.bench.BigScenarioCapture;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading a capture on several threads (each dissects the flows of its share of the clients) must give exactly
 * what one thread gives: the same events in the same order, connection facts, diagnostics, attempts and findings,
 * down to the JSON document a user gets from {@code kerbscope analyze}.
 */
class ThreadsTest {
    @TempDir
    Path dir;

    @Test
    void aBusyCaptureReadsTheSameOnOneTwoAndThreeThreads() throws IOException {
        List<Path> all = UnionTest.labSamples();
        assertTrue(all.size() >= 10, "lab samples: " + all);
        // every scenario, replayed by many clients among TLS, SMB, HTTP downloads and DNS noise
        Path busy = dir.resolve("busy.pcap");
        BigScenarioCapture.generate(all, busy, 6 << 20, 5, 0);

        JsonNode one = json(busy, 1);
        assertTrue(one.get("attempts").size() >= 20, "attempts on one thread: " + one.get("attempts").size());
        assertTrue(one.get("dns").size() > 100 && one.get("kerberos").size() > 20 && one.get("http").size() > 20,
                "events of every kind");
        for (int threads : new int[] {2, 3}) {
            JsonNode many = json(busy, threads);
            for (String part : names(one)) {
                assertSame(one.get(part), many.get(part), "'" + part + "' on " + threads + " threads");
            }
            assertEquals(names(one), names(many), "the arrays and their order on " + threads + " threads");
        }
    }

    @Test
    void everyLabSampleReadsTheSameOnTwoThreads() throws IOException {
        for (Path p : UnionTest.labSamples()) {
            JsonNode one = json(p, 1), two = json(p, 2);
            for (String part : names(one)) {
                assertSame(one.get(part), two.get(part), p.getFileName() + ": '" + part + "'");
            }
            assertEquals(names(one), names(two), p.getFileName() + ": the arrays and their order");
        }
    }

    /** Equal JSON; when not, the message shows the first element that differs, not the whole array. */
    private static void assertSame(JsonNode expected, JsonNode actual, String what) {
        if (expected.isArray() && actual != null && actual.isArray()) {
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                assertEquals(expected.get(i), actual.get(i), what + ", element " + i);
            }
            assertEquals(expected.size(), actual.size(), what + ": number of elements");
        } else {
            assertEquals(expected, actual, what);
        }
    }

    private static List<String> names(JsonNode doc) {
        List<String> names = new ArrayList<>();
        doc.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode json(Path capture, int threads) throws IOException {
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults(), threads);
        Analysis a = analyzer.analyze(capture, capture.getFileName().toString(), List.of(), Progress.NONE);
        return JsonReport.toJson(a);
    }
}
