package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.apache.kerby.kerberos.kerb.KrbErrorCode;
import org.apache.kerby.kerberos.kerb.type.KerberosTime;
import org.apache.kerby.kerberos.kerb.type.base.EncryptedData;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionType;
import org.apache.kerby.kerberos.kerb.type.base.KrbError;
import org.apache.kerby.kerberos.kerb.type.base.NameType;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.apache.kerby.kerberos.kerb.type.kdc.KdcOptions;
import org.apache.kerby.kerberos.kerb.type.kdc.KdcReqBody;
import org.apache.kerby.kerberos.kerb.type.kdc.TgsRep;
import org.apache.kerby.kerberos.kerb.type.kdc.TgsReq;
import org.apache.kerby.kerberos.kerb.type.ticket.Ticket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.lab.record.LabEndpoint;
import org.kerbscope.lab.record.Recorder;

/**
 * An intranet site over HTTPS: the browser's 401, Authorization header and answer are encrypted, and what the capture
 * shows is the connection, the TLS ClientHello naming the site (made by the JDK's TLS stack) and the ticket exchange
 * for HTTP/site (encoded by Apache Kerby). The flow is still the site's, with its encrypted steps said to be so.
 */
class HttpsAttemptTest {
    private static final String REALM = "CONTOSO.COM";
    private static final LabEndpoint KDC = new LabEndpoint("192.168.2.10", 88);
    private static final LabEndpoint WEB = new LabEndpoint("192.168.2.104", 443);
    private static final LabEndpoint BROWSER = new LabEndpoint("192.168.2.101", 50443);
    private static final LabEndpoint BROWSER_KRB = new LabEndpoint("192.168.2.101", 50088);

    /** The first flight of a real TLS 1.3 client asking for {@code sni}. */
    static byte[] clientHello(String sni) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        SSLEngine e = ctx.createSSLEngine(sni, 443);
        e.setUseClientMode(true);
        SSLParameters p = e.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        e.setSSLParameters(p);
        ByteBuffer net = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.wrap(ByteBuffer.allocate(0), net);
        net.flip();
        return Arrays.copyOf(net.array(), net.limit());
    }

    /** Encrypted records as the server's part of the connection: application data (23) of random bytes. */
    static byte[] encrypted(int n, long seed) {
        byte[] body = new byte[n];
        new Random(seed).nextBytes(body);
        return ByteBuffer.allocate(5 + n).put(new byte[] {23, 3, 3, (byte) (n >> 8), (byte) n}).put(body).array();
    }

    static byte[] tgsReq(String spn) throws Exception {
        KdcReqBody body = new KdcReqBody();
        body.setKdcOptions(new KdcOptions());
        body.setRealm(REALM);
        body.setSname(new PrincipalName(spn, NameType.NT_SRV_INST));
        body.setTill(new KerberosTime(System.currentTimeMillis() + 36_000_000L));
        body.setNonce(7);
        body.setEtypes(List.of(EncryptionType.AES256_CTS_HMAC_SHA1_96));
        TgsReq req = new TgsReq();
        req.setReqBody(body);
        return req.encode();
    }

    static byte[] unknownSpn(String spn) throws Exception {
        KrbError e = new KrbError();
        e.setStime(KerberosTime.now());
        e.setSusec(0);
        e.setErrorCode(KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN);
        e.setRealm(REALM);
        e.setSname(new PrincipalName(spn, NameType.NT_SRV_INST));
        return e.encode();
    }

    static byte[] ticketFor(String spn) throws Exception {
        Ticket t = new Ticket();
        t.setRealm(REALM);
        t.setSname(new PrincipalName(spn, NameType.NT_SRV_INST));
        t.setEncryptedEncPart(cipher(17));
        TgsRep rep = new TgsRep();
        rep.setCrealm(REALM);
        rep.setCname(new PrincipalName("john"));
        rep.setTicket(t);
        rep.setEncryptedEncPart(cipher(18));
        return rep.encode();
    }

    private static EncryptedData cipher(long seed) {
        EncryptedData d = new EncryptedData();
        d.setEType(EncryptionType.AES256_CTS_HMAC_SHA1_96);
        byte[] c = new byte[96];
        new Random(seed).nextBytes(c);
        d.setCipher(c);
        return d;
    }

    /** The browser connects to the site, says hello, asks the KDC for HTTP/site, then the site answers encrypted. */
    static void httpsVisit(Recorder r, String site, byte[] kdcAnswer) throws Exception {
        Recorder.TcpFlow c = r.connect(BROWSER, WEB);
        byte[] hello = clientHello(site);
        c.data(true, hello, 0, hello.length);
        byte[] server = encrypted(1200, 1);
        c.data(false, server, 0, server.length);
        if (kdcAnswer != null) {
            byte[] req = tgsReq("HTTP/" + site);
            r.udp(BROWSER_KRB, KDC, req, 0, req.length);
            r.udp(KDC, BROWSER_KRB, kdcAnswer, 0, kdcAnswer.length);
        }
        byte[] more = encrypted(3000, 2);
        c.data(true, more, 0, more.length);
        c.data(false, more, 0, more.length);
    }

    private static Analysis analyze(Path capture) throws Exception {
        return KdcErrorsTest.analyze(capture);
    }

    /** A capture of one {@link #httpsVisit} to {@code site}, with {@code comment} as its story. */
    static Path visit(Path capture, String comment, String site, byte[] kdcAnswer) throws Exception {
        try (Recorder r = new Recorder(capture, comment)) {
            httpsVisit(r, site, kdcAnswer);
        }
        return capture;
    }

    @Test
    void anUnknownSpnOfAnHttpsSiteFailsItsTicketStep(@TempDir Path dir) throws Exception {
        Path capture = visit(dir.resolve("https-spn-unknown.pcapng"), "an HTTPS site whose SPN is not registered", "web.contoso.com", unknownSpn("HTTP/web.contoso.com"));
        Analysis a = analyze(capture);
        assertEquals(1, a.attempts().size(), a.attempts().toString());
        AuthAttempt at = a.attempts().get(0);
        assertEquals("192.168.2.104:443", at.server().address() + ":" + at.server().port());
        assertEquals("web.contoso.com", at.host());
        assertEquals("HTTP/web.contoso.com", at.spn());
        assertEquals(Outcome.FAILED, at.outcome());
        assertEquals(Step.TICKET, at.failedStep().step());
        assertEquals(StepStatus.OK, at.step(Step.CONNECT).status());
        assertEquals(StepStatus.NOT_SEEN, at.step(Step.ANONYMOUS_REQUEST).status());
        assertEquals("encrypted (TLS): HTTPS, the request follows a TLS 1.3 ClientHello for web.contoso.com",
                at.step(Step.ANONYMOUS_REQUEST).note());
        for (Step s : List.of(Step.ANONYMOUS_REQUEST, Step.CHALLENGE, Step.AP_EXCHANGE, Step.AUTHORIZED)) {
            assertTrue(at.step(s).encrypted(), s + " " + at.step(s));
        }
        assertEquals("HTTPS server", at.serverRole());
        // the sequence diagram (flow view, HTML report) says which arrows TLS hid
        assertEquals(List.of("TCP SYN :443", "SYN/ACK", "TLS ClientHello, then encrypted", "challenge (encrypted)",
                "TGS-REQ HTTP/web.contoso.com", "KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN", "AP-REQ (Negotiate, encrypted)",
                "authorised? (encrypted)"), org.kerbscope.engine.report.FlowDiagram.arrows(at).stream()
                        .map(org.kerbscope.engine.report.FlowDiagram.Arrow::label).toList().subList(2, 10));
        Finding f = a.findings().stream().filter(x -> x.id().equals("kerberos.spn-unknown")).findFirst().orElseThrow();
        assertEquals(0, f.attempt());
        // the failure is in clear: nothing to say about what TLS hides
        assertTrue(a.findings().stream().noneMatch(x -> x.id().equals("http.tls-encrypted")), a.findings().toString());
        // the hello is an event of its own, with the site it named, and the text report counts it
        assertEquals("web.contoso.com", a.events("tls").get(0).string("sni"));
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        org.kerbscope.engine.report.TextReport.print(a, new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(text.toString(java.nio.charset.StandardCharsets.UTF_8).contains("  2 Kerberos, 0 HTTP, 0 NTLM, 0 DNS, 1 TLS messages"),
                text.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void anIssuedTicketLeavesTheEncryptedRestIncomplete(@TempDir Path dir) throws Exception {
        Path capture = visit(dir.resolve("https-ticket.pcapng"), "an HTTPS site that gets its ticket", "web.contoso.com", ticketFor("HTTP/web.contoso.com"));
        Analysis a = analyze(capture);
        assertEquals(1, a.attempts().size());
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.INCOMPLETE, at.outcome());
        assertEquals(StepStatus.OK, at.step(Step.TICKET).status());
        assertEquals(StepStatus.NOT_SEEN, at.step(Step.AUTHORIZED).status());
        assertTrue(a.findings().stream().noneMatch(x -> x.severity() == org.kerbscope.core.model.Severity.ERROR),
                a.findings().toString());
        // where the rest of the answer is: the site's Security log, or the browser's TLS keys
        Finding enc = a.findings().stream().filter(x -> x.id().equals("http.tls-encrypted")).findFirst().orElseThrow();
        assertEquals(org.kerbscope.core.model.Severity.INFO, enc.severity());
        assertEquals(0, enc.attempt());
        assertEquals("HTTPS to web.contoso.com: the ticket was issued, whether the site accepted it is encrypted", enc.title());
        assertTrue(enc.remediation().get(0).startsWith("Get-WinEvent -ComputerName web.contoso.com"), enc.remediation().toString());
    }

    /** A network logon (4624) or its failure (4625) on the web site, as its Security log holds it (wevtutil's XML). */
    static String logon(int id, String packageName, String status) {
        return logon(id, packageName, status, "IISServer.contoso.com");
    }

    /** As {@link #logon(int, String, String)}, written by {@code computer}. */
    static String logon(int id, String packageName, String status, String computer) {
        return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider"
                + " Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/><EventID>" + id
                + "</EventID><Version>2</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode>"
                + "<Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='" + java.time.Instant.now() + "'/>"
                + "<EventRecordID>51200</EventRecordID><Correlation/><Execution ProcessID='704' ThreadID='1220'/>"
                + "<Channel>Security</Channel><Computer>" + computer + "</Computer><Security/></System><EventData>"
                + "<Data Name='TargetUserName'>John</Data><Data Name='TargetDomainName'>CONTOSO</Data>"
                + (status != null ? "<Data Name='Status'>" + status + "</Data><Data Name='SubStatus'>0x0</Data>" : "")
                + "<Data Name='LogonType'>3</Data><Data Name='LogonProcessName'>" + packageName + "</Data>"
                + "<Data Name='AuthenticationPackageName'>" + packageName + "</Data><Data Name='WorkstationName'>-</Data>"
                + "<Data Name='IpAddress'>::ffff:192.168.2.101</Data><Data Name='IpPort'>50443</Data></EventData></Event>\n";
    }

    private static Analysis analyze(Path capture, Path events) throws Exception {
        return new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(capture, capture.toString(),
                List.of(new org.kerbscope.engine.EvidenceInput("eventlog", events)), Progress.NONE);
    }

    @Test
    void theSitesSecurityLogSaysWhatTlsHid(@TempDir Path dir) throws Exception {
        Path capture = visit(dir.resolve("https-ticket.pcapng"), "an HTTPS site that gets its ticket", "web.contoso.com", ticketFor("HTTP/web.contoso.com"));
        // the site logged John on with Kerberos: the flow is complete
        Path accepted = dir.resolve("iis-security.xml");
        java.nio.file.Files.writeString(accepted, logon(4624, "Kerberos", null));
        AuthAttempt at = analyze(capture, accepted).attempts().get(0);
        assertEquals(Outcome.KERBEROS, at.outcome(), at.steps().toString());
        assertEquals(StepStatus.OK, at.step(Step.AUTHORIZED).status());
        assertEquals("the site's Security log shows it: 4624 record 51200 (IISServer.contoso.com): a Kerberos network logon"
                + " of CONTOSO\\John from 192.168.2.101", at.step(Step.AUTHORIZED).note());

        // the ticket was issued, yet the site logged John on with NTLM: the browser fell back, the site could not use it
        Path ntlm = dir.resolve("iis-ntlm.xml");
        java.nio.file.Files.writeString(ntlm, logon(4624, "NTLM", null));
        Analysis fellBack = analyze(capture, ntlm);
        AuthAttempt nt = fellBack.attempts().get(0);
        assertEquals(Outcome.NTLM_FALLBACK, nt.outcome(), nt.steps().toString());
        assertEquals(Step.AP_EXCHANGE, nt.failedStep().step());
        assertEquals("the client answered with NTLM instead of Kerberos (the site's Security log)", nt.failedStep().note());
        assertEquals("the site's Security log shows it: 4624 record 51200 (IISServer.contoso.com): an NTLM network logon of"
                + " CONTOSO\\John from 192.168.2.101", nt.step(Step.AUTHORIZED).note());
        assertEquals("CONTOSO\\John", nt.user());
        Finding fb = fellBack.findings().stream().filter(x -> x.id().equals("http.ntlm-fallback")).findFirst().orElseThrow();
        assertEquals(0, fb.attempt());
        assertTrue(fb.explanation().contains("the KDC issued the ticket for HTTP/web.contoso.com"), fb.explanation());
        assertTrue(fb.evidence().stream().anyMatch(e -> e.file() != null && e.what().contains("record 51200")), fb.evidence().toString());
        assertTrue(fellBack.findings().stream().noneMatch(x -> x.id().equals("http.tls-encrypted")), fellBack.findings().toString());

        // the site refused the logon
        Path refused = dir.resolve("iis-refused.xml");
        java.nio.file.Files.writeString(refused, logon(4625, "Kerberos", "0xc000015b"));
        AuthAttempt no = analyze(capture, refused).attempts().get(0);
        assertEquals(Outcome.FAILED, no.outcome());
        assertEquals(Step.AUTHORIZED, no.failedStep().step());
        assertTrue(no.failedStep().note().contains("failed with status 0xc000015b"), no.failedStep().note());
    }

    /** With the Security logs of two servers, the one the site's own computer wrote answers for the site. */
    @Test
    void theSitesOwnLogAnswersWhenSeveralServersLogsAreGiven(@TempDir Path dir) throws Exception {
        Path capture = visit(dir.resolve("https-ticket.pcapng"), "an HTTPS site that gets its ticket", "web.contoso.com",
                ticketFor("HTTP/web.contoso.com"));
        Path logs = dir.resolve("two-servers.xml");
        // the file server logged John on with Kerberos (a share he opened); the site refused him
        java.nio.file.Files.writeString(logs, logon(4624, "Kerberos", null, "FILESRV.contoso.com")
                + logon(4625, "Kerberos", "0xc000015b", "WEB.contoso.com"));
        AuthAttempt at = analyze(capture, logs).attempts().get(0);
        assertEquals(Outcome.FAILED, at.outcome(), at.steps().toString());
        assertTrue(at.failedStep().note().contains("(WEB.contoso.com)"), at.failedStep().note());
    }

    /** The usual fallback: the KDC does not know the site's SPN, and the site's log shows the NTLM logon that followed. */
    @Test
    void anUnknownSpnThenAnNtlmLogonIsAFallback(@TempDir Path dir) throws Exception {
        Path capture = visit(dir.resolve("https-spn-unknown.pcapng"), "an HTTPS site whose SPN is not registered",
                "web.contoso.com", unknownSpn("HTTP/web.contoso.com"));
        Path ntlm = dir.resolve("iis-ntlm.xml");
        java.nio.file.Files.writeString(ntlm, logon(4624, "NTLM", null));
        Analysis a = analyze(capture, ntlm);
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.NTLM_FALLBACK, at.outcome(), at.steps().toString());
        assertEquals(StepStatus.FAILED, at.step(Step.TICKET).status());
        assertEquals(StepStatus.OK, at.step(Step.AUTHORIZED).status());
        Finding fb = a.findings().stream().filter(x -> x.id().equals("http.ntlm-fallback")).findFirst().orElseThrow();
        assertTrue(fb.explanation().contains("the KDC refused the ticket for HTTP/web.contoso.com (KDC_ERR_S_PRINCIPAL_UNKNOWN"),
                fb.explanation());
        assertEquals("setspn -Q HTTP/web.contoso.com", fb.remediation().get(0));
        // the cause is named too, on the same attempt
        assertEquals(0, a.findings().stream().filter(x -> x.id().equals("kerberos.spn-unknown")).findFirst().orElseThrow().attempt());
        // a Kerberos logon of the client (another service of the server, say) is no answer to this site's failure
        Path kerberos = dir.resolve("iis-kerberos.xml");
        java.nio.file.Files.writeString(kerberos, logon(4624, "Kerberos", null));
        assertEquals(Outcome.FAILED, analyze(capture, kerberos).attempts().get(0).outcome());
    }

    @Test
    void aTlsHandshakeTheServerRefusesIsTheConnectStepFailing(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("https-tls-refused.pcapng");
        try (Recorder r = new Recorder(capture, "the site shares no TLS version with the browser")) {
            Recorder.TcpFlow c = r.connect(BROWSER, WEB);
            byte[] hello = clientHello("web.contoso.com");
            c.data(true, hello, 0, hello.length);
            byte[] alert = {21, 3, 3, 0, 2, 2, 40};
            c.data(false, alert, 0, alert.length);
            c.fin(false);
            c.fin(true);
        }
        Analysis a = analyze(capture);
        assertEquals(1, a.attempts().size(), a.attempts().toString());
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.FAILED, at.outcome());
        assertEquals(Step.CONNECT, at.failedStep().step());
        assertEquals("the TCP handshake succeeded, then TLS failed: the server sent the fatal alert handshake_failure (40)",
                at.failedStep().note());
        Finding f = a.findings().stream().filter(x -> x.id().equals("tls.handshake-failed")).findFirst().orElseThrow();
        assertEquals(0, f.attempt());
        assertEquals(org.kerbscope.core.model.Severity.ERROR, f.severity());
        assertEquals("The TLS handshake with web.contoso.com failed: the server sent handshake_failure (40)", f.title());
        assertTrue(f.remediation().contains("Get-TlsCipherSuite | Format-Table Name"), f.remediation().toString());
    }

    /** The ntlm-fallback sample with the site's Security log: its NTLM logon (4624, IPv4-mapped address) confirms it. */
    @Test
    void theSitesNtlmLogonConfirmsAFallback(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("iis-ntlm.xml");
        java.nio.file.Files.writeString(log, logon(4624, "NTLM", null));
        Analysis a = analyze(LabScenariosTest.samples().resolve("ntlm-fallback.pcapng"), log);
        Finding f = a.findings().stream().filter(x -> x.id().equals("http.ntlm-fallback")).findFirst().orElseThrow();
        assertTrue(f.evidence().stream().anyMatch(e -> e.file() != null
                && e.what().equals("event 4624 record 51200: logon with NTLM from 192.168.2.101")), f.evidence().toString());
    }

    /**
     * A browser behind a web proxy: CONNECT web.contoso.com:443, the proxy's 200, then the site's TLS through the tunnel
     * on the same connection. The hello inside the tunnel names the site; the ticket exchange is the site's.
     */
    @Test
    void anHttpsSiteThroughAProxyTunnelIsTheSitesAttempt(@TempDir Path dir) throws Exception {
        LabEndpoint proxy = new LabEndpoint("192.168.2.20", 8080);
        Path capture = dir.resolve("https-via-proxy.pcapng");
        try (Recorder r = new Recorder(capture, "an HTTPS site through a web proxy; the SPN is not registered")) {
            Recorder.TcpFlow c = r.connect(BROWSER, proxy);
            connect(c, "web.contoso.com:443", "HTTP/1.1 200 Connection established\r\n\r\n");
            byte[] hello = clientHello("web.contoso.com");
            c.data(true, hello, 0, hello.length);
            byte[] server = encrypted(1200, 1);
            c.data(false, server, 0, server.length);
            byte[] req = tgsReq("HTTP/web.contoso.com");
            r.udp(BROWSER_KRB, KDC, req, 0, req.length);
            byte[] refused = unknownSpn("HTTP/web.contoso.com");
            r.udp(KDC, BROWSER_KRB, refused, 0, refused.length);
            byte[] more = encrypted(3000, 2);
            c.data(true, more, 0, more.length);
            c.data(false, more, 0, more.length);
        }
        Analysis a = analyze(capture);
        // the tunnel's hello is read as TLS, not passed over with the tunnel
        Event hello = a.events("tls").get(0);
        assertEquals("web.contoso.com", hello.string("sni"));
        assertEquals("192.168.2.20", hello.dst().address());
        assertEquals(2, a.events("http").size(), a.events("http").toString());
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        assertEquals(1, a.attempts().size(), a.attempts().toString());
        AuthAttempt at = a.attempts().get(0);
        assertEquals("web.contoso.com", at.host());
        assertEquals("HTTP/web.contoso.com", at.spn());
        assertEquals("Proxy (HTTPS tunnel)", at.serverRole());
        assertEquals(Outcome.FAILED, at.outcome());
        assertEquals(Step.TICKET, at.failedStep().step());
        assertEquals(StepStatus.NOT_APPLICABLE, at.step(Step.NAME_RESOLUTION).status());
        assertEquals("through the proxy 192.168.2.20:8080: the proxy resolves web.contoso.com", at.step(Step.NAME_RESOLUTION).note());
        assertEquals(StepStatus.OK, at.step(Step.CONNECT).status());
        assertTrue(at.step(Step.CONNECT).note().endsWith(", then CONNECT web.contoso.com:443 answered 200 Connection established:"
                + " a tunnel through the proxy"), at.step(Step.CONNECT).note());
        assertEquals(4, at.step(Step.CONNECT).frames().size());
        assertTrue(at.step(Step.ANONYMOUS_REQUEST).encrypted());
        assertEquals(0, a.findings().stream().filter(x -> x.id().equals("kerberos.spn-unknown")).findFirst().orElseThrow().attempt());
    }

    /** The lab's https-via-proxy sample: a real JDK browser's CONNECT, its TLS to the site in the tunnel, a real KDC. */
    @Test
    void theLabsProxyTunnelSampleIsTheSitesFlow() throws Exception {
        Analysis a = analyze(LabScenariosTest.samples().resolve("https-via-proxy.pcapng"));
        assertEquals(1, a.attempts().size(), a.attempts().toString());
        AuthAttempt at = a.attempts().get(0);
        assertEquals("iisserver.contoso.com", at.host());
        assertEquals("HTTP/iisserver.contoso.com", at.spn());
        assertEquals(8080, at.server().port());
        assertEquals("Proxy (HTTPS tunnel)", at.serverRole());
        assertEquals("the proxy's name: proxy.contoso.com → 192.168.2.104 (the proxy resolves iisserver.contoso.com)",
                at.step(Step.NAME_RESOLUTION).note());
        // the sequence diagram's lookup is the proxy's name, its lane the proxy
        assertEquals(List.of("DNS query proxy.contoso.com", "DNS answer", "TCP SYN :8080"), org.kerbscope.engine.report.FlowDiagram
                .arrows(at).stream().map(org.kerbscope.engine.report.FlowDiagram.Arrow::label).toList().subList(0, 3));
        assertEquals("Proxy (HTTPS tunnel)", org.kerbscope.engine.report.FlowDiagram.lanes(at)[3]);
        assertEquals(StepStatus.OK, at.step(Step.TICKET).status());
        assertEquals(Outcome.INCOMPLETE, at.outcome());
        assertEquals(List.of("clientHello", "serverHello"), a.events("tls").stream().map(e -> e.string("kind")).toList());
        assertTrue(a.findings().stream().anyMatch(x -> x.id().equals("http.tls-encrypted")), a.findings().toString());
    }

    /** A proxy that cannot reach the intranet site answers CONNECT with 502: the connect step failed at the proxy. */
    @Test
    void aTunnelTheProxyRefusesIsTheConnectStepFailing(@TempDir Path dir) throws Exception {
        LabEndpoint proxy = new LabEndpoint("192.168.2.20", 8080);
        Path capture = dir.resolve("https-proxy-502.pcapng");
        try (Recorder r = new Recorder(capture, "the proxy cannot resolve the intranet site")) {
            connect(r.connect(BROWSER, proxy), "web.contoso.com:443", "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            // another site opens, after a first refusal: no failure is left for it
            connect(r.connect(new LabEndpoint("192.168.2.101", 50444), proxy), "www.fabrikam.com:443",
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
            connect(r.connect(new LabEndpoint("192.168.2.101", 50445), proxy), "www.fabrikam.com:443",
                    "HTTP/1.1 200 Connection established\r\n\r\n");
            // a third opens after the proxy asked for its own credentials: the proxy's authentication, no refusal
            Recorder.TcpFlow c = r.connect(new LabEndpoint("192.168.2.101", 50446), proxy);
            connect(c, "intranet.contoso.com:443", "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            byte[] again = ("CONNECT intranet.contoso.com:443 HTTP/1.1\r\nHost: intranet.contoso.com:443\r\n"
                    + "Proxy-Authorization: Basic am9objpwdw==\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            c.data(true, again, 0, again.length);
            byte[] ok = "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            c.data(false, ok, 0, ok.length);
        }
        Analysis a = analyze(capture);
        // one refused tunnel (the Basic logon to the proxy is an attempt of the proxy's own)
        List<AuthAttempt> tunnels = a.attempts().stream().filter(x -> "Proxy (HTTPS tunnel)".equals(x.serverRole())).toList();
        assertEquals(1, tunnels.size(), a.attempts().stream().map(x -> x.host() + " " + x.serverRole()).toList().toString());
        assertEquals(List.of("Proxy"), a.attempts().stream().map(AuthAttempt::serverRole).filter(r -> !r.contains("tunnel")).toList());
        AuthAttempt at = tunnels.get(0);
        assertEquals("web.contoso.com", at.host());
        assertEquals(Outcome.FAILED, at.outcome());
        assertEquals(Step.CONNECT, at.failedStep().step());
        assertEquals("the proxy answered CONNECT web.contoso.com:443 with 502 Bad Gateway: it opened no tunnel to the site",
                at.failedStep().note());
        assertEquals(StepStatus.NOT_APPLICABLE, at.step(Step.NAME_RESOLUTION).status());
        List<Finding> refusals = a.findings().stream().filter(x -> x.id().equals("http.proxy-tunnel-refused")).toList();
        assertEquals(1, refusals.size(), refusals.toString());
        Finding f = refusals.get(0);
        assertEquals(at.index(), f.attempt());
        assertEquals(org.kerbscope.core.model.Severity.ERROR, f.severity());
        assertEquals("The proxy 192.168.2.20 refused the tunnel to web.contoso.com (502)", f.title());
        assertTrue(f.explanation().contains("could not resolve or reach the site"), f.explanation());
        assertTrue(f.remediation().contains("Test-NetConnection web.contoso.com -Port 443   # on the proxy"), f.remediation().toString());
    }

    /** The browser's CONNECT for {@code authority} on {@code c}, and the proxy's {@code answer}. */
    private static void connect(Recorder.TcpFlow c, String authority, String answer) {
        byte[] req = ("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        c.data(true, req, 0, req.length);
        byte[] res = answer.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        c.data(false, res, 0, res.length);
    }

    /** What a tunnel carries that is not TLS (a WebSocket after 101, a raw tunnel) is passed over without a word. */
    @Test
    void aTunnelThatCarriesNoTlsIsPassedOver(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("tunnel-raw.pcapng");
        try (Recorder r = new Recorder(capture, "a CONNECT tunnel to an SSH server")) {
            Recorder.TcpFlow c = r.connect(BROWSER, new LabEndpoint("192.168.2.20", 8080));
            connect(c, "git.contoso.com:22", "HTTP/1.1 200 OK\r\n\r\n");
            byte[] ssh = "SSH-2.0-OpenSSH_9.6\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            c.data(false, ssh, 0, ssh.length);
            c.data(true, ssh, 0, ssh.length);
            // bytes that look like a TLS handshake record later on: the direction was given up, they are passed over
            byte[] later = clientHello("web.contoso.com");
            c.data(true, later, 0, later.length);
        }
        Analysis a = analyze(capture);
        assertEquals(List.of(), a.events("tls"));
        assertEquals(2, a.events("http").size());
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        assertEquals(List.of(), a.attempts());
    }

    @Test
    void anHttpsConnectionWithoutATicketRequestIsNoAttempt(@TempDir Path dir) throws Exception {
        Path capture = visit(dir.resolve("https-anonymous.pcapng"), "an HTTPS site and no Kerberos", "www.example.com", null);
        Analysis a = analyze(capture);
        assertEquals(List.of(), a.attempts());
        assertEquals(1, a.events("tls").size());
    }
}
