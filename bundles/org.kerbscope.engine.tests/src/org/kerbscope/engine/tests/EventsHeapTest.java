package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.EventList;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.Limits;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.JsonReport;
import org.kerbscope.net.bench.BigScenarioCapture;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A capture whose messages do not fit the heap (the limit {@code events.heap}) is analysed with its events in
 * temporary files: the user gets exactly the document of an analysis that held them all, attempts and findings
 * included, on one thread or several.
 */
class EventsHeapTest {
    @TempDir
    Path dir;

    @Test
    void eventsInTemporaryFilesGiveTheSameDocument() throws IOException {
        Path busy = dir.resolve("busy.pcap");
        BigScenarioCapture.generate(UnionTest.labSamples(), busy, 24 << 20, 5, 0); // events past the reading buffer of a file

        Analysis held = analyze(busy, Limits.defaults().get(Limits.EVENTS_HEAP), 1);
        assertEquals(0, spilled(held), "the default holds a small capture's events");
        JsonNode expected = JsonReport.toJson(held);
        assertTrue(expected.get("findings").size() > 10 && expected.get("dns").size() > 100, "a capture with findings");
        for (long heap : new long[] {0, 64 << 10}) {
            for (int threads : new int[] {1, 3}) {
                Analysis a = analyze(busy, heap, threads);
                String what = "events.heap=" + heap + " on " + threads + " thread(s)";
                assertTrue(spilled(a) > (heap == 0 ? events(held) - 1 : 100), what + ": events in files " + spilled(a));
                JsonNode actual = JsonReport.toJson(a);
                for (String part : List.of("kerberos", "http", "ntlm", "dns", "attempts", "findings", "diagnostics")) {
                    assertEquals(expected.get(part), actual.get(part), what + ": '" + part + "'");
                }
                assertEquals(expected, actual, what);
            }
        }
    }

    @Test
    void whenTheFilesMayTakeNoMoreTheRestStaysInMemoryAndADiagnosticSaysSo() throws IOException {
        Path busy = dir.resolve("busy.pcap");
        BigScenarioCapture.generate(UnionTest.labSamples(), busy, 8 << 20, 9, 0);
        JsonNode expected = JsonReport.toJson(analyze(busy, Limits.defaults().get(Limits.EVENTS_HEAP), 1));
        for (int threads : new int[] {1, 3}) {
            // no heap for messages, and 64 KiB of disk for all the analysis' files: most bytes stay in memory
            AnalysisOptions options = AnalysisOptions.defaults().withLimit(Limits.EVENTS_HEAP, 0)
                    .withLimit(Limits.EVENTS_DISK, 64 << 10);
            Analysis a = new Analyzer(Registries.platform(), options, threads).analyze(busy, "busy.pcap", List.of(),
                    Progress.NONE);
            JsonNode actual = JsonReport.toJson(a);
            String what = threads + " thread(s)";
            for (String part : List.of("kerberos", "http", "ntlm", "dns", "attempts", "findings")) {
                assertEquals(expected.get(part), actual.get(part), what + ": nothing lost in '" + part + "'");
            }
            List<JsonNode> events = new java.util.ArrayList<>();
            actual.get("diagnostics").forEach(d -> {
                if ("events".equals(d.get("protocol").asText())) {
                    events.add(d);
                }
            });
            assertEquals(1, events.size(), what + ": one diagnostic " + events);
            String message = events.get(0).get("message").asText();
            assertTrue(message.contains("held in memory") && message.contains("the limit events.disk (64 KiB) was reached")
                    && message.contains("--limit events.disk=128K"), message);
            assertEquals(expected.get("diagnostics").size() + 1, actual.get("diagnostics").size(), what);
        }
    }

    private static long spilled(Analysis a) {
        long n = 0;
        for (List<Event> l : a.events().values()) {
            n += l instanceof EventList el ? el.spilledCount() : 0;
        }
        return n;
    }

    private static long events(Analysis a) {
        return a.events().values().stream().mapToLong(List::size).sum();
    }

    private static Analysis analyze(Path capture, long heap, int threads) throws IOException {
        AnalysisOptions options = AnalysisOptions.defaults().withLimit(Limits.EVENTS_HEAP, heap);
        return new Analyzer(Registries.platform(), options, threads).analyze(capture, "busy.pcap", List.of(),
                Progress.NONE);
    }
}
