package org.kerbscope.net.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kerbscope.net.tests.Pkt.A;
import static org.kerbscope.net.tests.Pkt.A6;
import static org.kerbscope.net.tests.Pkt.B;
import static org.kerbscope.net.tests.Pkt.B6;
import static org.kerbscope.net.tests.Pkt.cat;
import static org.kerbscope.net.tests.Pkt.ether;
import static org.kerbscope.net.tests.Pkt.ipv4;
import static org.kerbscope.net.tests.Pkt.ipv6;
import static org.kerbscope.net.tests.Pkt.tcp;
import static org.kerbscope.net.tests.Pkt.udp;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.net.NetworkDecoder;

/**
 * ICMP "destination unreachable" (RFC 792 type 3) and ICMPv6's (RFC 4443 type 1): the refused datagram's addresses and
 * ports, read from the quote, with the reason; anything else, and quotes too short to hold the ports, passed over
 * without a diagnostic (they are not the decoder's to judge).
 */
class IcmpUnreachableTest {

    private static byte[] icmp(int type, int code, byte[] quote) {
        return cat(new byte[] {(byte) type, (byte) code, 0, 0, 0, 0, 0, 0}, quote);
    }

    private static List<String> decode(byte[] frame) {
        Recorder r = new Recorder();
        NetworkDecoder d = new NetworkDecoder(r);
        d.decode(Pkt.frame(1, 1, frame));
        d.finish();
        assertTrue(d.diagnostics().isEmpty(), d.diagnostics()::toString);
        return r.events;
    }

    @Test
    void aKerberosRequestRefusedWithPortUnreachable() {
        // B answers A's datagram to port 88 with type 3 code 3, quoting its IP header and UDP header and more
        byte[] refused = ipv4(A, B, 17, udp(50123, 88, Pkt.ascii("AS-REQ bytes")));
        assertEquals(List.of("unreachable 1 udp 10.0.0.1:50123>10.0.0.2:88 port unreachable"),
                decode(ether(0x0800, ipv4(B, A, 1, icmp(3, 3, refused)))));
    }

    @Test
    void aSynRejectedByAFirewall() {
        byte[] syn = ipv4(A, B, 6, tcp(40000, 8080, 1, 0, 0x02, new byte[0]));
        assertEquals(List.of("unreachable 1 tcp 10.0.0.1:40000>10.0.0.2:8080 administratively prohibited"),
                decode(ether(0x0800, ipv4(B, A, 1, icmp(3, 13, syn)))));
    }

    @Test
    void icmpv6PortUnreachable() {
        byte[] refused = ipv6(A6, B6, 17, udp(5353, 53, Pkt.ascii("query")));
        assertEquals(List.of("unreachable 1 udp [2001:db8::1]:5353>[2001:db8::2]:53 port unreachable"),
                decode(ether(0x86DD, ipv6(B6, A6, 58, icmp(1, 4, refused)))));
    }

    @Test
    void otherMessagesAndShortQuotesArePassedOver() {
        byte[] refused = ipv4(A, B, 17, udp(50123, 88, Pkt.ascii("x")));
        // an echo request, a time exceeded, a quote of 24 bytes (the IP header and 4 bytes: the ports need 4, and
        // they are there) and one of 22 (no room for both ports), one quoting ICMP itself, and an ICMP header alone
        assertEquals(List.of(), decode(ether(0x0800, ipv4(B, A, 1, icmp(8, 0, refused)))));
        assertEquals(List.of(), decode(ether(0x0800, ipv4(B, A, 1, icmp(11, 0, refused)))));
        assertEquals(1, decode(ether(0x0800, ipv4(B, A, 1, icmp(3, 3, Arrays.copyOf(refused, 24))))).size());
        assertEquals(List.of(), decode(ether(0x0800, ipv4(B, A, 1, icmp(3, 3, Arrays.copyOf(refused, 22))))));
        assertEquals(List.of(), decode(ether(0x0800, ipv4(B, A, 1, icmp(3, 3, ipv4(A, B, 1, icmp(8, 0, new byte[8])))))));
        assertEquals(List.of(), decode(ether(0x0800, ipv4(B, A, 1, new byte[] {3, 3, 0, 0}))));
    }
}
