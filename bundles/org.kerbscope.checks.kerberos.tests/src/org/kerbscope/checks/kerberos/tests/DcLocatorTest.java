package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * The DC locator's SRV lookups (MS-ADTS 6.3.2.3) answered without a record: the client finds no KDC. DNS messages
 * written here after RFC 1035 4.1 and RFC 2782, recorded by the lab's recorder.
 */
class DcLocatorTest {
    private static final LabEndpoint DNS = new LabEndpoint("192.168.2.10", 53);
    private static final LabEndpoint CLIENT = new LabEndpoint("192.168.2.101", 53001);

    /** A domain name in DNS wire form (RFC 1035 3.1): its labels, each after its length, then the root. */
    static byte[] name(String n) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String label : n.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        b.write(0);
        return b.toByteArray();
    }

    /** A query for {@code srv} (id), and its response: NXDOMAIN, or one SRV record naming {@code target}. */
    private static void lookup(Recorder r, int id, String srv, String target) {
        byte[] q = name(srv);
        ByteBuffer query = ByteBuffer.allocate(12 + q.length + 4);
        query.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putInt(0).put(q)
                .putShort((short) 33).putShort((short) 1);
        r.udp(CLIENT, DNS, query.array(), 0, query.capacity());
        byte[] t = target == null ? new byte[0] : name(target);
        int answer = target == null ? 0 : 2 + 10 + 6 + t.length;
        ByteBuffer resp = ByteBuffer.allocate(12 + q.length + 4 + answer);
        resp.putShort((short) id).putShort((short) (target == null ? 0x8183 : 0x8180)).putShort((short) 1)
                .putShort((short) (target == null ? 0 : 1)).putInt(0).put(q).putShort((short) 33).putShort((short) 1);
        if (target != null) {
            resp.putShort((short) 0xc00c).putShort((short) 33).putShort((short) 1).putInt(600).putShort((short) (6 + t.length))
                    .putShort((short) 0).putShort((short) 100).putShort((short) 389).put(t);
        }
        r.udp(DNS, CLIENT, resp.array(), 0, resp.capacity());
    }

    private static List<Finding> dcNotFound(Path capture) throws Exception {
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(capture, capture.toString(),
                List.of(), Progress.NONE);
        assertEquals(4, a.events("dns").size(), a.diagnostics().toString());
        return a.findings().stream().filter(f -> f.id().equals("dns.dc-not-found")).toList();
    }

    @Test
    void noSrvRecordForTheDomainIsDcNotFound(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("no-dc.pcapng");
        try (Recorder r = new Recorder(capture, "DC locator fails")) {
            lookup(r, 1, "_ldap._tcp.dc._msdcs.contoso.com", null);
            lookup(r, 2, "_kerberos._tcp.contoso.com", null);
        }
        List<Finding> f = dcNotFound(capture);
        assertEquals(1, f.size(), f.toString());
        assertEquals(Severity.WARNING, f.get(0).severity());
        assertEquals("No domain controller found for contoso.com: its SRV records do not resolve", f.get(0).title());
        assertEquals(List.of("SRV _ldap._tcp.dc._msdcs.contoso.com: NXDOMAIN (no such name)",
                "SRV _kerberos._tcp.contoso.com: NXDOMAIN (no such name)"), f.get(0).evidence().stream().map(Finding.Evidence::what).toList());
        assertTrue(f.get(0).remediation().contains("nltest /dsgetdc:contoso.com"), f.get(0).remediation().toString());
    }

    @Test
    void aSiteLookupThatFailsBeforeTheDomainWideOneAnswersIsTheNormalFallback(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("site-fallback.pcapng");
        try (Recorder r = new Recorder(capture, "DC locator falls back from the site")) {
            lookup(r, 1, "_ldap._tcp.Branch._sites.dc._msdcs.contoso.com", null);
            lookup(r, 2, "_ldap._tcp.dc._msdcs.contoso.com", "dca.contoso.com");
        }
        assertEquals(List.of(), dcNotFound(capture));
    }
}
