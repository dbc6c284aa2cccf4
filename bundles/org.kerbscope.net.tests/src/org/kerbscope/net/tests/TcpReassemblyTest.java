package org.kerbscope.net.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.net.tests.Pkt.A;
import static org.kerbscope.net.tests.Pkt.ACK;
import static org.kerbscope.net.tests.Pkt.B;
import static org.kerbscope.net.tests.Pkt.FIN;
import static org.kerbscope.net.tests.Pkt.PSH;
import static org.kerbscope.net.tests.Pkt.RST;
import static org.kerbscope.net.tests.Pkt.SYN;
import static org.kerbscope.net.tests.Pkt.ether;
import static org.kerbscope.net.tests.Pkt.ipv4;
import static org.kerbscope.net.tests.Pkt.tcp;
import static org.kerbscope.net.tests.Pkt.tcpFrame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.DecoderLimits;
import org.kerbscope.net.NetworkDecoder;

/**
 * TCP stream reassembly: a client at 10.0.0.1:50000 (ISN 1000) talks to 10.0.0.2:80 (ISN 5000). Payload
 * starts at frame offset 54 (Ethernet 14 + IPv4 20 + TCP 20).
 */
class TcpReassemblyTest {
    private final Recorder rec = new Recorder();
    private NetworkDecoder dec = new NetworkDecoder(rec);
    private long n;

    private void c(long seq, int flags, String data) {
        dec.decode(tcpFrame(++n, false, 50000, 80, seq, 5001, flags, data));
    }

    private void s(long seq, long ack, int flags, String data) {
        dec.decode(tcpFrame(++n, true, 80, 50000, seq, ack, flags, data));
    }

    private void handshake() {
        c(1000, SYN, "");
        s(5000, 1001, SYN | ACK, "");
        c(1001, ACK, "");
    }

    private List<String> dataEvents() {
        return rec.events.stream().filter(e -> e.startsWith("data") || e.startsWith("gap")).toList();
    }

    @Test
    void handshakeDataAndCloseInOrder() {
        handshake();
        c(1001, PSH | ACK, "GET / HTTP/1.1\r\n\r\n");
        s(5001, 1019, PSH | ACK, "HTTP/1.1 401 \r\n\r\n");
        c(1019, FIN | ACK, "");
        s(5018, 1020, FIN | ACK, "");
        dec.finish();
        assertEquals(List.of("SYN 1 10.0.0.1:50000>10.0.0.2:80", "SYN-ACK 2 10.0.0.2:80>10.0.0.1:50000",
                "data 4 c 'GET / HTTP/1.1\r\n\r\n' @54", "data 5 s 'HTTP/1.1 401 \r\n\r\n' @54",
                "FIN 6 10.0.0.1:50000>10.0.0.2:80", "FIN 7 10.0.0.2:80>10.0.0.1:50000"), rec.events);
        assertEquals(1, rec.connections.size());
        assertEquals("10.0.0.1:50000 -> 10.0.0.2:80/6", rec.connections.get(0).client().toString());
        assertEquals(1, rec.connections.get(0).firstFrame());
        assertTrue(dec.diagnostics().isEmpty());
    }

    @Test
    void reorderedSegmentsAreReleasedInTheFrameThatFillsTheHole() {
        handshake();
        c(1001, ACK, "AAAA");
        c(1009, ACK, "CCCC");
        c(1005, ACK, "BBBB");
        assertEquals(List.of("data 4 c 'AAAA' @54", "data 6 c 'BBBB' @54", "data 6 c 'CCCC' @-1"), dataEvents());
        assertEquals("AAAABBBBCCCC", rec.client.toString());
    }

    @Test
    void aPduWhoseSecondHalfArrivesFirstCompletesInTheLaterFrame() {
        handshake();
        c(1009, ACK, "tail");
        c(1001, ACK, "head1234");
        assertEquals(List.of("data 5 c 'head1234' @54", "data 5 c 'tail' @-1"), dataEvents());
    }

    @Test
    void aPduSpanningSegmentsArrivesPieceByPiece() {
        handshake();
        c(1001, ACK, "\0\0\0\u000812");
        c(1007, ACK, "345678");
        assertEquals(List.of("data 4 c '\0\0\0\u000812' @54", "data 5 c '345678' @54"), dataEvents());
    }

    @Test
    void retransmissionWithDifferentContentKeepsWhatCameFirst() {
        handshake();
        c(1001, ACK, "AAAA");
        c(1001, ACK, "XXXX");
        c(1003, ACK, "XXBBBB");
        assertEquals(List.of("data 4 c 'AAAA' @54", "data 6 c 'BBBB' @56"), dataEvents());
        assertEquals("AAAABBBB", rec.client.toString());
    }

    @Test
    void overlappingQueuedSegmentsKeepTheFirstReceivedBytes() {
        handshake();
        c(1001, ACK, "AAAA");
        c(1009, ACK, "CCCC");
        c(1007, ACK, "ZZZZZZ");
        c(1005, ACK, "BB");
        assertEquals("AAAABBZZCCCC", rec.client.toString());
        assertEquals("data 7 c 'CCCC' @-1", dataEvents().get(dataEvents().size() - 1));
    }

    @Test
    void aHoleTheReceiverAcknowledgesIsAGapAndTheStreamGoesOn() {
        handshake();
        c(1001, ACK, "AAAA");
        c(1009, ACK, "CCCC");      // 1005..1008 never captured
        s(5001, 1013, ACK, "");    // the server has them all
        c(1013, ACK, "DDDD");
        // the bytes after the loss belong to the frame that carried them (5), as Wireshark numbers them
        assertEquals(List.of("data 4 c 'AAAA' @54", "gap 6 c 4", "data 5 c 'CCCC' @-1", "data 7 c 'DDDD' @54"),
                dataEvents());
        assertEquals("AAAA[gap 4]CCCCDDDD", rec.client.toString());
    }

    @Test
    void holesLeftAtTheEndBecomeGaps() {
        handshake();
        c(1001, ACK, "AAAA");
        c(1105, ACK, "ZZZZ");
        dec.finish();
        assertEquals("AAAA[gap 100]ZZZZ", rec.client.toString());
    }

    @Test
    void resetReleasesWhatWaitsAndIsReported() {
        handshake();
        c(1001, ACK, "AAAA");
        c(1009, ACK, "CCCC");
        s(5001, 1005, RST | ACK, "");
        assertTrue(rec.events.contains("RST 6 10.0.0.2:80>10.0.0.1:50000"), rec.events::toString);
        assertEquals("AAAA[gap 4]CCCC", rec.client.toString());
    }

    @Test
    void connectionPickedUpMidStreamGuessesTheClientFromThePorts() {
        s(77_000, 9_999, PSH | ACK, "HTTP/1.1 200 OK\r\n");
        c(9_999, ACK, "GET /next");
        assertEquals(List.of("data 1 s 'HTTP/1.1 200 OK\r\n' @54", "data 2 c 'GET /next' @54"), dataEvents());
        assertEquals("10.0.0.1:50000 -> 10.0.0.2:80/6", rec.connections.get(0).client().toString());
    }

    @Test
    void sequenceNumbersWrapAround() {
        c(0xFFFF_FFFEL, SYN, "");
        c(0xFFFF_FFFFL, ACK, "AB");
        c(1, ACK, "CD");
        c(3, ACK, "EF");
        assertEquals("ABCDEF", rec.client.toString());
    }

    @Test
    void offloadedSegmentsLargerThanAnMtu() {
        handshake();
        char[] big = new char[9000];
        Arrays.fill(big, 'k');
        // Total length 0, as segmentation offload hands such packets to the capture.
        byte[] t = tcp(50000, 80, 1001, 5001, ACK, Pkt.ascii(new String(big)));
        dec.decode(Pkt.frame(++n, 1, ether(0x0800, ipv4(A, B, 6, t, 1, 0, false, 0))));
        // And a correct 64000-byte total length.
        char[] bigger = new char[63960];
        Arrays.fill(bigger, 'm');
        c(10_001, ACK, new String(bigger));
        assertEquals(9000 + 63960, rec.client.length());
        assertEquals(List.of(), dec.diagnostics());
    }

    @Test
    void bytesTheSnaplenCutOffAreAGap() {
        handshake();
        Frame full = tcpFrame(++n, false, 50000, 80, 1001, 5001, ACK, "0123456789abcdefghij");
        byte[] cut = new byte[54 + 6];
        full.data().get(0, cut);
        dec.decode(Pkt.frame(full.number(), full.timeNanos(), 1, cut, full.originalLength()));
        c(1021, ACK, "next");
        assertEquals("012345[gap 14]next", rec.client.toString());
        assertTrue(dec.diagnostics().isEmpty(), dec.diagnostics()::toString);
    }

    @Test
    void aStreamBufferCapIsReportedAndTheHoleTreatedAsLost() {
        dec = new NetworkDecoder(rec, DecoderLimits.defaults().withMaxStreamBuffer(10));
        handshake();
        c(1001, ACK, "AAAA");
        c(1009, ACK, "CCCCCC");
        c(1015, ACK, "DDDDDD");
        assertEquals("AAAA[gap 4]CCCCCCDDDDDD", rec.client.toString());
        assertEquals(1, dec.diagnostics().size());
        assertTrue(dec.diagnostics().get(0).message().contains("out-of-order bytes"), dec.diagnostics()::toString);
        assertEquals(6, dec.diagnostics().get(0).frame());
    }

    @Test
    void aStreamBufferSetThroughTheOptionsIsHonouredAndNamedInTheDiagnostic() {
        dec = new NetworkDecoder(rec, DecoderLimits.of(org.kerbscope.core.spi.AnalysisOptions.defaults()
                .withLimit(org.kerbscope.core.spi.Limits.TCP_STREAM_BUFFER, 10)));
        handshake();
        c(1001, ACK, "AAAA");
        c(1009, ACK, "CCCCCC");
        c(1015, ACK, "DDDDDD");
        assertEquals("AAAA[gap 4]CCCCCCDDDDDD", rec.client.toString());
        assertEquals(1, dec.diagnostics().size(), dec.diagnostics()::toString);
        String m = dec.diagnostics().get(0).message();
        assertTrue(m.contains("the limit tcp.stream-buffer (10 bytes) was reached"), m);
        assertTrue(m.contains("--limit tcp.stream-buffer=20"), m);
    }

    @Test
    void theDefaultLimitsOfTheOptionsAreTheDecodersDefaults() {
        assertEquals(DecoderLimits.defaults(), DecoderLimits.of(org.kerbscope.core.spi.AnalysisOptions.defaults()));
        assertEquals(4 << 20, DecoderLimits.defaults().maxStreamBuffer());
        assertEquals(64L << 20, DecoderLimits.defaults().maxTotalBuffer());
        assertEquals(60_000_000_000L, DecoderLimits.defaults().fragmentTimeoutNanos());
        DecoderLimits raised = DecoderLimits.of(org.kerbscope.core.spi.AnalysisOptions.defaults()
                .withLimit(org.kerbscope.core.spi.Limits.TCP_TOTAL_BUFFER, 1L << 30)
                .withLimit(org.kerbscope.core.spi.Limits.TCP_CONNECTIONS, 7)
                .withLimit(org.kerbscope.core.spi.Limits.IP_FRAGMENT_TIMEOUT, 5));
        assertEquals(1L << 30, raised.maxTotalBuffer());
        assertEquals(7, raised.maxConnections());
        assertEquals(5_000_000_000L, raised.fragmentTimeoutNanos());
    }

    @Test
    void aNewSynOnAClosedPortPairStartsANewConnection() {
        handshake();
        c(1001, FIN | ACK, "");
        s(5001, 1002, FIN | ACK, "");
        c(90_000, SYN, "");
        s(70_000, 90_001, SYN | ACK, "");
        c(90_001, ACK, "again");
        assertEquals(2, rec.connections.size());
        assertNotSame(rec.connections.get(0), rec.connections.get(1));
        assertEquals(6, rec.connections.get(1).firstFrame());
        assertEquals("again", rec.client.toString());
    }

    @Test
    void retransmittedSynsAreEachReported() {
        c(1000, SYN, "");
        c(1000, SYN, "");
        c(1000, SYN, "");
        assertEquals(3, rec.events.stream().filter(e -> e.startsWith("SYN ")).count());
        assertEquals(1, rec.connections.size());
    }

    @Test
    void tcpInFragmentedIpHasNoFrameOffset() {
        handshake();
        byte[] t = tcp(50000, 80, 1001, 5001, ACK, Pkt.ascii("fragmented-payload"));
        byte[] first = Arrays.copyOfRange(t, 0, 24);
        byte[] rest = Arrays.copyOfRange(t, 24, t.length);
        dec.decode(Pkt.frame(++n, 1, ether(0x0800, ipv4(A, B, 6, first, 99, 0, true, -1))));
        dec.decode(Pkt.frame(++n, 1, ether(0x0800, ipv4(A, B, 6, rest, 99, 3, false, -1))));
        assertEquals(List.of("data 5 c 'fragmented-payload' @-1"), dataEvents());
    }

    @Test
    void manyConnectionsBeyondTheCapForgetTheOldest() {
        dec = new NetworkDecoder(rec, DecoderLimits.defaults().withMaxConnections(10));
        List<String> ports = new ArrayList<>();
        for (int p = 40000; p < 40030; p++) {
            dec.decode(tcpFrame(++n, false, p, 80, 1000, 0, SYN, ""));
            ports.add(String.valueOf(p));
        }
        assertEquals(30, dec.tcpConnections());
        assertEquals(1, dec.diagnostics().size());
        assertTrue(dec.diagnostics().get(0).message().contains("more than 10 TCP connections"));
    }

    /** A handler that, like the engine, asks the reassembler to pass over bodies and whole connections. */
    private final class Skipper extends Recorder {
        long skipAfterFirst;
        boolean ignoreAll;

        @Override
        public void tcpData(Frame frame, org.kerbscope.net.TcpConnection connection, boolean fromClient,
                java.nio.ByteBuffer data, int dataOffset) {
            super.tcpData(frame, connection, fromClient, data, dataOffset);
            if (ignoreAll) {
                connection.ignore(true);
                connection.ignore(false);
            } else if (skipAfterFirst > 0) {
                connection.skip(fromClient, skipAfterFirst);
                skipAfterFirst = 0;
            }
        }
    }

    @Test
    void skippedBytesAreNotHandedOnAndTheRestOfASegmentKeepsItsFrameOffset() {
        Skipper sk = new Skipper();
        dec = new NetworkDecoder(sk);
        handshake();
        sk.skipAfterFirst = 10; // a header announced a 10-byte body
        c(1001, ACK, "HEAD");
        c(1005, ACK, "0123456");       // 7 of the 10 skipped
        c(1012, ACK, "789NEXT");       // 3 more skipped, then "NEXT" from byte 3 of the payload
        List<String> data = sk.events.stream().filter(e -> e.startsWith("data") || e.startsWith("gap")).toList();
        assertEquals(List.of("data 4 c 'HEAD' @54", "data 6 c 'NEXT' @57"), data);
        assertEquals(0, dec.diagnostics().size());
    }

    @Test
    void aGapInsideSkippedBytesIsNotReportedButOneReachingPastThemIs() {
        Skipper sk = new Skipper();
        dec = new NetworkDecoder(sk);
        handshake();
        sk.skipAfterFirst = 8;
        c(1001, ACK, "HEAD");
        c(1009, ACK, "WXYZ");   // 1005..1008 never arrive: inside the 8 skipped bytes
        s(5001, 1013, ACK, ""); // the server acknowledges past the hole: it is given up
        sk.skipAfterFirst = 2;
        c(1013, ACK, "AB");     // skipped? no: the skip was used up by the hole and "WXYZ"
        List<String> data = sk.events.stream().filter(e -> e.startsWith("data") || e.startsWith("gap")).toList();
        assertEquals("data 4 c 'HEAD' @54", data.get(0));
        assertTrue(data.stream().noneMatch(e -> e.startsWith("gap")), data.toString());
        assertEquals(List.of("data 4 c 'HEAD' @54", "data 7 c 'AB' @54"), data);

        // a hole longer than what is left to skip is a gap, whole (the consumer has to find its footing)
        Skipper sk2 = new Skipper();
        dec = new NetworkDecoder(sk2);
        n = 0;
        handshake();
        sk2.skipAfterFirst = 2;
        c(1001, ACK, "HEAD");
        c(1011, ACK, "TAIL");   // 1005..1010 missing: 6 bytes, 2 of them to be skipped
        s(5001, 1015, ACK, "");
        List<String> data2 = sk2.events.stream().filter(e -> e.startsWith("data") || e.startsWith("gap")).toList();
        assertEquals(List.of("data 4 c 'HEAD' @54", "gap 6 c 6", "data 5 c 'TAIL' @-1"), data2);
    }

    @Test
    void anIgnoredConnectionHandsOnNothingButItsControlSegments() {
        Skipper sk = new Skipper();
        sk.ignoreAll = true;
        dec = new NetworkDecoder(sk);
        handshake();
        c(1001, ACK, "\u0016\u0003\u0001 hello");
        c(1020, ACK, "out of order, never delivered");
        c(1011, ACK, "filler");
        s(5001, 1100, PSH | ACK, "server bytes");
        c(1100, FIN | ACK, "");
        s(5013, 1101, RST, "");
        dec.finish();
        assertEquals(List.of("SYN 1 10.0.0.1:50000>10.0.0.2:80", "SYN-ACK 2 10.0.0.2:80>10.0.0.1:50000",
                "data 4 c '\u0016\u0003\u0001 hello' @54", "FIN 8 10.0.0.1:50000>10.0.0.2:80",
                "RST 9 10.0.0.2:80>10.0.0.1:50000"), sk.events);
        assertTrue(dec.diagnostics().isEmpty(), dec.diagnostics().toString());
    }
}
