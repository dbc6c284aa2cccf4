package org.kerbscope.net.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.net.tests.Pkt.ACK;
import static org.kerbscope.net.tests.Pkt.PSH;
import static org.kerbscope.net.tests.Pkt.SYN;
import static org.kerbscope.net.tests.Pkt.cat;
import static org.kerbscope.net.tests.Pkt.ether;
import static org.kerbscope.net.tests.Pkt.ipv4;
import static org.kerbscope.net.tests.Pkt.tcp;
import static org.kerbscope.net.tests.Pkt.udp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.DecoderLimits;
import org.kerbscope.net.NetworkDecoder;

/**
 * Several decoders, one per thread, each with a share of the flows: together they must hand on exactly what one
 * decoder hands on (every datagram and segment once, in frame order within a flow), keep every flow of one client
 * in one share, and report each problem once.
 */
class DecoderSharesTest {
    private static final byte[] DC = {10, 0, 0, 10};
    private static final byte[] WEB = {10, 0, 0, 20};

    private static byte[] client(int i) {
        return new byte[] {10, 1, (byte) (i >> 8), (byte) i};
    }

    /** 40 clients, each asking the DC (DNS, Kerberos over UDP) and then the web server (TCP), and a few bad frames. */
    private static List<Frame> traffic() {
        List<Frame> frames = new ArrayList<>();
        long n = 0;
        for (int i = 0; i < 40; i++) {
            byte[] c = client(i);
            int port = 50_000 + i;
            frames.add(Pkt.frame(++n, 1, ether(0x0800, ipv4(c, DC, 17, udp(port, 53, Pkt.ascii("query " + i))))));
            frames.add(Pkt.frame(++n, 1, ether(0x0800, ipv4(DC, c, 17, udp(53, port, Pkt.ascii("answer " + i))))));
            frames.add(Pkt.frame(++n, 1, ether(0x0800, ipv4(c, DC, 17, udp(port + 1, 88, Pkt.ascii("tgs-req " + i))))));
            frames.add(Pkt.frame(++n, 1, ether(0x0800, ipv4(c, WEB, 6, tcp(port + 2, 80, 1000, 0, SYN, new byte[0])))));
            frames.add(Pkt.frame(++n, 1, ether(0x0800, ipv4(WEB, c, 6, tcp(80, port + 2, 5000, 1001, SYN | ACK, new byte[0])))));
            frames.add(Pkt.frame(++n, 1, ether(0x0800, ipv4(c, WEB, 6, tcp(port + 2, 80, 1001, 5001, PSH | ACK,
                    Pkt.ascii("GET /" + i + " HTTP/1.1\r\n\r\n"))))));
            if (i % 10 == 0) {
                // an IPv4 header whose version is wrong: a problem below the transport layer, for share 0 to report
                byte[] bad = ether(0x0800, ipv4(c, DC, 17, udp(port, 53, new byte[4])));
                bad[14] = 0x55;
                frames.add(Pkt.frame(++n, 1, bad));
                // a UDP length that does not fit: a problem of one flow, for its share to report
                byte[] lying = ipv4(c, DC, 17, cat(udp(port + 3, 88, new byte[4])));
                lying[24] = 0x7f; // UDP length field (20-byte IP header + 4)
                frames.add(Pkt.frame(++n, 1, ether(0x0800, lying)));
            }
        }
        return frames;
    }

    private static List<String> sorted(List<String> l) {
        List<String> s = new ArrayList<>(l);
        s.sort(null);
        return s;
    }

    @Test
    void sharesTogetherHandOnWhatOneDecoderHandsOnAndReportEachProblemOnce() {
        List<Frame> frames = traffic();
        Recorder whole = new Recorder();
        NetworkDecoder one = new NetworkDecoder(whole);
        frames.forEach(one::decode);
        one.finish();
        assertTrue(whole.events.size() >= 40 * 6, "what one decoder hands on: " + whole.events.size());
        assertTrue(one.diagnostics().size() >= 8, "problems: " + one.diagnostics());

        for (int shares : new int[] {2, 3}) {
            List<String> events = new ArrayList<>();
            List<Diagnostic> problems = new ArrayList<>();
            List<List<String>> byShare = new ArrayList<>();
            for (int s = 0; s < shares; s++) {
                Recorder r = new Recorder();
                NetworkDecoder d = new NetworkDecoder(r, DecoderLimits.defaults(), s, shares);
                frames.forEach(d::decode);
                d.finish();
                events.addAll(r.events);
                problems.addAll(d.diagnostics());
                byShare.add(r.events);
            }
            assertEquals(sorted(whole.events), sorted(events), "every datagram and segment once, over " + shares);
            assertEquals(sorted(one.diagnostics().stream().map(Diagnostic::toString).toList()),
                    sorted(problems.stream().map(Diagnostic::toString).toList()), "each problem once, over " + shares);
            // each client's conversations (DNS, Kerberos, HTTP) sit in one share, and every share has some
            for (int i = 0; i < 40; i++) {
                String addr = "10.1.0." + i + ":";
                long holding = byShare.stream().filter(l -> l.stream().anyMatch(e -> e.contains(addr))).count();
                assertEquals(1, holding, "shares holding client " + addr);
            }
            assertTrue(byShare.stream().allMatch(l -> !l.isEmpty()), "every share has work: "
                    + Arrays.toString(byShare.stream().mapToInt(List::size).toArray()));
        }
    }
}
