package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;

/**
 * HTTPS over HTTP/2, read with the TLS key log: curl's real HTTP/2 connections (the dissector bundle's
 * {@code resources/tls-keylog/h2-*}, made by {@code releng/http2-keylog-fixture}) with a Kerby-encoded ticket exchange
 * where the client asked the KDC. The guide's flow is read on HTTP/2 as on HTTP/1.1; a site that refuses Windows
 * authentication over HTTP/2 ({@code HTTP_1_1_REQUIRED}) is followed to the client's HTTP/1.1 retry, or found when
 * there is none.
 */
class Http2KeyLogAnalysisTest {

    private static Path keylog(String name) {
        return HttpsKeyLogTest.fixtures().resolve(name + ".keylog");
    }

    @Test
    void theGuidesFlowOverHttp2(@TempDir Path dir) throws Exception {
        Path capture = HttpsKeyLogTest.capture(dir, "h2-negotiate");
        Analysis a = HttpsKeyLogTest.analyze(capture, List.of(keylog("h2-negotiate")));
        assertEquals(1, a.attempts().size(), a.attempts().toString());
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.KERBEROS, at.outcome(), at.steps().toString());
        assertEquals("HTTPS server", at.serverRole());
        assertEquals("HTTP/iisserver.contoso.com", at.spn());
        for (Step s : List.of(Step.CONNECT, Step.ANONYMOUS_REQUEST, Step.CHALLENGE, Step.TICKET_REQUEST, Step.TICKET,
                Step.AP_EXCHANGE, Step.AUTHORIZED)) {
            assertEquals(StepStatus.OK, at.step(s).status(), s + " " + at.steps());
        }
        assertEquals("HTTP 200 with mutual authentication", at.step(Step.AUTHORIZED).note());
        assertTrue(a.events("kerberos").stream().anyMatch(e -> "AP-REQ".equals(e.string("msgType"))
                && "http".equals(e.string("carrier"))), a.events("kerberos").toString());
        assertTrue(a.findings().stream().noneMatch(f -> f.severity() == Severity.ERROR), a.findings().toString());
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());

        // Wireshark reads the same statuses and the same Authorization in the same capture with the same key log
        if (Files.isExecutable(Path.of("/usr/bin/tshark"))) {
            Process p = new ProcessBuilder("tshark", "-n", "-r", capture.toString(), "-o",
                    "tls.keylog_file:" + keylog("h2-negotiate"), "-Y", "http2.type == 1", "-T", "fields",
                    "-e", "frame.number", "-e", "http2.headers.status", "-e", "http2.headers.authorization").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            List<String> rows = out.lines().filter(l -> !l.isBlank()).toList();
            List<String> ours = a.events("http").stream().map(e -> e.frame() + "\t"
                    + (e.fields().containsKey("status") ? e.integer("status", 0) : "") + "\t"
                    + (e.fields().containsKey("authorization") ? "Negotiate" : "")).toList();
            assertEquals(ours, rows.stream().map(r -> {
                String[] f = r.split("\t", -1);
                return f[0] + "\t" + f[1] + "\t" + (f.length > 2 && f[2].startsWith("Negotiate ") ? "Negotiate" : "");
            }).toList(), out);
        }
    }

    /**
     * Without the key log: a TLS 1.2 ServerHello shows the server chose HTTP/2, and the encrypted attempt says what follows
     * for Windows authentication. (TLS 1.3 says it inside the encryption: see the events with the key log.)
     */
    @Test
    void withoutTheKeyLogTheHttp2ChoiceIsSaid(@TempDir Path dir) throws Exception {
        Path capture = HttpsKeyLogTest.capture(dir, "h2-tls12-http11-required-1");
        Analysis a = HttpsKeyLogTest.analyze(capture, List.of());
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.INCOMPLETE, at.outcome(), at.steps().toString());
        Finding f = a.findings().stream().filter(x -> x.id().equals("http.tls-encrypted")).findFirst()
                .orElseThrow(() -> new AssertionError(a.findings()));
        assertTrue(f.explanation().contains("Every connection to the site chose HTTP/2"), f.explanation());
        // with the HTTP/1.1 retry's connection (ALPN http/1.1) among them, HTTP/2 is not the only choice
        Path both = HttpsKeyLogTest.capture(dir, "h2-tls12-http11-required-1", "h2-tls12-http11-required-2");
        Finding g = HttpsKeyLogTest.analyze(both, List.of()).findings().stream()
                .filter(x -> x.id().equals("http.tls-encrypted")).findFirst().orElseThrow();
        assertTrue(!g.explanation().contains("HTTP/2"), g.explanation());
        // what the ClientHellos show in clear: a second connection that offers only HTTP/1.1, TLS 1.2 or 1.3
        for (String name : List.of("h2-tls12-http11-required", "h2-http11-required")) {
            Analysis closed = HttpsKeyLogTest.analyze(HttpsKeyLogTest.capture(dir, name + "-1", name + "-2"), List.of());
            String note = closed.attempts().get(0).step(Step.CHALLENGE).note();
            assertTrue(note.contains("the client then opened a connection offering only HTTP/1.1 (ALPN http/1.1)"), note);
        }
        String alone = HttpsKeyLogTest.analyze(HttpsKeyLogTest.capture(dir, "h2-negotiate"), List.of()).attempts().get(0)
                .step(Step.CHALLENGE).note();
        assertTrue(!alone.contains("HTTP/1.1"), alone);
        // with the key log, TLS 1.2 or 1.3: the retry over HTTP/1.1 is the attempt's AP exchange
        for (String name : List.of("h2-tls12-http11-required", "h2-http11-required")) {
            Analysis k = HttpsKeyLogTest.analyze(HttpsKeyLogTest.capture(dir, name + "-1", name + "-2"),
                    List.of(keylog(name)));
            assertEquals(Outcome.KERBEROS, k.attempts().get(0).outcome(), name + " " + k.attempts().get(0).steps());
            assertTrue(k.attempts().get(0).step(Step.AP_EXCHANGE).note().contains("HTTP_1_1_REQUIRED"), name);
        }
        // TLS 1.3 names the chosen protocol in EncryptedExtensions, which the key log opens
        Analysis tls13 = HttpsKeyLogTest.analyze(HttpsKeyLogTest.capture(dir, "h2-negotiate"),
                List.of(keylog("h2-negotiate")));
        assertEquals(List.of(List.of("h2")), tls13.events("tls").stream()
                .filter(e -> "encryptedExtensions".equals(e.string("kind"))).map(e -> e.list("alpn")).toList());
    }

    /** HTTP.sys's answer to Negotiate over HTTP/2, and the browser's retry over HTTP/1.1 on a new connection. */
    @Test
    void theRetryOverHttp11IsTheAttemptsApExchange(@TempDir Path dir) throws Exception {
        Path capture = HttpsKeyLogTest.capture(dir, "h2-http11-required-1", "h2-http11-required-2");
        Analysis a = HttpsKeyLogTest.analyze(capture, List.of(keylog("h2-http11-required")));
        assertEquals(1, a.attempts().size(), a.attempts().toString());
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.KERBEROS, at.outcome(), at.steps().toString());
        long retry = a.events("http").stream().filter(e -> "HTTP/1.1".equals(e.string("version"))
                && "request".equals(e.string("kind"))).findFirst().orElseThrow().frame();
        assertEquals(List.of(retry), at.step(Step.AP_EXCHANGE).frames());
        assertTrue(at.step(Step.AP_EXCHANGE).note().contains("over HTTP/1.1 after the server refused it over HTTP/2"
                + " (HTTP_1_1_REQUIRED"), at.step(Step.AP_EXCHANGE).note());
        assertTrue(a.findings().stream().noneMatch(f -> f.severity() == Severity.ERROR), a.findings().toString());
        // the server's TLS alert after the HTTP/2 connection carried HTTP is how it ended, not a handshake failure
        assertTrue(a.events("tls").stream().anyMatch(e -> "alert".equals(e.string("kind"))), a.events("tls").toString());
        assertTrue(a.findings().stream().noneMatch(f -> f.id().equals("tls.handshake-failed")), a.findings().toString());
    }

    /**
     * A client that does not ask again over HTTP/1.1: its ticket is never used. The server refused the authenticated
     * request's stream (RST_STREAM), or the connection after the anonymous stream (GOAWAY), with HTTP_1_1_REQUIRED.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"h2-http11-required-1, h2-http11-required, rstStream, RST_STREAM",
        "h2-goaway-http11-required, h2-goaway-http11-required, goaway, GOAWAY"})
    void noRetryIsAFinding(String transcript, String keylog, String kind, String named, @TempDir Path dir)
            throws Exception {
        Analysis a = HttpsKeyLogTest.analyze(HttpsKeyLogTest.capture(dir, transcript), List.of(keylog(keylog)));
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.FAILED, at.outcome(), at.steps().toString());
        for (Step s : List.of(Step.ANONYMOUS_REQUEST, Step.CHALLENGE, Step.TICKET)) {
            assertEquals(StepStatus.OK, at.step(s).status(), s + " " + at.steps());
        }
        long refusal = a.events("http2").stream().filter(e -> kind.equals(e.string("kind")) && e.integer("errorCode", -1) == 13)
                .findFirst().orElseThrow(() -> new AssertionError(a.events("http2"))).frame();
        long authenticated = a.events("http").stream().filter(e -> e.fields().containsKey("authorization")).findFirst()
                .orElseThrow().frame();
        assertEquals(StepStatus.FAILED, at.step(Step.AP_EXCHANGE).status());
        assertEquals(List.of(authenticated, refusal), at.step(Step.AP_EXCHANGE).frames());
        Finding f = a.findings().stream().filter(x -> x.id().equals("http.http11-required")).findFirst()
                .orElseThrow(() -> new AssertionError(a.findings()));
        assertEquals(Severity.ERROR, f.severity());
        assertEquals(at.index(), f.attempt());
        assertTrue(f.evidence().stream().anyMatch(e -> e.frame() == refusal && e.what().startsWith(named + " HTTP_1_1_REQUIRED")),
                f.evidence().toString());
        assertTrue(f.remediation().stream().anyMatch(r -> r.contains("EnableHttp2Tls")), f.remediation().toString());
    }

    /** NTLM over HTTP/2 is refused the same way: not a fallback that worked, but step 7 failing for HTTP/2. */
    @Test
    void ntlmRefusedOverHttp2(@TempDir Path dir) throws Exception {
        Analysis a = HttpsKeyLogTest.analyze(HttpsKeyLogTest.capture(dir, "h2-goaway-ntlm"), List.of(keylog("h2-goaway-ntlm")));
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.FAILED, at.outcome(), at.steps().toString());
        assertTrue(a.events("ntlm").stream().anyMatch(e -> "NEGOTIATE".equals(e.string("messageType"))
                && "http".equals(e.string("carrier"))), a.events("ntlm").toString());
        assertEquals(StepStatus.FAILED, at.step(Step.AP_EXCHANGE).status());
        assertTrue(at.step(Step.AP_EXCHANGE).note().contains("HTTP_1_1_REQUIRED"), at.step(Step.AP_EXCHANGE).note());
        assertTrue(a.findings().stream().anyMatch(f -> f.id().equals("http.http11-required")), a.findings().toString());
    }
}
