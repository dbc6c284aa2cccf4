package org.kerbscope.lab.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.keytab.KeytabEntry;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kerbscope.lab.Lab;
import org.kerbscope.lab.Scenario;
import org.kerbscope.lab.ScenarioResult;

/**
 * Runs every scenario of the lab (a real KDC, DNS server, web site and browser on loopback) and checks that the
 * browser ended as the story says, that the capture is well-formed pcapng with valid checksums and only lab
 * addresses, and that Wireshark reads it as the story says.
 */
class ScenarioCapturesTest {

    private static final Set<String> LAB_ADDRESSES = Set.of(Lab.CLIENT_IP, Lab.DC_IP, Lab.WEB_IP);

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Scenario.class)
    void scenarioRunsAndItsCaptureReadsAsTheStorySays(Scenario s) throws Exception {
        Optional<String> why = s.unavailable();
        if (why.isPresent()) {
            System.out.println("Skipping scenario " + s.id() + ": " + why.get());
        }
        Assumptions.assumeTrue(why.isEmpty(), () -> "scenario " + s.id() + " cannot run here: " + why.get());
        String krb5Before = System.getProperty("java.security.krb5.conf");

        ScenarioResult r = s.run(dir.resolve(s.id() + ".pcapng"));

        System.out.println(s.id() + ": " + r.clientResult() + " (" + r.clientDetail() + ") in " + r.millis() + " ms, " + r.frames() + " frames");
        assertEquals(s.clientResult(), r.clientResult(), r.story());
        assertTrue(r.millis() < 60_000, s.id() + " took " + r.millis() + " ms");
        assertEquals(krb5Before, System.getProperty("java.security.krb5.conf"), "the lab must leave the JVM's krb5.conf setting alone");
        assertTrue(Files.size(r.keytab()) > 0, "keytab beside the capture");
        assertEquals(dir.resolve(s.id() + ".keytab"), r.keytab());

        List<PcapngFrames.Epb> frames = PcapngFrames.read(r.capture());
        assertEquals(r.frames(), frames.size());
        assertTrue(frames.size() >= 4, s.id() + " recorded only " + frames.size() + " frames");
        long previous = 0;
        for (PcapngFrames.Epb f : frames) {
            assertNull(PcapngFrames.checksumProblem(f.frame()), s.id() + " frame at " + f.micros());
            assertTrue(LAB_ADDRESSES.contains(f.srcIp()) && LAB_ADDRESSES.contains(f.dstIp()),
                    "only lab addresses in the capture: " + f.srcIp() + " -> " + f.dstIp());
            assertTrue(f.micros() > previous, "timestamps increase");
            previous = f.micros();
        }

        if (!Tshark.available()) {
            System.out.println("Not checking " + s.id() + " with Wireshark: " + Tshark.whyNot());
            return;
        }
        Path c = r.capture();
        assertTrue(Tshark.count(c, s.evidenceFilter()) >= 1, s.id() + ": no frame matches " + s.evidenceFilter());
        List<Map<String, String>> t = Tshark.table(c, null, FIELDS);
        assertEquals(frames.size(), t.size(), "tshark reads every frame");
        assertEquals(0, count(t, f -> v(f, "frame.protocols").contains("malformed")), s.id() + ": tshark finds malformed frames");
        switch (s) {
            case SUCCESS_UDP, SUCCESS_TCP -> {
                assertTrue(count(t, f -> v(f, "dns.qry.name").equals("iisserver.contoso.com") && v(f, "dns.a").equals(Lab.WEB_IP)) >= 1,
                        "DNS answer");
                assertTrue(values(t, f -> v(f, "http.response.code").equals("401"), "http.www_authenticate").contains("Negotiate,NTLM"),
                        "the 401 offers Negotiate then NTLM");
                assertTrue(count(t, f -> has(f, "http.authorization") && msg(f, "14")) >= 1, "AP-REQ in the Authorization header");
                assertTrue(count(t, f -> v(f, "http.response.code").equals("200") && msg(f, "15")) >= 1, "mutual auth AP-REP in the 200");
                assertTrue(count(t, f -> v(f, "http.response.code").equals("200") && v(f, "http.server").equals("Microsoft-IIS/10.0")
                        && v(f, "http.response.line").toLowerCase(Locale.ROOT).contains("persistent-auth: true")) >= 1,
                        "IIS-like success headers");
                assertTrue(values(t, f -> msg(f, "12"), "kerberos.SNameString").stream().anyMatch(l -> l.contains("HTTP,iisserver.contoso.com")),
                        "TGS-REQ for HTTP/iisserver.contoso.com");
                List<Map<String, String>> d = Tshark.table(c, r.keytab(), List.of("http.authorization", "kerberos.CNameString"));
                assertTrue(values(d, f -> has(f, "http.authorization"), "kerberos.CNameString").stream().anyMatch(l -> l.contains("john")),
                        "the keytab beside the capture decrypts the service ticket in the AP-REQ");
                boolean tcp = s == Scenario.SUCCESS_TCP;
                long overUdp = count(t, f -> (v(f, "udp.srcport").equals("88") || v(f, "udp.dstport").equals("88")) && has(f, "kerberos.msg_type"));
                assertTrue(tcp ? overUdp == 0 : overUdp >= 6, "AS and TGS exchanges over " + (tcp ? "TCP" : "UDP") + ": " + overUdp);
                assertEquals(tcp, count(t, f -> v(f, "tcp.srcport").equals("88") && msg(f, "13")) >= 1, "TGS-REP over TCP");
            }
            case SPN_UNKNOWN -> {
                assertTrue(values(t, f -> err(f, "7"), "kerberos.SNameString").stream().anyMatch(l -> l.contains("HTTP,intranet.contoso.com")),
                        "KRB-ERROR 7 names the missing SPN");
                assertEquals(0, count(t, f -> has(f, "http.authorization")), "no token is sent");
                assertEquals(List.of("401"), values(t, f -> has(f, "http.response.code"), "http.response.code"));
            }
            case STALE_KEYTAB -> {
                assertEquals(List.of("2"), values(t, f -> has(f, "http.authorization") && msg(f, "14"), "kerberos.kvno"),
                        "the ticket is encrypted with key version 2");
                assertEquals(List.of("401", "401"), values(t, f -> has(f, "http.response.code"), "http.response.code"));
                assertEquals(Set.of(1), kvnos(r.serverKeytab(), "HTTP/iisserver.contoso.com"), "the site holds version 1");
                assertEquals(Set.of(2), kvnos(r.keytab(), "HTTP/iisserver.contoso.com"), "the KDC holds version 2");
            }
            case SERVER_CLOCK_SKEW -> {
                List<Map<String, String>> answers = t.stream().filter(f -> v(f, "http.response.code").equals("401")).toList();
                assertEquals(2, answers.size(), "401 to the anonymous request and 401 to the AP-REQ");
                for (Map<String, String> f : answers) {
                    long frame = (long) Double.parseDouble(v(f, "frame.time_epoch"));
                    long date = ZonedDateTime.parse(v(f, "http.date"), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
                    assertTrue(Math.abs(date - frame - 600) < 60, "the site's Date header runs 10 minutes ahead: " + f);
                }
                assertEquals(1, count(t, f -> has(f, "http.authorization") && msg(f, "14")), "one AP-REQ was sent");
                assertTrue(r.serverEvents().stream().anyMatch(e -> e.contains("(37)")), "the site rejected with KRB_AP_ERR_SKEW: " + r.serverEvents());
            }
            case NTLM_ONLY -> {
                assertEquals("NTLM", values(t, f -> v(f, "http.response.code").equals("401"), "http.www_authenticate").get(0));
                assertEquals(0, count(t, f -> msg(f, "12")), "no ticket is asked for");
                assertTrue(count(t, f -> v(f, "http.authorization").startsWith("NTLM TlRMTVNT") && v(f, "ntlmssp.messagetype").equals("0x00000003")) >= 1);
                assertTrue(count(t, f -> v(f, "http.response.code").equals("200")) >= 1);
            }
            case WRONG_PASSWORD -> {
                assertTrue(values(t, f -> err(f, "31"), "kerberos.e_text").contains("PREAUTH_FAILED"), "Kerby's dialect: 31 with e-text PREAUTH_FAILED");
                assertEquals(0, count(t, f -> msg(f, "11") || msg(f, "12")), "no TGT, no ticket request");
                assertEquals(0, count(t, f -> has(f, "http.authorization")));
            }
            case NTLM_FALLBACK, CNAME_ALIAS -> {
                String spn = s == Scenario.CNAME_ALIAS ? "HTTP,iisserver.contoso.com" : "HTTP,intranet.contoso.com";
                assertTrue(values(t, f -> err(f, "7"), "kerberos.SNameString").stream().anyMatch(l -> l.contains(spn)), "KRB-ERROR 7 for " + spn);
                assertEquals(2, count(t, f -> v(f, "http.authorization").startsWith("Negotiate TlRMTVNT")), "NTLM inside Negotiate");
                assertTrue(count(t, f -> v(f, "ntlmssp.messagetype").equals("0x00000003") && v(f, "ntlmssp.auth.username").equals("john")) >= 1);
                assertTrue(count(t, f -> v(f, "http.response.code").equals("200")) >= 1);
                if (s == Scenario.CNAME_ALIAS) {
                    assertTrue(count(t, f -> v(f, "dns.qry.name").equals("www.contoso.com") && v(f, "dns.cname").equals("iisserver.contoso.com")) >= 1);
                }
            }
            case NAME_NOT_RESOLVED -> {
                assertTrue(count(t, f -> v(f, "dns.flags.rcode").equals("3") && v(f, "dns.qry.name").equals("portal.contoso.com")
                        && has(f, "dns.soa.mname")) >= 1);
                assertEquals(0, count(t, f -> v(f, "tcp.dstport").equals("80")), "the browser never connects");
            }
            case PORT_CLOSED -> {
                assertEquals(1, count(t, f -> v(f, "tcp.dstport").equals("80") && v(f, "tcp.flags.syn").equals("1") && v(f, "tcp.flags.ack").equals("0")));
                assertEquals(1, count(t, f -> v(f, "tcp.srcport").equals("80") && v(f, "tcp.flags.reset").equals("1") && v(f, "tcp.flags.ack").equals("1")));
                assertEquals(0, count(t, f -> has(f, "http.request") || has(f, "http.response.code")));
            }
            case IP_LITERAL -> {
                assertEquals(0, count(t, f -> v(f, "dns.qry.type").equals("1")), "no name to resolve");
                assertEquals(0, count(t, f -> msg(f, "12")), "no ticket asked for an IP address");
                assertTrue(count(t, f -> v(f, "http.host").equals(Lab.WEB_IP)) >= 1);
                assertEquals(2, count(t, f -> v(f, "http.authorization").startsWith("Negotiate TlRMTVNT")), "NTLM inside Negotiate");
            }
            case CLIENT_CLOCK_SKEW -> {
                List<Map<String, String>> d = Tshark.table(c, r.keytab(), List.of("frame.time_epoch", "kerberos.msg_type", "kerberos.patimestamp"));
                List<Map<String, String>> stamped = d.stream().filter(f -> msg(f, "10") && has(f, "kerberos.patimestamp")).toList();
                assertEquals(1, stamped.size(), "one AS-REQ with a decryptable PA-ENC-TIMESTAMP");
                long frame = (long) Double.parseDouble(v(stamped.get(0), "frame.time_epoch"));
                long stamp = ZonedDateTime.parse(v(stamped.get(0), "kerberos.patimestamp").replaceAll("\\.\\d+ ", " "),
                        DateTimeFormatter.ofPattern("MMM d, yyyy HH:mm:ss z", Locale.ENGLISH)).toEpochSecond();
                assertTrue(Math.abs(frame - stamp - 600) < 60, "the client's timestamp is 10 minutes behind: " + stamped.get(0));
                assertEquals(0, count(t, f -> msg(f, "12")));
            }
            case USER_UNKNOWN -> {
                assertEquals(List.of("jane"), values(t, f -> err(f, "6"), "kerberos.CNameString"));
                assertEquals(0, count(t, f -> has(f, "http.authorization")));
            }
            case HTTPS_SUCCESS, HTTPS_SPN_UNKNOWN -> {
                String host = s == Scenario.HTTPS_SUCCESS ? "iisserver.contoso.com" : "intranet.contoso.com";
                assertTrue(count(t, f -> v(f, "tls.handshake.extensions_server_name").equals(host) && v(f, "tcp.dstport").equals("443")) >= 1,
                        "the ClientHello to port 443 names the site");
                assertEquals(0, count(t, f -> has(f, "http.request") || has(f, "http.response.code")), "HTTP travels encrypted");
                assertTrue(values(t, f -> msg(f, "12"), "kerberos.SNameString").stream().anyMatch(l -> l.contains("HTTP," + host)),
                        "the TGS-REQ for HTTP/" + host + " is in clear");
                assertEquals(s == Scenario.HTTPS_SPN_UNKNOWN, count(t, f -> err(f, "7")) >= 1, "KRB-ERROR 7 only where the SPN is unknown");
            }
            case PROXY_KERBEROS -> {
                assertTrue(count(t, f -> v(f, "dns.qry.name").equals("proxy.contoso.com") && v(f, "dns.a").equals(Lab.WEB_IP)) >= 1);
                assertTrue(values(t, f -> msg(f, "12"), "kerberos.SNameString").stream().anyMatch(l -> l.contains("HTTP,proxy.contoso.com")),
                        "TGS-REQ for HTTP/proxy.contoso.com");
                assertEquals(1, count(t, f -> v(f, "http.proxy_authorization").startsWith("Negotiate ") && msg(f, "14")),
                        "the AP-REQ in Proxy-Authorization");
                assertTrue(count(t, f -> v(f, "http.response.code").equals("200") && msg(f, "15")) >= 1,
                        "the proxy's mutual-authentication AP-REP in the 200");
                assertEquals(0, count(t, f -> has(f, "http.authorization") || has(f, "ntlmssp.messagetype")));
            }
            case PROXY_SPN_UNKNOWN -> {
                assertTrue(count(t, f -> v(f, "dns.qry.name").equals("proxy.contoso.com") && v(f, "dns.a").equals(Lab.WEB_IP)) >= 1,
                        "the browser resolves its proxy, not the site");
                assertEquals(0, count(t, f -> v(f, "dns.qry.name").equals("www.fabrikam.com")));
                assertTrue(count(t, f -> v(f, "http.request.uri").equals("http://www.fabrikam.com/") && v(f, "tcp.dstport").equals("8080")) >= 1,
                        "requests in absolute form to the proxy's port");
                assertTrue(values(t, f -> v(f, "http.response.code").equals("407"), "http.proxy_authenticate").contains("Negotiate,NTLM"),
                        "the 407 offers Negotiate then NTLM");
                assertTrue(values(t, f -> err(f, "7"), "kerberos.SNameString").stream().anyMatch(l -> l.contains("HTTP,proxy.contoso.com")),
                        "KRB-ERROR 7 for HTTP/proxy.contoso.com");
                assertEquals(2, count(t, f -> v(f, "http.proxy_authorization").startsWith("Negotiate TlRMTVNT")),
                        "NTLM inside Negotiate, in Proxy-Authorization");
                assertEquals(0, count(t, f -> has(f, "http.authorization")));
                assertTrue(count(t, f -> v(f, "ntlmssp.messagetype").equals("0x00000003") && v(f, "ntlmssp.auth.username").equals("john")) >= 1);
                assertTrue(count(t, f -> v(f, "http.response.code").equals("200")) >= 1);
            }
            case HTTPS_VIA_PROXY -> {
                assertTrue(count(t, f -> v(f, "dns.qry.name").equals("proxy.contoso.com") && v(f, "dns.a").equals(Lab.WEB_IP)) >= 1,
                        "the browser resolves its proxy");
                assertEquals(0, count(t, f -> v(f, "dns.qry.name").equals("iisserver.contoso.com")), "the proxy resolves the site");
                assertEquals(List.of("iisserver.contoso.com:443"), values(t, f -> v(f, "tcp.dstport").equals("8080")
                        && has(f, "http.request.uri"), "http.request.uri"), "one CONNECT to the proxy's port");
                assertEquals(1, count(t, f -> v(f, "http.response.code").equals("200") && v(f, "tcp.srcport").equals("8080")),
                        "the proxy opens the tunnel");
                assertTrue(count(t, f -> v(f, "tls.handshake.extensions_server_name").equals("iisserver.contoso.com")
                        && v(f, "tcp.dstport").equals("8080")) >= 1, "the ClientHello inside the tunnel names the site");
                assertEquals(0, count(t, f -> has(f, "http.authorization") || has(f, "http.www_authenticate")
                        || has(f, "http.proxy_authorization")), "the site's HTTP travels encrypted, the proxy asks for nothing");
                assertTrue(values(t, f -> msg(f, "12"), "kerberos.SNameString").stream()
                        .anyMatch(l -> l.contains("HTTP,iisserver.contoso.com")), "the TGS-REQ for the site, not the proxy");
                assertEquals(0, count(t, f -> has(f, "kerberos.error_code") && !err(f, "25")));
            }
            default -> throw new AssertionError("no Wireshark checks written for " + s.id());
        }
    }

    private static final List<String> FIELDS = List.of("frame.time_epoch", "frame.protocols", "tcp.srcport", "tcp.dstport",
            "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset", "udp.srcport", "udp.dstport", "dns.qry.name", "dns.qry.type",
            "dns.flags.rcode", "dns.a", "dns.cname", "dns.soa.mname", "http.request", "http.response.code", "http.www_authenticate",
            "http.authorization", "http.server", "http.response.line", "http.date", "http.host", "tls.handshake.extensions_server_name",
            "kerberos.msg_type",
            "kerberos.error_code", "kerberos.e_text", "kerberos.SNameString", "kerberos.CNameString", "kerberos.kvno",
            "ntlmssp.messagetype", "ntlmssp.auth.username", "http.request.uri", "http.proxy_authenticate",
            "http.proxy_authorization");

    private static String v(Map<String, String> f, String field) {
        return f.getOrDefault(field, "");
    }

    private static boolean has(Map<String, String> f, String field) {
        return !v(f, field).isEmpty();
    }

    private static boolean msg(Map<String, String> f, String type) {
        return List.of(v(f, "kerberos.msg_type").split(",")).contains(type);
    }

    private static boolean err(Map<String, String> f, String code) {
        return v(f, "kerberos.error_code").equals(code);
    }

    private static long count(List<Map<String, String>> t, Predicate<Map<String, String>> p) {
        return t.stream().filter(p).count();
    }

    private static List<String> values(List<Map<String, String>> t, Predicate<Map<String, String>> p, String field) {
        return t.stream().filter(p).map(f -> v(f, field)).toList();
    }

    private static Set<Integer> kvnos(Path keytab, String principal) throws IOException {
        Objects.requireNonNull(keytab, "keytab");
        Keytab k = Keytab.loadKeytab(keytab.toFile());
        List<KeytabEntry> entries = k.getKeytabEntries(new PrincipalName(principal + "@" + Lab.REALM));
        return entries.stream().map(KeytabEntry::getKvno).collect(java.util.stream.Collectors.toSet());
    }
}
