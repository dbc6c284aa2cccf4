package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * A browser authenticating to its proxy rather than to the site (RFC 9110 11.7): the proxy answers 407 with
 * Proxy-Authenticate: Negotiate and NTLM, and the client, asking no ticket for HTTP/proxy.contoso.com, answers with
 * NTLM in Proxy-Authorization. The attempt is the client → proxy one, named after the proxy as the client resolved it
 * (not after the Host of the page it fetches), and the findings are the web site's: NTLM instead of Kerberos.
 * The capture is built here: DNS (RFC 1035), HTTP/1.1 in absolute form (RFC 9112 3.2.2), NTLMSSP messages
 * ([MS-NLMP] 2.2.1.1-2.2.1.3) with empty fields.
 */
class ProxyAuthTest {
    @TempDir
    Path dir;

    private static final byte[] CLIENT = {(byte) 192, (byte) 168, 2, 101};
    private static final byte[] DNS = {(byte) 192, (byte) 168, 2, 53};

    private static String ntlm(int type, int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(type);
        switch (type) {
            case 1 -> b.putInt(0xa2088207).putLong(0).putLong(0);                        // flags, domain, workstation
            case 2 -> b.putShort((short) 0).putShort((short) 0).putInt(48).putInt(0xa2898205)
                    .put(HexFormat.of().parseHex("0123456789abcdef")).putLong(0)
                    .putShort((short) 0).putShort((short) 0).putInt(48);               // target name, flags, challenge, info
            default -> {
                for (int i = 0; i < 6; i++) {                                           // LM, NT, domain, user, host, key
                    b.putShort((short) 0).putShort((short) 0).putInt(64);
                }
                b.putInt(0xa2888205);
            }
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static byte[] http(String s) {
        return s.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private Path capture() throws IOException {
        return capture("Proxy-Authenticate: Negotiate\nProxy-Authenticate: NTLM\n", "Negotiate");
    }

    /** The exchange, the proxy offering {@code offers} and the client answering NTLM in {@code scheme}. */
    private Path capture(String offers, String scheme) throws IOException {
        TestCapture c = new TestCapture();
        c.udp(CLIENT, 53000, DNS, 53, HexFormat.of().parseHex("abcd01000001000000000000" + "0570726f787907636f6e746f736f03636f6d0000010001"));
        c.udp(DNS, 53, CLIENT, 53000, HexFormat.of().parseHex("abcd81800001000100000000" + "0570726f787907636f6e746f736f03636f6d0000010001"
                + "c00c000100010000003c0004c0a8020a")); // proxy.contoso.com A 192.168.2.10
        String get = "GET http://www.fabrikam.com/ HTTP/1.1\nHost: www.fabrikam.com\nProxy-Connection: keep-alive\n";
        c.stream(CLIENT, 50000, 8080)
                .send(true, http(get + "\n"))
                .send(false, http("HTTP/1.1 407 Proxy Authentication Required\n" + offers + "Content-Length: 0\n\n"))
                .send(true, http(get + "Proxy-Authorization: " + scheme + " " + ntlm(1, 32) + "\n\n"))
                .send(false, http("HTTP/1.1 407 Proxy Authentication Required\nProxy-Authenticate: " + scheme + " "
                        + ntlm(2, 48) + "\nContent-Length: 0\n\n"))
                .send(true, http(get + "Proxy-Authorization: " + scheme + " " + ntlm(3, 64) + "\n\n"))
                .send(false, http("HTTP/1.1 200 OK\nContent-Length: 0\n\n"));
        return c.write(dir.resolve("proxy-" + scheme + ".pcap"));
    }

    @Test
    void theClientFallingBackToNtlmWithItsProxyIsOneAttemptToTheProxy() throws IOException {
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults())
                .analyze(capture(), "proxy-ntlm", List.of(), Progress.NONE);
        assertEquals(6, a.events("http").size(), a.events("http")::toString);
        assertEquals(1, a.attempts().size(), a.attempts()::toString);
        AuthAttempt at = a.attempts().get(0);
        assertEquals("192.168.2.10:8080", at.server().toString());
        assertEquals("proxy.contoso.com", at.host(), "the proxy's name, not the Host of the page");
        assertEquals("HTTP/proxy.contoso.com", at.spn());
        assertEquals(StepStatus.OK, at.step(Step.NAME_RESOLUTION).status(), at.steps()::toString);
        assertEquals(StepStatus.OK, at.step(Step.CHALLENGE).status());
        assertTrue(at.step(Step.CHALLENGE).note().startsWith("407 offering Negotiate, NTLM from the proxy"),
                at.step(Step.CHALLENGE).note());
        assertEquals(StepStatus.FAILED, at.step(Step.TICKET_REQUEST).status());
        assertTrue(at.step(Step.TICKET_REQUEST).note().contains("HTTP/proxy.contoso.com"), at.step(Step.TICKET_REQUEST).note());
        assertEquals(StepStatus.FAILED, at.step(Step.AP_EXCHANGE).status());
        assertEquals(StepStatus.OK, at.step(Step.AUTHORIZED).status(), "200 after the NTLM AUTHENTICATE");
        assertEquals(Outcome.NTLM_FALLBACK, at.outcome());
        List<String> ids = a.findings().stream().map(f -> f.id()).toList();
        assertTrue(ids.containsAll(List.of("http.ntlm-fallback", "http.no-kerberos-attempt")), ids::toString);
        var fallback = a.findings().stream().filter(f -> f.id().equals("http.ntlm-fallback")).findFirst().orElseThrow();
        assertTrue(fallback.title().contains("proxy.contoso.com"), fallback.title());
        assertTrue(fallback.evidence().stream().anyMatch(e -> e.what().startsWith("407 offering")), fallback::toString);
        // the sequence diagram names the lane the client talks to a proxy
        assertEquals(List.of("Client", "DNS", "KDC", "Proxy"), List.of(org.kerbscope.engine.report.FlowDiagram.lanes(at)));
        assertTrue(org.kerbscope.engine.report.FlowDiagram.svg(at).contains(">Proxy</text>"), "the report's diagram too");
    }

    @Test
    void aProxyOfferingOnlyNtlmIsToldApartFromAnIisSite() throws IOException {
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults())
                .analyze(capture("Proxy-Authenticate: NTLM\n", "NTLM"), "proxy-ntlm-only", List.of(), Progress.NONE);
        var only = a.findings().stream().filter(f -> f.id().equals("http.ntlm-only")).findFirst()
                .orElseThrow(() -> new AssertionError(a.findings().toString()));
        assertEquals("The proxy proxy.contoso.com offers NTLM but not Negotiate", only.title());
        assertTrue(only.remediation().contains("setspn -Q HTTP/proxy.contoso.com"), only.remediation()::toString);
        assertTrue(only.remediation().stream().noneMatch(r -> r.contains("appcmd")), "no IIS advice for a proxy");
        assertEquals("Proxy", org.kerbscope.engine.report.FlowDiagram.lanes(a.attempts().get(0))[3]);
    }
}
