package org.kerbscope.evidence.windows.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.evidence.windows.AuditpolImporter;
import org.kerbscope.evidence.windows.DnsImporter;
import org.kerbscope.evidence.windows.KlistImporter;
import org.kerbscope.evidence.windows.PortTestImporter;
import org.kerbscope.evidence.windows.SecurityEventLogImporter;
import org.kerbscope.evidence.windows.WebRequestImporter;

/**
 * The excerpts of the troubleshooting guide ("Kerberos authentication troubleshooting guidance", the hypothetical
 * CONTOSO deployment), exactly as the guide's text holds them — several are run together on one line there —
 * read back without loss: every field the excerpt shows is in the item.
 */
class GuideExcerptsTest {
    @TempDir
    Path dir;

    /** auditpol /get /Subcategory:"logon", as the guide prints it (on one line). */
    static final String AUDITPOL = """
            System audit policy Category/Subcategory Setting Logon/Logoff Logon Success and Failure
            """;

    /** klist tickets: the guide's first excerpt, one field per line. */
    static final String KLIST_TICKETS = """
            Client: John @ CONTOSO.COM
            Server: HTTP/iisserver.contoso.com @ CONTOSO.COM
            KerbTicket Encryption Type: AES-256-CTS-HMAC-SHA1-96
            Ticket Flags 0x40a10000 -> forwardable renewable pre_authent name_canonicalize
            Start Time: 11/28/2022 0:59:30 (local)
            End Time: 11/28/2022 10:58:56 (local)
            Renew Time: 12/5/2022 0:58:56 (local)
            Session Key Type: AES-256-CTS-HMAC-SHA1-96
            Cache Flags: 0
            Kdc Called: DCA.contoso.com
            """;

    /** The full text of the 4624 event record. */
    static final String EVENT_4624 = """
            Log Name: Security
            Source: Microsoft-Windows-Security-Auditing
            Date: 11/28/2022 12:59:30 AM
            Event ID: 4624
            Task Category: Logon
            Level: Information
            Keywords: Audit Success
            User: N/A
            Computer: IISServer.contoso.com
            Description:
            An account was successfully logged on.
            Subject:
            Security ID: NULL SID
            Account Name: -
            Account Domain: -
            Logon ID: 0x0
            Logon Information:
            Logon Type: 3
            Restricted Admin Mode: -
            Virtual Account: No
            Elevated Token: No
            Impersonation Level: Impersonation
            New Logon:
            Security ID: CONTOSO\\John
            Account Name: John
            Account Domain: CONTOSO.COM
            Logon ID: 0x1B64449
            Linked Logon ID: 0x0
            Network Account Name: -
            Network Account Domain: -
            Logon GUID: {<GUID>}
            Process Information:
            Process ID: 0x0
            Process Name: -
            Network Information:
            Workstation Name: -
            Source Network Address: 192.168.2.101
            Source Port: 52655
            Detailed Authentication Information:
            Logon Process: Kerberos
            Authentication Package: Kerberos
            """;

    /** Resolve-DnsName -Name IISServer.contoso.com (its table run together on one line). */
    static final String RESOLVE_DNSNAME = """
            Name Type TTL Section IPAddress ---- ---- --- ------- --------- IISServer.contoso.com A 1200 Answer 192.168.2.104
            """;

    /** Test-NetConnection -Port 80 IISServer.contoso.com (run together on one line). */
    static final String TEST_NETCONNECTION = """
            ComputerName : IISServer.contoso.com RemoteAddress : 192.168.2.104 RemotePort : 80 InterfaceAlias : Ethernet 2 SourceAddress : 192.168.2.101 TcpTestSucceeded : True
            """;

    /** klist purge / klist get http/iisserver.contoso.com (run together on one line). */
    static final String KLIST_GET = """
            Current LogonId is 0:0xa8a98b A ticket to http/iisserver.contoso.com has been retrieved successfully. Cached Tickets: (2) #0> Client: John @ CONTOSO.COM Server: krbtgt/CONTOSO.COM @ CONTOSO.COM KerbTicket Encryption Type: AES-256-CTS-HMAC-SHA1-96 Ticket Flags 0x40e10000 -> forwardable renewable initial pre_authent name_canonicalize Start Time: 11/28/2022 1:28:11 (local) End Time: 11/28/2022 11:28:11 (local) Renew Time: 12/5/2022 1:28:11 (local) Session Key Type: AES-256-CTS-HMAC-SHA1-96 Cache Flags: 0x1 -> PRIMARY Kdc Called: DCA.contoso.com #1> Client: John @ CONTOSO.COM Server: http/iisserver.contoso.com @ CONTOSO.COM KerbTicket Encryption Type: AES-256-CTS-HMAC-SHA1-96 Ticket Flags 0x40a10000 -> forwardable renewable pre_authent name_canonicalize Start Time: 11/28/2022 1:28:11 (local) End Time: 11/28/2022 11:28:11 (local) Renew Time: 12/5/2022 1:28:11 (local) Session Key Type: AES-256-CTS-HMAC-SHA1-96 Cache Flags: 0 Kdc Called: DCA.contoso.com
            """;

    /** invoke-webrequest -Uri http://IIsserver.contoso.com -UseDefaultCredentials. */
    static final String INVOKE_WEBREQUEST = """
            StatusCode : 200
            StatusDescription : OK
            Content : <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"
            "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
            <html xmlns="http://www.w3.org/1999/xhtml">
            <head>
            <meta http-equiv="Content-Type" cont...
            RawContent : HTTP/1.1 200 OK
            Persistent-Auth: true
            Accept-Ranges: bytes
            Content-Length: 703
            Content-Type: text/html
            Date: Mon, 28 Nov 2022 09:31:40 GMT
            ETag: "3275ea8a1d91:0"
            Last-Modified: Fri, 25 Nov 2022...
            """;

    /** klist tickets after the file share test: the CIFS ticket (run together on one line). */
    static final String KLIST_CIFS = """
            #1> Client: John @ CONTOSO.COM Server: cifs/iisserver.contoso.com @ CONTOSO.COM KerbTicket Encryption Type: AES-256-CTS-HMAC-SHA1-96 Ticket Flags 0x40a10000 -> forwardable renewable pre_authent name_canonicalize Start Time: 11/28/2022 1:40:22 (local) End Time: 11/28/2022 11:28:11 (local) Renew Time: 12/5/2022 1:28:11 (local) Session Key Type: AES-256-CTS-HMAC-SHA1-96 Cache Flags: 0 Kdc Called: DCA.contoso.com
            """;

    private Fixtures.Result run(org.kerbscope.core.spi.EvidenceImporter importer, String name, String text)
            throws IOException {
        return Fixtures.run(importer, Fixtures.temp(dir, name, text));
    }

    @Test
    void klistTicketsExcerpt() throws IOException {
        Fixtures.Result r = run(new KlistImporter(), "klist.txt", KLIST_TICKETS);
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> t = r.section("tickets");
        assertEquals(1, t.size());
        Map<String, Object> f = t.get(0).fields();
        assertEquals("John@CONTOSO.COM", f.get("client"));
        assertEquals("HTTP/iisserver.contoso.com@CONTOSO.COM", f.get("server"));
        assertEquals("AES-256-CTS-HMAC-SHA1-96", f.get("etype"));
        assertEquals(18, f.get("etypeNumber"));
        assertEquals("0x40a10000", f.get("flagsHex"));
        assertEquals(List.of("forwardable", "renewable", "pre_authent", "name_canonicalize"), f.get("flags"));
        assertEquals("2022-11-28T00:59:30", f.get("start"));
        assertEquals("2022-11-28T10:58:56", f.get("end"));
        assertEquals("2022-12-05T00:58:56", f.get("renew"));
        assertEquals("AES-256-CTS-HMAC-SHA1-96", f.get("sessionKeyType"));
        assertEquals(List.of(), f.get("cacheFlags"));
        assertEquals("DCA.contoso.com", f.get("kdcCalled"));
        assertEquals(1, r.file().records());
        assertEquals("klist", r.file().kind());
    }

    @Test
    void klistGetExcerptRunTogether() throws IOException {
        Fixtures.Result r = run(new KlistImporter(), "klist-get.txt", KLIST_GET);
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> t = r.section("tickets");
        assertEquals(2, t.size());
        Map<String, Object> tgt = t.get(0).fields();
        assertEquals(0, tgt.get("index"));
        assertEquals("0:0xa8a98b", tgt.get("logonId"));
        assertEquals("krbtgt/CONTOSO.COM@CONTOSO.COM", tgt.get("server"));
        assertEquals(List.of("forwardable", "renewable", "initial", "pre_authent", "name_canonicalize"), tgt.get("flags"));
        assertEquals(List.of("PRIMARY"), tgt.get("cacheFlags"));
        assertEquals("2022-11-28T01:28:11", tgt.get("start"));
        assertEquals("2022-11-28T11:28:11", tgt.get("end"));
        assertEquals("2022-12-05T01:28:11", tgt.get("renew"));
        Map<String, Object> http = t.get(1).fields();
        assertEquals(1, http.get("index"));
        assertEquals("John@CONTOSO.COM", http.get("client"));
        assertEquals("http/iisserver.contoso.com@CONTOSO.COM", http.get("server"));
        assertEquals(true, http.get("retrieved"), "the ticket klist get retrieved is marked");
        assertEquals("AES-256-CTS-HMAC-SHA1-96", http.get("sessionKeyType"));
        assertEquals("DCA.contoso.com", http.get("kdcCalled"));
    }

    @Test
    void klistCifsExcerpt() throws IOException {
        Fixtures.Result r = run(new KlistImporter(), "klist-cifs.txt", KLIST_CIFS);
        assertEquals(List.of(), r.diagnostics());
        Map<String, Object> f = r.section("tickets").get(0).fields();
        assertEquals("cifs/iisserver.contoso.com@CONTOSO.COM", f.get("server"));
        assertEquals("2022-11-28T01:40:22", f.get("start"));
        assertEquals(1, f.get("index"));
    }

    @Test
    void event4624Text() throws IOException {
        Fixtures.Result r = run(new SecurityEventLogImporter(), "event.txt", EVENT_4624);
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> e = r.section("events");
        assertEquals(1, e.size());
        Map<String, Object> f = e.get(0).fields();
        assertEquals(4624, f.get("eventId"));
        assertEquals("IISServer.contoso.com", f.get("computer"));
        assertEquals("2022-11-28T00:59:30", f.get("time"));
        assertEquals("Audit Success", f.get("keywords"));
        @SuppressWarnings("unchecked")
        Map<String, String> d = (Map<String, String>) f.get("data");
        assertEquals("NULL SID", d.get("SubjectUserSid"));
        assertEquals("-", d.get("SubjectUserName"));
        assertEquals("0x0", d.get("SubjectLogonId"));
        assertEquals("3", d.get("LogonType"));
        assertEquals("-", d.get("RestrictedAdminMode"));
        assertEquals("No", d.get("VirtualAccount"));
        assertEquals("No", d.get("ElevatedToken"));
        assertEquals("Impersonation", d.get("ImpersonationLevel"));
        assertEquals("CONTOSO\\John", d.get("TargetUserSid"));
        assertEquals("John", d.get("TargetUserName"));
        assertEquals("CONTOSO.COM", d.get("TargetDomainName"));
        assertEquals("0x1B64449", d.get("TargetLogonId"));
        assertEquals("0x0", d.get("TargetLinkedLogonId"));
        assertEquals("-", d.get("TargetOutboundUserName"));
        assertEquals("-", d.get("TargetOutboundDomainName"));
        assertEquals("{<GUID>}", d.get("LogonGuid"));
        assertEquals("0x0", d.get("ProcessId"));
        assertEquals("-", d.get("ProcessName"));
        assertEquals("-", d.get("WorkstationName"));
        assertEquals("192.168.2.101", d.get("IpAddress"));
        assertEquals("52655", d.get("IpPort"));
        assertEquals("Kerberos", d.get("LogonProcessName"));
        assertEquals("Kerberos", d.get("AuthenticationPackageName"));
        assertEquals(24, d.size(), "every labelled value of the excerpt: " + d.keySet());
        assertEquals("CONTOSO.COM\\John logged on over the network with Kerberos from 192.168.2.101", f.get("summary"));
        assertEquals("text", r.file().format());
    }

    @Test
    void resolveDnsNameExcerpt() throws IOException {
        Fixtures.Result r = run(new DnsImporter(), "dns.txt", RESOLVE_DNSNAME);
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> d = r.section("dns");
        assertEquals(1, d.size());
        assertEquals("IISServer.contoso.com", d.get(0).string("name"));
        assertEquals("A", d.get(0).string("type"));
        assertEquals(List.of("192.168.2.104"), d.get(0).fields().get("answers"));
        assertEquals(1200L, d.get(0).fields().get("ttl"));
        assertEquals("Answer", d.get(0).fields().get("section"));
    }

    @Test
    void testNetConnectionExcerpt() throws IOException {
        Fixtures.Result r = run(new PortTestImporter(), "tnc.txt", TEST_NETCONNECTION);
        assertEquals(List.of(), r.diagnostics());
        Map<String, Object> f = r.section("portTests").get(0).fields();
        assertEquals("IISServer.contoso.com", f.get("computer"));
        assertEquals("192.168.2.104", f.get("address"));
        assertEquals(80, f.get("port"));
        assertEquals(true, f.get("succeeded"));
        assertEquals("Ethernet 2", f.get("interfaceAlias"));
        assertEquals("192.168.2.101", f.get("sourceAddress"));
    }

    @Test
    void invokeWebRequestExcerpt() throws IOException {
        Fixtures.Result r = run(new WebRequestImporter(), "iwr.txt", INVOKE_WEBREQUEST);
        assertEquals(List.of(), r.diagnostics());
        Map<String, Object> f = r.section("webRequests").get(0).fields();
        assertEquals(200, f.get("status"));
        assertEquals("OK", f.get("statusDescription"));
        assertEquals(true, f.get("persistentAuth"));
        assertEquals(true, f.get("succeeded"));
        @SuppressWarnings("unchecked")
        Map<String, String> h = (Map<String, String>) f.get("headers");
        assertEquals("bytes", h.get("Accept-Ranges"));
        assertEquals("703", h.get("Content-Length"));
        assertEquals("text/html", h.get("Content-Type"));
        assertEquals("Mon, 28 Nov 2022 09:31:40 GMT", h.get("Date"));
        assertEquals("\"3275ea8a1d91:0\"", h.get("ETag"));
        assertTrue(h.containsKey("Last-Modified"));
    }

    @Test
    void auditpolExcerpt() throws IOException {
        Fixtures.Result r = run(new AuditpolImporter(), "auditpol.txt", AUDITPOL);
        assertEquals(List.of(), r.diagnostics());
        List<EvidenceItem> a = r.section("audit");
        assertEquals(1, a.size());
        assertEquals("Logon", a.get(0).string("subcategory"));
        assertEquals("Logon/Logoff", a.get(0).string("category"));
        assertEquals("Success and Failure", a.get(0).string("setting"));
        assertEquals(List.of(4624, 4625), a.get(0).fields().get("events"));
    }
}
