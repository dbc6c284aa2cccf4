package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
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
 * An HTTPS site with the browser's TLS key log (SSLKEYLOGFILE) given as {@code --tls-keylog}: the whole flow of the
 * guide is read inside TLS, as Wireshark reads it with {@code tls.keylog_file}. The TLS connections are real OpenSSL
 * ones carrying the lab's success-udp HTTP exchange (the dissector bundle's {@code resources/tls-keylog}, made by
 * {@code releng/tls-keylog-fixture}); the ticket exchange between the 401 and the authenticated request is encoded by
 * Apache Kerby.
 */
class HttpsKeyLogTest {
    private static final LabEndpoint WEB = new LabEndpoint("192.168.2.104", 443);
    private static final LabEndpoint BROWSER_KRB = new LabEndpoint("192.168.2.101", 50088);
    private static final LabEndpoint KDC = new LabEndpoint("192.168.2.10", 88);

    static Path fixtures() {
        return org.kerbscope.testing.RepoFiles.find("bundles/org.kerbscope.dissect.http.tests/resources/tls-keylog");
    }

    /**
     * The transcripts' TLS connections to the site, one after the other from the browser's ports 50443, 50444, …, with
     * the TGS exchange for HTTP/iisserver.contoso.com where a transcript has it.
     */
    static Path capture(Path dir, String... names) throws Exception {
        String name = String.join("+", names);
        Path capture = dir.resolve("https-" + name + ".pcapng");
        // at the time the sample's HTTP was recorded: its Date headers say 25 Nov 2026 14:59:08 GMT
        try (Recorder r = new Recorder(capture, "an HTTPS site whose browser logged its TLS secrets (" + name + ")",
                java.time.Instant.parse("2026-11-25T14:59:07Z"))) {
            for (int i = 0; i < names.length; i++) {
                replay(r, new LabEndpoint("192.168.2.101", 50443 + i), names[i]);
            }
        }
        return capture;
    }

    private static void replay(Recorder r, LabEndpoint browser, String name) throws Exception {
        Recorder.TcpFlow c = r.connect(browser, WEB);
        for (String line : Files.readAllLines(fixtures().resolve(name + ".transcript"))) {
            if (line.equals("# kdc")) {
                byte[] req = HttpsAttemptTest.tgsReq("HTTP/iisserver.contoso.com");
                r.udp(BROWSER_KRB, KDC, req, 0, req.length);
                byte[] rep = HttpsAttemptTest.ticketFor("HTTP/iisserver.contoso.com");
                r.udp(KDC, BROWSER_KRB, rep, 0, rep.length);
            } else if (line.startsWith("C ") || line.startsWith("S ")) {
                byte[] b = HexFormat.of().parseHex(line.substring(2));
                c.data(line.startsWith("C "), b, 0, b.length);
            }
        }
        c.fin(true);
        c.fin(false);
    }

    /**
     * A browser that first spoke HTTP/2 to the site (prefaces only), then HTTP/1.1 on a second connection: the second
     * is the site's attempt, and the first makes no attempt of its own.
     */
    @org.junit.jupiter.api.Test
    void anHttp2ConnectionBeforeTheDecryptedOneMakesNoSecondAttempt(@TempDir Path dir) throws Exception {
        Path capture = capture(dir, "tls13-h2", "tls13");
        Analysis a = analyze(capture, List.of(fixtures().resolve("tls13-h2.keylog"), fixtures().resolve("tls13.keylog")));
        assertEquals(1, a.attempts().size(), a.attempts().stream().map(x -> x.outcome() + " " + x.steps()).toList().toString());
        assertEquals(Outcome.KERBEROS, a.attempts().get(0).outcome());
        // its prefaces and SETTINGS are read, and say nothing
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        // without the key logs both connections are the one HTTPS site, with its steps encrypted
        List<AuthAttempt> closed = analyze(capture, List.of()).attempts();
        assertEquals(1, closed.size());
        assertEquals(Outcome.INCOMPLETE, closed.get(0).outcome());
    }

    static Analysis analyze(Path capture, List<Path> keylogs) throws Exception {
        AnalysisOptions o = AnalysisOptions.defaults().withTlsKeylogs(keylogs);
        return new Analyzer(Registries.platform(), o).analyze(capture, capture.toString(), List.of(), Progress.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls13", "tls12-gcm", "tls12-chacha", "tls12-cbc-etm", "tls12-cbc"})
    void theKeyLogTurnsTheEncryptedStepsIntoTheGuidesFlow(String name, @TempDir Path dir) throws Exception {
        Path capture = capture(dir, name);
        Path keylog = fixtures().resolve(name + ".keylog");
        Analysis a = analyze(capture, List.of(keylog));
        assertEquals(1, a.attempts().size(), a.attempts().toString());
        AuthAttempt at = a.attempts().get(0);
        assertEquals(Outcome.KERBEROS, at.outcome(), at.steps().toString());
        assertEquals("HTTPS server", at.serverRole());
        assertEquals("iisserver.contoso.com", at.host());
        assertEquals("HTTP/iisserver.contoso.com", at.spn());
        for (Step s : List.of(Step.CONNECT, Step.ANONYMOUS_REQUEST, Step.CHALLENGE, Step.TICKET_REQUEST, Step.TICKET,
                Step.AP_EXCHANGE, Step.AUTHORIZED)) {
            assertEquals(StepStatus.OK, at.step(s).status(), s + " " + at.steps());
            assertTrue(!at.step(s).encrypted(), s + " " + at.step(s));
        }
        assertEquals("401 offering Negotiate, NTLM", at.step(Step.CHALLENGE).note());
        assertEquals("HTTP 200 with mutual authentication", at.step(Step.AUTHORIZED).note());
        // the AP-REQ inside the decrypted Authorization header is read as Kerberos carried by HTTP
        assertTrue(a.events("kerberos").stream().anyMatch(e -> "AP-REQ".equals(e.string("msgType"))
                && "http".equals(e.string("carrier"))), a.events("kerberos").toString());
        assertTrue(a.findings().stream().noneMatch(f -> f.id().equals("http.tls-encrypted")), a.findings().toString());
        assertTrue(a.findings().stream().noneMatch(f -> f.severity() == org.kerbscope.core.model.Severity.ERROR),
                a.findings().toString());
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        // the key log is read where it is: nothing of it reaches the document
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        org.kerbscope.engine.report.TextReport.print(a, new java.io.PrintStream(text, true, StandardCharsets.UTF_8));
        for (String report : List.of(org.kerbscope.engine.report.JsonReport.toJson(a).toString(),
                text.toString(StandardCharsets.UTF_8), org.kerbscope.engine.report.HtmlReport.render(a, true))) {
            for (String l : Files.readAllLines(keylog)) {
                if (!l.startsWith("#")) {
                    String secret = l.split(" ")[2];
                    assertTrue(!report.toLowerCase(java.util.Locale.ROOT).contains(secret.toLowerCase(java.util.Locale.ROOT))
                            && !report.contains(java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(secret))),
                            "a secret of the key log in a report");
                }
            }
        }

        // without the key log: the site's HTTPS attempt, its encrypted steps said to be so
        AuthAttempt closed = analyze(capture, List.of()).attempts().get(0);
        assertEquals(Outcome.INCOMPLETE, closed.outcome());
        assertTrue(closed.step(Step.AP_EXCHANGE).encrypted());

        // Wireshark reads the same capture with the same key log as this reader does
        if (Files.isExecutable(Path.of("/usr/bin/tshark"))) {
            Process p = new ProcessBuilder("tshark", "-n", "-r", capture.toString(), "-o", "tls.keylog_file:" + keylog,
                    "-Y", "http", "-T", "fields", "-e", "http.response.code").redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            assertEquals(List.of("401", "200", "404"), out.lines().filter(l -> !l.isBlank()).toList(), out);
            List<Event> responses = a.events("http").stream().filter(e -> "response".equals(e.string("kind"))).toList();
            assertEquals(List.of(401, 200, 404), responses.stream().map(e -> e.integer("status", 0)).toList());
        }
    }
}
