package org.kerbscope.net.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.net.tests.Pkt.A;
import static org.kerbscope.net.tests.Pkt.A6;
import static org.kerbscope.net.tests.Pkt.B;
import static org.kerbscope.net.tests.Pkt.B6;
import static org.kerbscope.net.tests.Pkt.cat;
import static org.kerbscope.net.tests.Pkt.ether;
import static org.kerbscope.net.tests.Pkt.ipv6;
import static org.kerbscope.net.tests.Pkt.udp;
import static org.kerbscope.net.tests.Pkt.vlan;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.net.NetworkDecoder;

/**
 * A packet captured twice (two capture points of one trace, a mirror port copying both directions of a VLAN) is
 * analysed once: one Kerberos request must not read as two. A sender's own retransmission is a packet of its own.
 */
class RepeatedPacketTest {
    static final byte[] AS_REQ = udp(50123, 88, Pkt.ascii("as-req: the same datagram"));

    private final Recorder rec = new Recorder();
    private final NetworkDecoder dec = new NetworkDecoder(rec);

    private void at(long n, long micros, byte[] frame) {
        dec.decode(Pkt.frame(n, micros * 1000, 1, frame, frame.length));
    }

    private static byte[] ip(int id, int ttl, byte[] udp) {
        byte[] p = Pkt.ipv4(A, B, 17, udp, id, 0, false, -1);
        p[8] = (byte) ttl;
        p[10] = (byte) ttl; // a checksum that changes with the TTL, as a router's would
        return p;
    }

    @Test
    void theSamePacketCapturedTwiceIsAnalysedOnceAndReported() {
        at(1, 0, ether(0x0800, ip(7, 128, AS_REQ)));
        at(2, 4, ether(0x0800, ip(7, 128, AS_REQ)));
        // mirrored from another VLAN, one router hop later: another link header, TTL and checksum, the same packet
        at(3, 9, cat(new byte[12], vlan(0x8100, 20, 0x0800), ip(7, 127, AS_REQ)));
        dec.finish();
        assertEquals(List.of("udp 1 10.0.0.1:50123>10.0.0.2:88 'as-req: the same datagram' @42"), rec.events);
        assertEquals(2, dec.repeatedFrames());
        assertEquals(List.of(2L, 1L, 3L, 1L), java.util.Arrays.stream(dec.repeatPairs()).boxed().toList(),
                "each repeat and the frame it repeated, for the packet list");
        assertEquals(2, dec.diagnostics().size(), dec.diagnostics()::toString);
        assertTrue(dec.diagnostics().stream().anyMatch(d -> d.frame() == 2 && d.message().startsWith(
                "frame 2 repeats the IP packet of frame 1, captured 0.004 ms apart")), dec.diagnostics()::toString);
        assertTrue(dec.diagnostics().stream().anyMatch(d -> d.message().startsWith(
                "2 frames in all repeated an IP packet")), dec.diagnostics()::toString);
    }

    @Test
    void aRepeatedFrameStillBelongsToItsConversation() {
        at(1, 0, ether(0x0800, ip(7, 128, AS_REQ)));
        at(2, 4, ether(0x0800, ip(7, 128, AS_REQ)));
        assertEquals("10.0.0.1:50123 -> 10.0.0.2:88/17", dec.lastFlow().toString());
    }

    @Test
    void aRetransmissionIsAPacketOfItsOwn() {
        // the client's retry: a new IPv4 identification at once, or the same bytes a second later
        at(1, 0, ether(0x0800, ip(7, 128, AS_REQ)));
        at(2, 50, ether(0x0800, ip(8, 128, AS_REQ)));
        at(3, 1_000_050, ether(0x0800, ip(8, 128, AS_REQ)));
        dec.finish();
        assertEquals(3, rec.events.size(), rec.events::toString);
        assertEquals(0, dec.repeatedFrames());
        assertTrue(dec.diagnostics().isEmpty(), dec.diagnostics()::toString);
    }

    @Test
    void datagramsThatDifferOnlyPastTheirFirstBytesAreNotRepeats() {
        // no identification, no UDP checksum: two DNS-like datagrams that differ only at their end
        byte[] one = udp(5353, 53, Pkt.ascii("the same first bytes, then: one"));
        byte[] two = udp(5353, 53, Pkt.ascii("the same first bytes, then: two"));
        at(1, 0, ether(0x0800, ip(0, 64, one)));
        at(2, 3, ether(0x0800, ip(0, 64, two)));
        assertEquals(2, rec.events.size(), rec.events::toString);
    }

    @Test
    void ipv6RepeatsToo() {
        at(1, 0, ether(0x86DD, ipv6(A6, B6, 17, AS_REQ)));
        byte[] again = ipv6(A6, B6, 17, AS_REQ);
        again[7] = 63; // one hop later
        at(2, 2, ether(0x86DD, again));
        assertEquals(1, rec.events.size(), rec.events::toString);
        assertEquals(1, dec.repeatedFrames());
    }
}
