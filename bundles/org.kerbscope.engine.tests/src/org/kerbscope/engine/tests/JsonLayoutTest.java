package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.CaptureInfo;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.JsonReport;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The document {@code kerbscope analyze --format json} prints is laid out exactly as Jackson's default pretty printer
 * lays it out (the printer it uses encodes the indentation once per level, and events write their times and
 * endpoints without strings of their own), and its events read exactly as their fields say.
 */
class JsonLayoutTest {
    /** The document as Jackson's object mapper and its default pretty printer lay it out. */
    private static String expected(Analysis a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JsonReport.mapper().writerWithDefaultPrettyPrinter().createGenerator(out)) {
            JsonReport.write(a, g);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The document as {@code kerbscope analyze --format json} writes it. */
    private static String actual(Analysis a) throws IOException {
        return written(a, true);
    }

    private static String written(Analysis a, boolean pretty) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JsonReport.generator(out, pretty)) {
            JsonReport.write(a, g);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyLabSampleIsLaidOutAsByTheDefaultPrettyPrinter() throws IOException {
        List<Path> samples = UnionTest.labSamples();
        assertTrue(samples.size() >= 10, "lab samples: " + samples);
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults(), 1);
        for (Path p : samples) {
            Analysis a = analyzer.analyze(p, p.getFileName().toString(), List.of(), Progress.NONE);
            String expected = expected(a);
            assertTrue(expected.contains("\"findings\" : [ {"), p + ": a document with findings");
            assertEquals(expected, actual(a), p.getFileName().toString());
            // --format jsonl: the same document on one line, as the object mapper writes it
            String line = written(a, false);
            assertEquals(JsonReport.mapper().writeValueAsString(JsonReport.mapper().readTree(expected)), line);
            assertTrue(!line.contains("\n"), p.getFileName() + ": one line");
        }
    }

    @Test
    void endpointsTimesNestedValuesAndEmptyContainersAsTheDefaultPrinterAndTheModelWriteThem() throws IOException {
        Analysis a = new Analysis();
        a.setCapture(new CaptureInfo("t.pcap", "pcap", 4, 1_764_000_000_123_000_000L, 1_764_000_009_000_000_001L));
        Endpoint[][] pairs = {
            {new Endpoint("10.0.0.1", 0), new Endpoint("192.168.255.255", 65535)},
            {new Endpoint("2001:db8::1", 88), new Endpoint("fe80::1%eth0", 49152)},
            {new Endpoint("::", 7), new Endpoint("10.1.2.3", 100_000)}, // a port no transport has: as the model says
            {new Endpoint("x".repeat(200), 1), new Endpoint("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 9)},
            {new Endpoint("10.9.9.9", -1), new Endpoint("", 53)},
        };
        long t = 1_764_000_000_000_000_000L;
        long[] times = {t, t + 1, t + 120_000_000, t + 120_500_000, t + 999_999_999, -1, 0};
        for (int i = 0; i < pairs.length; i++) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("msgType", "TGS-REQ");
            f.put("etypes", List.of(18, 17, 23));
            f.put("empty", List.of());
            f.put("nested", Map.of("a", List.of(Map.of("b", Map.of())), "quote\"", "tab\tand\u00e9"));
            f.put("flag", i % 2 == 0);
            f.put("big", Long.MAX_VALUE - i);
            f.put("none", null);
            a.add(new Event("kerberos", i + 1, times[i % times.length], pairs[i][0], pairs[i][1], f));
        }
        a.add(new Event("dns", 9, times[5], null, null, Map.of()));
        a.add(new Event("dns", 10, times[6], new Endpoint("10.0.0.2", 53), new Endpoint("10.0.0.3", 5353), Map.of()));

        String expected = expected(a);
        String actual = actual(a);
        assertEquals(expected, actual);
        var doc = JsonReport.mapper().readTree(actual);
        for (int i = 0; i < pairs.length; i++) {
            var e = doc.get("kerberos").get(i);
            assertEquals(pairs[i][0].toString(), e.get("src").asText(), "src of event " + i);
            assertEquals(pairs[i][1].toString(), e.get("dst").asText(), "dst of event " + i);
            assertEquals(JsonReport.time(times[i % times.length]), e.get("time").asText(), "time of event " + i);
        }
        assertEquals("[2001:db8::1]:88", doc.get("kerberos").get(1).get("src").asText());
        assertEquals("1969-12-31T23:59:59.999999999Z", doc.get("dns").get(0).get("time").asText());
        assertTrue(doc.get("dns").get(0).get("src") == null, "an event without endpoints has none");
    }

    @Test
    void objectsNestedDeeperThanTheLevelsEncodedAhead() throws IOException {
        Object v = List.of();
        for (int i = 0; i < 40; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("level" + i, v);
            m.put("n", i);
            v = m;
        }
        Analysis a = new Analysis();
        a.add(new Event("kerberos", 1, 0, null, null, Map.of("deep", v)));
        String expected = expected(a);
        assertTrue(expected.contains("\n" + "  ".repeat(40) + "\"level"), "a deep document");
        assertEquals(expected, actual(a));
    }
}
