package org.kerbscope.evidence.windows.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.evidence.windows.AuditpolImporter;
import org.kerbscope.evidence.windows.DnsImporter;
import org.kerbscope.evidence.windows.KlistImporter;
import org.kerbscope.evidence.windows.PortTestImporter;
import org.kerbscope.evidence.windows.SetspnImporter;
import org.kerbscope.evidence.windows.WebRequestImporter;

/**
 * Hand-typed outputs of each command in data/ (data/README.md says where each format comes from), read as a
 * support engineer would read them: the failing pieces (unknown SPN, NXDOMAIN, closed port, duplicate SPN, 401,
 * logon auditing off) come out as facts, and stray lines as diagnostics naming their line.
 */
class CommandOutputsTest {

    @Test
    void klistGetWithRc4Ticket() throws IOException {
        Fixtures.Result r = Fixtures.run(new KlistImporter(), Fixtures.data("klist-get.txt"));
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> t = r.section("tickets");
        assertEquals(2, t.size());
        assertEquals("RSADSI RC4-HMAC(NT)", t.get(1).string("etype"));
        assertEquals(23, t.get(1).fields().get("etypeNumber"));
        assertEquals(true, t.get(1).fields().get("retrieved"));
        assertEquals("2022-11-28T11:28:11", t.get(1).string("end"));
    }

    @Test
    void klistGetErrorInUtf16() throws IOException {
        assertEquals((byte) 0xff, Files.readAllBytes(Fixtures.data("klist-get-error.txt"))[0], "the fixture is UTF-16");
        Fixtures.Result r = Fixtures.run(new KlistImporter(), Fixtures.data("klist-get-error.txt"));
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> t = r.section("tickets");
        assertEquals(1, t.size());
        Map<String, Object> e = t.get(0).fields();
        assertEquals("HTTP/webapp.contoso.com", e.get("spn"));
        assertEquals("0x6fb", e.get("error"));
        assertEquals("ERROR_NO_TRUST_SAM_ACCOUNT", e.get("errorName"));
        assertEquals("0xc000018b", e.get("status"));
        assertEquals("STATUS_NO_TRUST_SAM_ACCOUNT", e.get("statusName"));
        assertTrue(e.get("meaning").toString().contains("SPN"), e.get("meaning").toString());
    }

    @Test
    void mitKlist() throws IOException {
        Fixtures.Result r = Fixtures.run(new KlistImporter(), Fixtures.data("klist-mit.txt"));
        List<EvidenceItem> t = r.section("tickets");
        assertEquals(2, t.size());
        Map<String, Object> tgt = t.get(0).fields();
        assertEquals("john@CONTOSO.COM", tgt.get("client"));
        assertEquals("krbtgt/CONTOSO.COM@CONTOSO.COM", tgt.get("server"));
        assertEquals("2022-11-28T00:59:30", tgt.get("start"));
        assertEquals("2022-11-28T10:59:30", tgt.get("end"));
        assertEquals("2022-12-05T00:59:26", tgt.get("renew"));
        assertEquals(List.of("forwardable", "renewable", "initial", "pre_authent"), tgt.get("flags"));
        assertEquals("aes256-cts-hmac-sha1-96", tgt.get("etype"));
        assertEquals(18, tgt.get("etypeNumber"));
        assertEquals("FILE:/tmp/krb5cc_1000", tgt.get("cache"));
        Map<String, Object> http = t.get(1).fields();
        assertEquals("HTTP/iisserver.contoso.com@CONTOSO.COM", http.get("server"));
        assertEquals(23, http.get("etypeNumber"), "DEPRECATED:arcfour-hmac is RC4");
        assertEquals(1, r.diagnostics().size());
        assertEquals(11, r.diagnostics().get(0).frame());
        assertTrue(r.diagnostics().get(0).message().startsWith("line 11: "), r.diagnostics().get(0).message());
        assertEquals(r.diagnostics(), r.file().diagnostics());
    }

    @Test
    void resolveDnsNameCnameAndNxdomain() throws IOException {
        Fixtures.Result r = Fixtures.run(new DnsImporter(), Fixtures.data("resolve-dnsname.txt"));
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> d = r.section("dns");
        assertEquals(3, d.size());
        assertEquals("www.contoso.com", d.get(0).string("name"));
        assertEquals("CNAME", d.get(0).string("type"));
        assertEquals(List.of("iisserver.contoso.com"), d.get(0).fields().get("answers"));
        assertEquals("iisserver.contoso.com", d.get(1).string("name"));
        assertEquals("A", d.get(1).string("type"));
        assertEquals(List.of("192.168.2.104"), d.get(1).fields().get("answers"));
        assertEquals("webapp.contoso.com", d.get(2).string("name"));
        assertEquals("DNS name does not exist", d.get(2).string("error"));
        assertEquals("NXDOMAIN", d.get(2).string("rcode"));
    }

    @Test
    void nslookupAliasesAndNonExistentDomain() throws IOException {
        Fixtures.Result r = Fixtures.run(new DnsImporter(), Fixtures.data("nslookup.txt"));
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> d = r.section("dns");
        EvidenceItem aaaa = d.stream().filter(i -> "AAAA".equals(i.string("type"))).findFirst().orElseThrow();
        assertEquals(List.of("fd00::104"), aaaa.fields().get("answers"));
        EvidenceItem a = d.stream().filter(i -> "A".equals(i.string("type"))).findFirst().orElseThrow();
        assertEquals("iisserver.contoso.com", a.string("name"));
        assertEquals(List.of("192.168.2.104"), a.fields().get("answers"));
        assertEquals("dca.contoso.com (192.168.2.10)", a.string("server"));
        EvidenceItem cname = d.stream().filter(i -> "CNAME".equals(i.string("type"))).findFirst().orElseThrow();
        assertEquals("www.contoso.com", cname.string("name"));
        assertEquals(List.of("iisserver.contoso.com"), cname.fields().get("answers"));
        EvidenceItem nx = d.stream().filter(i -> i.string("error") != null).findFirst().orElseThrow();
        assertEquals("webapp.contoso.com", nx.string("name"));
        assertEquals("NXDOMAIN", nx.string("rcode"));
    }

    @Test
    void testNetConnectionFailed() throws IOException {
        Fixtures.Result r = Fixtures.run(new PortTestImporter(), Fixtures.data("tnc-failed.txt"));
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> p = r.section("portTests");
        assertEquals(1, p.size());
        Map<String, Object> f = p.get(0).fields();
        assertEquals(false, f.get("succeeded"));
        assertEquals(false, f.get("pingSucceeded"));
        assertEquals(80, f.get("port"));
        assertEquals("192.168.2.104", f.get("address"));
        assertEquals(List.of("TCP connect to (192.168.2.104 : 80) failed",
                "Ping to 192.168.2.104 failed with status: TimedOut"), f.get("warnings"));
    }

    @Test
    void setspnDuplicatesListAndMissing() throws IOException {
        Fixtures.Result r = Fixtures.run(new SetspnImporter(), Fixtures.data("setspn.txt"));
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> s = r.section("spns");
        EvidenceItem http = s.stream().filter(i -> "HTTP/iisserver.contoso.com".equals(i.string("spn"))).findFirst()
                .orElseThrow();
        assertEquals(List.of("CN=IISSERVER,OU=Servers,DC=contoso,DC=com", "CN=svc-webpool,CN=Users,DC=contoso,DC=com"),
                http.fields().get("accounts"));
        assertEquals(true, http.fields().get("duplicate"));
        EvidenceItem wsman = s.stream().filter(i -> "WSMAN/IISServer".equals(i.string("spn"))).findFirst().orElseThrow();
        assertEquals(List.of("CN=IISSERVER,OU=Servers,DC=contoso,DC=com"), wsman.fields().get("accounts"));
        assertNull(wsman.fields().get("duplicate"));
        EvidenceItem groups = s.stream().filter(i -> "duplicates".equals(i.string("check"))).findFirst().orElseThrow();
        assertEquals(1, groups.fields().get("duplicateGroups"));
        EvidenceItem missing = s.stream().filter(i -> Boolean.FALSE.equals(i.fields().get("found"))).findFirst()
                .orElseThrow();
        assertEquals("HTTP/webapp.contoso.com", missing.string("spn"));
        assertEquals(List.of(), missing.fields().get("accounts"));
    }

    @Test
    void invokeWebRequestOkAnd401() throws IOException {
        Fixtures.Result r = Fixtures.run(new WebRequestImporter(), Fixtures.data("invoke-webrequest.txt"));
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> w = r.section("webRequests");
        assertEquals(2, w.size());
        assertEquals("http://iisserver.contoso.com", w.get(0).string("uri"));
        assertEquals(200, w.get(0).fields().get("status"));
        assertEquals(true, w.get(0).fields().get("persistentAuth"));
        assertEquals("http://webapp.contoso.com", w.get(1).string("uri"));
        assertEquals(401, w.get(1).fields().get("status"));
        assertEquals("Unauthorized", w.get(1).string("statusDescription"));
        assertEquals(false, w.get(1).fields().get("succeeded"));
        assertTrue(w.get(1).string("error").contains("invalid credentials"));
    }

    @Test
    void auditpolLogonNotAudited() throws IOException {
        Fixtures.Result r = Fixtures.run(new AuditpolImporter(), Fixtures.data("auditpol.txt"));
        List<EvidenceItem> a = r.section("audit");
        assertEquals(7, a.size());
        EvidenceItem logon = a.get(0);
        assertEquals("Logon", logon.string("subcategory"));
        assertEquals("No Auditing", logon.string("setting"));
        assertEquals(false, logon.fields().get("success"));
        assertTrue(logon.string("summary").contains("4624/4625 will not be logged"), logon.string("summary"));
        assertTrue(logon.string("summary").contains("auditpol /set /subcategory:\"Logon\" /Success:enable /Failure:enable"));
        EvidenceItem kas = a.stream().filter(i -> "Kerberos Authentication Service".equals(i.string("subcategory")))
                .findFirst().orElseThrow();
        assertEquals("Account Logon", kas.string("category"));
        assertEquals(false, kas.fields().get("success"));
        assertEquals(true, kas.fields().get("failure"));
        assertEquals(1, r.diagnostics().size(), "the stray line is a diagnostic");
        assertEquals("line 13: cannot read \"Something odd here\" as auditpol output", r.diagnostics().get(0).message());
    }
}
