package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
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
 * Step 1 of the guide when the DNS server never answers (it is down, or port 53 is blocked): the client's lookups go
 * out, repeated, and nothing comes back. DNS messages written here after RFC 1035 4.1, recorded by the lab's recorder.
 */
class UnansweredDnsTest {
    private static final LabEndpoint DNS = new LabEndpoint("192.168.2.10", 53);
    private static final LabEndpoint OTHER_DNS = new LabEndpoint("10.0.0.1", 53);
    private static final LabEndpoint CLIENT = new LabEndpoint("192.168.2.101", 53001);

    private static void query(Recorder r, LabEndpoint server, int id, String n, int type) {
        byte[] q = DcLocatorTest.name(n);
        ByteBuffer m = ByteBuffer.allocate(12 + q.length + 4);
        m.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putInt(0).put(q)
                .putShort((short) type).putShort((short) 1);
        r.udp(CLIENT, server, m.array(), 0, m.capacity());
    }

    /** The answer to a query for {@code n}: one A record, 192.168.2.104. */
    private static void answer(Recorder r, LabEndpoint server, int id, String n) {
        byte[] q = DcLocatorTest.name(n);
        ByteBuffer m = ByteBuffer.allocate(12 + q.length + 4 + 16);
        m.putShort((short) id).putShort((short) 0x8180).putShort((short) 1).putShort((short) 1).putInt(0).put(q)
                .putShort((short) 1).putShort((short) 1).putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1)
                .putInt(600).putShort((short) 4).put(new byte[] {(byte) 192, (byte) 168, 2, 104});
        r.udp(server, CLIENT, m.array(), 0, m.capacity());
    }

    private static List<Finding> findings(Path capture, String id) throws Exception {
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(capture, capture.toString(),
                List.of(), Progress.NONE);
        return a.findings().stream().filter(f -> f.id().equals(id)).toList();
    }

    private static List<String> evidence(Finding f) {
        return f.evidence().stream().map(Finding.Evidence::what).toList();
    }

    @Test
    void aServerThatAnswersNothingFailsStepOneAndTheDcLocator(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("silent-dns.pcapng");
        try (Recorder r = new Recorder(capture, "the DNS server does not answer")) {
            query(r, DNS, 1, "web.contoso.com", 1);
            query(r, DNS, 2, "web.contoso.com", 28);
            query(r, DNS, 3, "web.contoso.com", 1);
            query(r, DNS, 4, "_ldap._tcp.dc._msdcs.contoso.com", 33);
            query(r, DNS, 5, "_ldap._tcp.dc._msdcs.contoso.com", 33);
        }
        List<Finding> dns = findings(capture, "dns.name-not-resolved");
        assertEquals(1, dns.size(), dns.toString());
        assertEquals(Severity.ERROR, dns.get(0).severity());
        assertEquals("The DNS server 192.168.2.10 does not answer: web.contoso.com not resolved", dns.get(0).title());
        assertEquals(List.of("DNS query for web.contoso.com from 192.168.2.101: no response (3 queries)"),
                evidence(dns.get(0)));
        assertTrue(dns.get(0).remediation().contains("Test-NetConnection -ComputerName 192.168.2.10 -Port 53"), dns.get(0).remediation().toString());
        List<Finding> dc = findings(capture, "dns.dc-not-found");
        assertEquals(1, dc.size(), dc.toString());
        assertEquals(List.of("SRV _ldap._tcp.dc._msdcs.contoso.com: no response from 192.168.2.10 (2 queries)"),
                evidence(dc.get(0)));
    }

    @Test
    void aCaptureStoppedRightAfterOneQuerySaysNothingOfItsAnswer(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("cut.pcapng");
        try (Recorder r = new Recorder(capture, "stopped after the query")) {
            query(r, DNS, 1, "web.contoso.com", 1);
        }
        assertEquals(List.of(), findings(capture, "dns.name-not-resolved"));
    }

    @Test
    void aNameAnotherServerResolvedIsNoFinding(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("second-server.pcapng");
        try (Recorder r = new Recorder(capture, "the first server is silent, the second answers")) {
            query(r, OTHER_DNS, 1, "web.contoso.com", 1);
            query(r, OTHER_DNS, 2, "web.contoso.com", 1);
            query(r, DNS, 3, "web.contoso.com", 1);
            answer(r, DNS, 3, "web.contoso.com");
        }
        assertEquals(List.of(), findings(capture, "dns.name-not-resolved"));
    }

    @Test
    void aServerThatAnswersOtherNamesButNotThisOneIsAWarningForTheName(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("one-name.pcapng");
        try (Recorder r = new Recorder(capture, "one name unanswered")) {
            query(r, DNS, 1, "intranet.contoso.com", 1);
            answer(r, DNS, 1, "intranet.contoso.com");
            query(r, DNS, 2, "web.fabrikam.com", 1);
            query(r, DNS, 3, "web.fabrikam.com", 1);
        }
        List<Finding> dns = findings(capture, "dns.name-not-resolved");
        assertEquals(1, dns.size(), dns.toString());
        assertEquals(Severity.WARNING, dns.get(0).severity());
        assertEquals("No answer for web.fabrikam.com from the DNS server 192.168.2.10", dns.get(0).title());
    }
}
