package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.TcpEvent;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.core.spi.Limits;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * Which TCP handshakes an analysis keeps: those of connections to a service's port (a SYN to the web port that
 * nobody answers is the connect step failing) and of connections a dissector reads (HTTP on an unusual port), not a
 * port scan's; and at most {@code tcp.handshakes} of them, so that a SYN flood costs no memory per SYN.
 */
class HandshakeTest {
    @TempDir
    Path dir;

    private static final byte[] CLIENT = {10, 0, 0, 7};

    private Analysis analyze(Path capture, AnalysisOptions options) throws IOException {
        return new Analyzer(Registries.platform(), options).analyze(capture, capture.getFileName().toString(), List.of(),
                Progress.NONE);
    }

    @Test
    void aPortScanLeavesNothingButTheServicePortAndTheConnectionReadAreKept() throws IOException {
        TestCapture c = new TestCapture();
        long webSyn = c.frames() + 1;
        c.tcp(CLIENT, 40001, 80, true, 1, 0, 0x02, new byte[0]); // the web port: no answer in the 4 s that follow
        for (int port = 9000; port < 11000; port++) { // a scan of ports no service listens on: SYN, RST
            c.tcp(CLIENT, 40000, port, true, 1, 0, 0x02, new byte[0]);
            c.tcp(CLIENT, 40000, port, false, 0, 2, 0x14, new byte[0]);
        }
        long oddSyn = c.frames() + 1;
        c.connection(CLIENT, 40002, 8081, "GET /app/ HTTP/1.1\r\nHost: intranet.contoso.com\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        Analysis a = analyze(c.write(dir.resolve("scan.pcap")), AnalysisOptions.defaults());

        List<Long> frames = a.tcpEvents().stream().map(TcpEvent::frame).toList();
        assertEquals(List.of(webSyn, oddSyn, oddSyn + 1), frames,
                "the SYN to port 80, and the SYN and SYN/ACK of the connection HTTP was read on; nothing of the scan");
        assertEquals(1, a.events("http").size(), "the request on port 8081 is read");
        assertTrue(a.findings().stream().anyMatch(f -> f.id().equals("tcp.connect-failed")
                && f.title().contains(":80")), "the unanswered SYN to the web port is a failed connect: " + a.findings());
    }

    /**
     * A SYN sent once, with the capture ending before the client would have sent it again: nothing says the port is
     * filtered, so the attempt is incomplete, not a failed connect.
     */
    @Test
    void aSynAtTheEndOfTheCaptureIsNotAFailedConnect() throws IOException {
        TestCapture c = new TestCapture();
        c.connection(CLIENT, 40002, 8081, "GET /app/ HTTP/1.1\r\nHost: intranet.contoso.com\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        c.tcp(CLIENT, 40001, 80, true, 1, 0, 0x02, new byte[0]); // the last frame
        Analysis a = analyze(c.write(dir.resolve("stopped.pcap")), AnalysisOptions.defaults());
        assertTrue(a.findings().stream().noneMatch(f -> f.id().equals("tcp.connect-failed")), a.findings().toString());
        var at = a.attempts().stream().filter(x -> x.server().port() == 80).findFirst().orElseThrow(
                () -> new AssertionError("an attempt for port 80: " + a.attempts()));
        assertEquals(org.kerbscope.core.model.Outcome.INCOMPLETE, at.outcome(), at.steps().toString());
        var connect = at.step(org.kerbscope.core.model.Step.CONNECT);
        assertEquals(org.kerbscope.core.model.StepStatus.NOT_SEEN, connect.status(), connect.toString());
        assertTrue(connect.note().startsWith("the capture ends ") && connect.note().contains(" after the SYN, before any"
                + " answer"), connect.note());
    }

    /**
     * A client that sends its SYN again and again (as Windows does after 3 and 9 seconds) to a port nothing answers:
     * a failed connect even when the capture stops a second after the last one, each SYN cited.
     */
    @Test
    void aSynSentAgainAndAgainIsAFailedConnectCitingEachTime() throws IOException {
        TestCapture c = new TestCapture();
        c.connection(CLIENT, 40002, 8081, "GET /app/ HTTP/1.1\r\nHost: intranet.contoso.com\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        long first = c.frames() + 1;
        c.tcp(CLIENT, 40001, 80, true, 1, 0, 0x02, new byte[0]);
        c.pause(3000).tcp(CLIENT, 40001, 80, true, 1, 0, 0x02, new byte[0]);
        c.pause(6000).tcp(CLIENT, 40001, 80, true, 1, 0, 0x02, new byte[0]);
        c.pause(1000).tcp(CLIENT, 40003, 8081, true, 1, 0, 0x02, new byte[0]); // the capture goes on for a second
        Analysis a = analyze(c.write(dir.resolve("resent.pcap")), AnalysisOptions.defaults());
        var at = a.attempts().stream().filter(x -> x.server().port() == 80).findFirst().orElseThrow(
                () -> new AssertionError("an attempt for port 80: " + a.attempts()));
        var connect = at.step(org.kerbscope.core.model.Step.CONNECT);
        assertEquals(org.kerbscope.core.model.StepStatus.FAILED, connect.status(), connect.toString());
        assertEquals(List.of(first, first + 1, first + 2), connect.frames());
        assertEquals("no answer to the SYN, sent 3 times over 9.0 s: port 80 filtered or host down", connect.note());
        var finding = a.findings().stream().filter(f -> f.id().equals("tcp.connect-failed")).findFirst().orElseThrow();
        assertEquals(List.of(first, first + 1, first + 2), finding.evidence().stream().map(e -> e.frame()).toList(),
                finding.evidence().toString());
        assertEquals("the same SYN sent again: nothing answered it", finding.evidence().get(1).what());
        assertEquals(connect.note(), finding.evidence().get(2).what());
    }

    /** A SYN answered only after the client sent it again: connected, with what the delay says. */
    @Test
    void aSynAnsweredAfterItWasSentAgainIsAConnectThatTookItsTime() throws IOException {
        TestCapture c = new TestCapture();
        long first = c.frames() + 1;
        c.tcp(CLIENT, 40001, 8081, true, 1, 0, 0x02, new byte[0]);
        c.pause(1000).tcp(CLIENT, 40001, 8081, true, 1, 0, 0x02, new byte[0]);
        c.tcp(CLIENT, 40001, 8081, false, 0, 2, 0x12, new byte[0]);
        c.tcp(CLIENT, 40001, 8081, true, 2, 1, 0x18, "GET /app/ HTTP/1.1\r\nHost: intranet.contoso.com\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        c.tcp(CLIENT, 40001, 8081, false, 1, 50, 0x18, ("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        c.pause(10_000).tcp(CLIENT, 40009, 8081, true, 1, 0, 0x02, new byte[0]);
        Analysis a = analyze(c.write(dir.resolve("late.pcap")), AnalysisOptions.defaults());
        var at = a.attempts().stream().filter(x -> x.server().port() == 8081).findFirst().orElseThrow(
                () -> new AssertionError("an attempt for port 8081: " + a.attempts()));
        var connect = at.step(org.kerbscope.core.model.Step.CONNECT);
        assertEquals(org.kerbscope.core.model.StepStatus.OK, connect.status(), connect.toString());
        assertEquals(List.of(first, first + 2), connect.frames());
        assertTrue(connect.note().contains("answered after the client's SYN, sent 2 times over 1.0 s"), connect.note());
    }

    @Test
    void aSynFloodKeepsAtMostTheLimitAndSaysHowToRaiseIt() throws IOException {
        TestCapture c = new TestCapture();
        for (int i = 0; i < 50; i++) {
            c.tcp(new byte[] {10, 2, 0, (byte) i}, 30000 + i, 80, true, 1, 0, 0x02, new byte[0]);
        }
        Path flood = c.write(dir.resolve("flood.pcap"));
        assertEquals(50, analyze(flood, AnalysisOptions.defaults()).tcpEvents().size(), "under the default limit");

        Analysis a = analyze(flood, AnalysisOptions.defaults().withLimit(Limits.TCP_HANDSHAKES, 10));
        assertEquals(10, a.tcpEvents().size());
        assertTrue(a.diagnostics().stream().anyMatch(d -> d.frame() == 11 && d.message().contains(
                "the limit tcp.handshakes (10) was reached; raise it with --limit tcp.handshakes=20")), a.diagnostics()::toString);
    }
}
