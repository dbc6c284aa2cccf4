package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Frame;
import org.kerbscope.core.registry.DissectorContribution;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.DecodeAsRules;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.JsonReport;

/**
 * Decode-as rules: a service on a port of its own is dissected only with one, and a rule the installed dissectors
 * cannot apply is refused with the reason instead of being ignored.
 */
class DecodeAsTest {
    @TempDir
    Path dir;

    private static final List<DissectorContribution> DISSECTORS = Registries.platform().dissectors();

    @Test
    void aNameServerOnAPortOfItsOwnIsReadOnlyWithARule() throws IOException {
        Path sample = UnionTest.sample("spn-unknown.pcapng");
        Path moved = dir.resolve("dns-on-5300.pcap");
        withUdpPortMoved(sample, 53, 5300).write(moved);

        JsonNode plain = document(sample, Map.of());
        JsonNode without = document(moved, Map.of());
        JsonNode with = document(moved, DecodeAsRules.parse(List.of("udp.port=5300:dns"), DISSECTORS));

        assertTrue(plain.get("dns").size() >= 2, "the sample resolves the service's name: " + plain.get("dns"));
        assertEquals(0, without.get("dns").size(), "port 5300 is nobody's: " + without.get("dns"));
        assertEquals("not-seen", step(without, "name-resolution").get("status").asText());
        assertEquals(plain.get("dns").size(), with.get("dns").size(), with.get("dns").toString());
        for (int i = 0; i < plain.get("dns").size(); i++) {
            JsonNode p = plain.get("dns").get(i), w = with.get("dns").get(i);
            assertEquals(p.get("frame"), w.get("frame"));
            assertEquals(p.get("name"), w.get("name"));
            assertEquals(p.get("answers"), w.get("answers"));
            assertTrue(w.get("src").asText().endsWith(":5300") || w.get("dst").asText().endsWith(":5300"), w.toString());
        }
        assertEquals(step(plain, "name-resolution").get("status"), step(with, "name-resolution").get("status"));
        assertEquals(step(plain, "name-resolution").get("frames"), step(with, "name-resolution").get("frames"));
    }

    @Test
    void rulesAreReadAsWiresharkWritesThem() {
        assertEquals(Map.of("udp.port=60088", "kerberos"), DecodeAsRules.parse(List.of("udp.port=60088:kerberos"), DISSECTORS));
        // spaces around the parts and leading zeros in a port are what a hand-typed rule has
        assertEquals(Map.of("tcp.port=8081", "http"), DecodeAsRules.parse(List.of(" tcp.port = 08081 : http "), DISSECTORS));
        // a later rule for the same port wins
        assertEquals(Map.of("tcp.port=8081", "kerberos"),
                DecodeAsRules.parse(List.of("tcp.port=8081:http", "tcp.port=8081:kerberos"), DISSECTORS));
        // stored rules: those a plug-in no longer installed cannot apply are passed over, the others kept
        assertEquals(Map.of("udp.port=60088", "kerberos"),
                DecodeAsRules.applicable(List.of("tcp.port=445:smb3", "udp.port=60088:kerberos", "garbage"), DISSECTORS));
        assertNull(DecodeAsRules.problem("udp.port=0:dns", DISSECTORS));
        assertNull(DecodeAsRules.problem("udp.port=65535:dns", DISSECTORS));
    }

    @Test
    void aRuleTheDissectorsCannotApplySaysWhy() {
        String noSuch = DecodeAsRules.problem("tcp.port=8080:kerbros", DISSECTORS);
        assertTrue(noSuch.startsWith("'tcp.port=8080:kerbros': no dissector 'kerbros' is installed ("), noSuch);
        assertTrue(noSuch.contains("kerberos") && noSuch.contains("http") && noSuch.contains("dns"), noSuch);
        String table = DecodeAsRules.problem("sctp.port=88:kerberos", DISSECTORS);
        assertTrue(table.startsWith("'sctp.port=88:kerberos': no table 'sctp.port' (") && table.contains("udp.port"), table);
        for (String port : List.of("99999", "65536", "-1", "http", "8 0")) {
            String p = DecodeAsRules.problem("tcp.port=" + port + ":http", DISSECTORS);
            assertEquals("'tcp.port=" + port + ":http': a port is a number from 0 to 65535, not '" + port + "'", p);
        }
        for (String bad : List.of("garbage", "udp.port:kerberos", "=88:kerberos", "udp.port=:kerberos", "udp.port=88:", "")) {
            String p = DecodeAsRules.problem(bad, DISSECTORS);
            assertEquals("'" + bad + "' is not TABLE=KEY:PROTOCOL (e.g. udp.port=60088:kerberos)", p);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DecodeAsRules.parse(List.of("udp.port=60088:kerberos", "udp.port=60089:krb"), DISSECTORS));
        assertTrue(e.getMessage().startsWith("'udp.port=60089:krb': no dissector 'krb'"), e.getMessage());
    }

    private static JsonNode document(Path capture, Map<String, String> rules) throws IOException {
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults().withDecodeAs(rules));
        return JsonReport.toJson(analyzer.analyze(capture, "capture", List.of(), Progress.NONE));
    }

    private static JsonNode step(JsonNode document, String name) {
        for (JsonNode s : document.get("attempts").get(0).get("steps")) {
            if (s.get("step").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + document.get("attempts").get(0));
    }

    /** The sample's Ethernet frames as a libpcap file, UDP port {@code from} (either end) changed to {@code to}. */
    private static TestCapture withUdpPortMoved(Path sample, int from, int to) throws IOException {
        TestCapture out = new TestCapture();
        try (CaptureFile f = CaptureFile.open(sample); CaptureReader r = f.reader()) {
            for (Frame fr = r.next(); fr != null; fr = r.next()) {
                byte[] p = new byte[fr.capturedLength()];
                fr.data().get(0, p);
                ByteBuffer b = ByteBuffer.wrap(p);
                if (p.length >= 14 + 20 + 8 && b.getShort(12) == 0x0800 && p[14 + 9] == 17) {
                    int udp = 14 + (p[14] & 15) * 4;
                    for (int at : new int[] {udp, udp + 2}) {
                        if ((b.getShort(at) & 0xffff) == from) {
                            b.putShort(at, (short) to);
                        }
                    }
                    b.putShort(udp + 6, (short) 0); // no checksum (RFC 768): the old one no longer holds
                }
                out.ethernet(p);
            }
        }
        return out;
    }
}
