package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.JsonReport;

/**
 * A DNS response that reached a client whose port had closed (it had given up waiting): the client answers with ICMP
 * port unreachable quoting it. Wireshark lists the quoted response at the ICMP frame; so does the JSON document, marked
 * {@code icmpQuote}, while the analysis' messages hold the response once and the quote adds no diagnostic.
 */
class IcmpQuoteTest {
    private static final byte[] CLIENT = {10, 0, 0, 7};

    /** A response for iisserver.contoso.com A 192.168.2.104 (RFC 1035 4.1), the answer's name a pointer to the question's. */
    private static byte[] dnsResponse() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x12, 0x34, (byte) 0x81, (byte) 0x80, 0, 1, 0, 1, 0, 0, 0, 0});
        for (String label : "iisserver.contoso.com".split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes(new byte[] {0, 0, 1, 0, 1});
        b.writeBytes(new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, (byte) 192, (byte) 168, 2, 104});
        return b.toByteArray();
    }

    @Test
    void aQuotedResponseIsListedAtTheIcmpFrameAndReadOnce(@TempDir Path dir) throws Exception {
        TestCapture c = new TestCapture();
        c.udp(TestCapture.SERVER, 53, CLIENT, 53000, dnsResponse());
        c.icmpUnreachable(CLIENT, TestCapture.SERVER, 3, 53, 53000, dnsResponse());
        Path capture = c.write(dir.resolve("late-response.pcap"));
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(capture, "late-response.pcap",
                List.of(), Progress.NONE);
        assertEquals(1, a.events("dns").size(), a.events("dns").toString());
        assertEquals(1, a.quoted().size(), a.quoted().toString());
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
            JsonReport.write(a, g);
        }
        JsonNode dns = new ObjectMapper().readTree(out.toByteArray()).get("dns");
        assertEquals(2, dns.size(), dns.toString());
        for (int i = 0; i < 2; i++) {
            JsonNode d = dns.get(i);
            assertEquals(i + 1, d.get("frame").asInt());
            assertEquals("response", d.get("kind").asText());
            assertEquals("iisserver.contoso.com", d.get("name").asText());
            assertEquals("192.168.2.104", d.get("answers").get(0).asText());
            assertEquals("192.168.2.10:53", d.get("src").asText(), "the quoted response's own endpoints");
        }
        assertTrue(!dns.get(0).has("icmpQuote"));
        assertTrue(dns.get(1).get("icmpQuote").asBoolean());
    }
}
