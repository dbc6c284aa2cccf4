package org.kerbscope.lab.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.lab.Lab;
import org.kerbscope.lab.child.DnsMessage;
import org.kerbscope.lab.child.LabResolverProvider;
import org.kerbscope.lab.internal.LabDnsServer;

/** The lab zone answers as the guide's domain controller would, over real UDP and TCP on loopback. */
class LabDnsServerTest {

    @Test
    void answersTheSiteNameOverUdp() throws Exception {
        try (LabDnsServer dns = new LabDnsServer(Lab.zone())) {
            DnsMessage r = LabResolverProvider.ask(dns.address(), "IISServer.contoso.com", DnsMessage.TYPE_A);
            assertEquals(DnsMessage.RCODE_NOERROR, r.rcode);
            assertTrue(r.authoritative);
            assertEquals("IISServer.contoso.com", r.qname, "the question comes back as asked");
            assertEquals(List.of(Lab.WEB_IP), r.answers.stream().map(DnsMessage.Record::data).toList());
        }
    }

    @Test
    void followsTheAliasToTheCanonicalName() {
        DnsMessage r = answer("www.contoso.com", DnsMessage.TYPE_A);
        assertEquals(2, r.answers.size());
        assertEquals(DnsMessage.TYPE_CNAME, r.answers.get(0).type());
        assertEquals(Lab.WEB_HOST, r.answers.get(0).data());
        assertEquals(Lab.WEB_IP, r.answers.get(1).data());
    }

    @Test
    void locatesTheKdcWithSrvAndGlueOverTcp() throws Exception {
        try (LabDnsServer dns = new LabDnsServer(Lab.zone()); Socket s = new Socket(dns.address().getAddress(), dns.address().getPort())) {
            byte[] q = DnsMessage.query(0x666a, "_kerberos._tcp.CONTOSO.COM", DnsMessage.TYPE_SRV).encode();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(q.length);
            out.write(q);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DnsMessage r = DnsMessage.decode(in.readNBytes(in.readUnsignedShort()));
            assertEquals(0x666a, r.id);
            assertEquals("0 100 88 dca.CONTOSO.COM", r.answers.get(0).data(), "SRV target, compressed against the question");
            assertEquals(Lab.DC_IP, r.additional.get(0).data());
        }
    }

    @Test
    void unknownNamesAreNxdomainWithTheZonesSoa() {
        DnsMessage r = answer("portal.contoso.com", DnsMessage.TYPE_A);
        assertEquals(DnsMessage.RCODE_NXDOMAIN, r.rcode);
        assertTrue(r.answers.isEmpty());
        assertEquals(DnsMessage.TYPE_SOA, r.authority.get(0).type());
    }

    @Test
    void knownNameWithoutTheTypeIsNoDataAndOtherZonesAreRefused() {
        DnsMessage aaaa = answer(Lab.WEB_HOST, DnsMessage.TYPE_AAAA);
        assertEquals(DnsMessage.RCODE_NOERROR, aaaa.rcode);
        assertTrue(aaaa.answers.isEmpty());
        assertEquals(DnsMessage.RCODE_REFUSED, answer("www.example.org", DnsMessage.TYPE_A).rcode);
        assertEquals(Lab.WEB_HOST, answer("104.2.168.192.in-addr.arpa", DnsMessage.TYPE_PTR).answers.get(0).data());
    }

    @Test
    void truncatedMessagesAreRejected() {
        byte[] q = DnsMessage.query(1, "iisserver.contoso.com", DnsMessage.TYPE_A).encode();
        assertThrows(IllegalArgumentException.class, () -> DnsMessage.decode(java.util.Arrays.copyOf(q, q.length - 3)));
        byte[] loop = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
        assertThrows(IllegalArgumentException.class, () -> DnsMessage.decode(loop));
    }

    private static DnsMessage answer(String name, int type) {
        try (LabDnsServer dns = new LabDnsServer(Lab.zone())) {
            return DnsMessage.decode(dns.answer(DnsMessage.query(7, name, type)).encode());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
