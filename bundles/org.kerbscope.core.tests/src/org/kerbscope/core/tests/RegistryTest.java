package org.kerbscope.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.PcapngWriter;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.registry.Contribution;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.EvidenceInput;
import org.kerbscope.engine.Progress;

/**
 * The contribution registry in a running platform: this bundle's plugin.xml contributes one good and one broken
 * contribution to each point. The good ones are found and work; the broken ones are logged, remembered and
 * skipped; nothing else breaks.
 */
class RegistryTest {

    private static <C extends Contribution<?>> C byId(List<C> list, String id) {
        Optional<C> c = list.stream().filter(x -> id.equals(x.id())).findFirst();
        assertTrue(c.isPresent(), "contribution " + id + " is registered");
        return c.get();
    }

    @Test
    void goodContributionsAreFoundAndBrokenOnesSkipped() {
        Registries r = Registries.platform();
        var good = byId(r.dissectors(), "test-good");
        assertEquals("org.kerbscope.core.tests", good.contributor());
        assertEquals(List.of(java.util.Map.entry("udp.port", "40404")), good.tables());
        assertNotNull(good.get(), "a good dissector is created");

        var missing = byId(r.dissectors(), "test-missing");
        assertNull(missing.get(), "a dissector whose class is missing yields nothing");
        assertTrue(missing.failure().contains("NoSuchDissector"), missing.failure());

        var broken = byId(r.services(), "test-broken");
        assertNull(broken.get());
        assertTrue(broken.failure().contains("constructor"), broken.failure());
        assertNotNull(byId(r.services(), "test-good").get());

        assertNotNull(byId(r.checks(), "test.good").get());
        assertNull(byId(r.checks(), "test.missing").get());
        assertNotNull(byId(r.importers(), "test-good").get());
        assertNull(byId(r.importers(), "test-broken").get());

        assertTrue(r.broken().stream().anyMatch(c -> "test-missing".equals(c.id())));
        assertTrue(r.broken().stream().anyMatch(c -> "test-broken".equals(c.id())));
        // the product's own contributions are there too
        assertTrue(r.dissectors().size() >= 3);
    }

    /** A capture with datagrams to the good (40404) and the throwing (40406) test dissectors. */
    private static Path capture(Path dir) throws Exception {
        Path f = dir.resolve("test.pcapng");
        try (OutputStream out = Files.newOutputStream(f); PcapngWriter w = new PcapngWriter(out, 1, 65535)) {
            long t = 1_700_000_000_000_000_000L;
            w.write(t, udp(40404, "hello".getBytes()), 42 + 5, null);
            w.write(t + 1_000_000, udp(40406, "boom".getBytes()), 42 + 4, null);
            w.write(t + 2_000_000, udp(40404, "again!".getBytes()), 42 + 6, null);
        }
        return f;
    }

    /** Ethernet II + IPv4 + UDP from 10.0.0.1:5555 to 10.0.0.2:port (RFC 791 / 768 layouts). */
    static byte[] udp(int port, byte[] payload) {
        byte[] b = new byte[14 + 20 + 8 + payload.length];
        b[12] = 0x08;
        b[14] = 0x45;
        int ipLen = 20 + 8 + payload.length;
        b[16] = (byte) (ipLen >> 8);
        b[17] = (byte) ipLen;
        b[22] = 64;
        b[23] = 17;
        b[26] = 10; b[29] = 1;
        b[30] = 10; b[33] = 2;
        int sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        b[24] = (byte) (~sum >> 8);
        b[25] = (byte) ~sum;
        b[34] = (byte) (5555 >> 8); b[35] = (byte) 5555;
        b[36] = (byte) (port >> 8); b[37] = (byte) port;
        b[38] = (byte) ((8 + payload.length) >> 8); b[39] = (byte) (8 + payload.length);
        System.arraycopy(payload, 0, b, 42, payload.length);
        return b;
    }

    @Test
    void aBrokenPluginCannotTakeTheAnalysisDown(@TempDir Path dir) throws Exception {
        Path cap = capture(dir);
        Path ev = dir.resolve("notes.testev");
        Files.writeString(ev, "user=john\nnot a pair\n");
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults());
        Analysis a = analyzer.analyze(cap, "test.pcapng", List.of(new EvidenceInput("test", ev)), Progress.NONE);

        List<Event> events = a.events("test");
        assertEquals(2, events.size(), "the good dissector read both of its datagrams");
        assertEquals(5, events.get(0).integer("length", -1));
        assertEquals(3, events.get(1).frame(), "frame numbers follow the file");
        assertTrue(a.diagnostics().stream().anyMatch(d -> d.frame() == 2 && d.message().contains("failed")),
                "the throwing dissector's failure is a diagnostic on its frame: " + a.diagnostics());
        assertEquals(2, a.attempts().stream().filter(x -> "test-good".equals(x.service())).count());
        assertEquals(2, a.findings().stream().filter(f -> "test.good".equals(f.id())).count(),
                "the good check still ran after the throwing one");
        var throwing = byId(Registries.platform().checks(), "test.throws");
        assertNotNull(throwing.failure(), "the check that threw while running is remembered as broken");
        assertTrue(a.diagnostics().stream().anyMatch(d -> d.message().startsWith("the check '" + throwing.name() + "'")
                && d.message().contains("findings are missing")),
                "the analysis says that the check failed on it: " + a.diagnostics());
        assertEquals(1, a.evidence("test").size());
        assertEquals(1, a.evidenceFiles().get(0).diagnostics().size(), "the unreadable evidence line is a diagnostic");
    }
}
