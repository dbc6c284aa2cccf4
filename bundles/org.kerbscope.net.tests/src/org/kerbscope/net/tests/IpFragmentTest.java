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
import static org.kerbscope.net.tests.Pkt.u16;
import static org.kerbscope.net.tests.Pkt.u32;
import static org.kerbscope.net.tests.Pkt.udp;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.net.DecoderLimits;
import org.kerbscope.net.NetworkDecoder;

/** IPv4 and IPv6 fragment reassembly, bounded in memory and time. */
class IpFragmentTest {
    private final Recorder rec = new Recorder();
    private NetworkDecoder dec = new NetworkDecoder(rec);

    /** A Kerberos-sized UDP datagram: 8 + 40 bytes, split at 16 and 32 (multiples of 8). */
    private static final byte[] DGRAM = udp(5353, 88, Pkt.ascii("0123456789abcdefghijklmnopqrstuvwxyzABCD"));

    private static byte[] part(int from, int to) {
        return Arrays.copyOfRange(DGRAM, from, to);
    }

    private void v4(long n, long timeNanos, int id, int from, int to, boolean more) {
        byte[] f = ether(0x0800, ipv4(A, B, 17, part(from, to), id, from / 8, more, -1));
        dec.decode(Pkt.frame(n, timeNanos, 1, f, f.length));
    }

    @Test
    void outOfOrderFragmentsAreDeliveredWhenTheLastArrives() {
        v4(1, 0, 7, 32, 48, false);
        v4(2, 1, 7, 0, 16, true);
        assertEquals(List.of(), rec.events);
        v4(3, 2, 7, 16, 32, true);
        assertEquals(List.of("udp 3 10.0.0.1:5353>10.0.0.2:88 '0123456789abcdefghijklmnopqrstuvwxyzABCD' @-1"), rec.events);
        assertTrue(dec.diagnostics().isEmpty());
    }

    @Test
    void overlappingFragmentsKeepTheBytesThatCameFirst() {
        v4(1, 0, 8, 0, 24, true);
        byte[] liar = cat(part(8, 16), Pkt.ascii("XXXXXXXX"), part(24, 32)); // bytes 8..31, 16..23 forged
        dec.decode(Pkt.frame(2, 1, ether(0x0800, ipv4(A, B, 17, liar, 8, 1, true, -1))));
        v4(3, 2, 8, 32, 48, false);
        assertEquals(List.of("udp 3 10.0.0.1:5353>10.0.0.2:88 '0123456789abcdefghijklmnopqrstuvwxyzABCD' @-1"), rec.events);
    }

    @Test
    void incompleteDatagramsTimeOut() {
        v4(1, 0, 9, 0, 16, true);
        v4(2, 61_000_000_000L, 10, 0, 16, true); // a minute later: id 9 is given up
        v4(3, 61_000_000_001L, 9, 16, 48, false);
        assertEquals(List.of(), rec.events);
        assertTrue(dec.diagnostics().stream().anyMatch(d -> d.message().contains("timed out")), dec.diagnostics()::toString);
    }

    @Test
    void theMemoryCapDropsWhatIsHeldAndSaysSo() {
        dec = new NetworkDecoder(rec, DecoderLimits.defaults().withFragments(40, 60_000_000_000L));
        v4(1, 0, 11, 0, 16, true);
        v4(2, 1, 12, 0, 16, true);
        v4(3, 2, 13, 0, 16, true);
        assertEquals(1, dec.diagnostics().size());
        assertTrue(dec.diagnostics().get(0).message().contains("memory"), dec.diagnostics()::toString);
        assertEquals(3, dec.diagnostics().get(0).frame());
    }

    @Test
    void aFragmentMemorySetThroughTheOptionsIsHonouredAndNamedInTheDiagnostic() {
        dec = new NetworkDecoder(rec, DecoderLimits.of(org.kerbscope.core.spi.AnalysisOptions.defaults()
                .withLimit(org.kerbscope.core.spi.Limits.IP_FRAGMENT_BYTES, 40)));
        v4(1, 0, 11, 0, 16, true);
        v4(2, 1, 12, 0, 16, true);
        assertEquals(List.of(), dec.diagnostics());
        v4(3, 2, 13, 0, 16, true);
        assertEquals(1, dec.diagnostics().size());
        String m = dec.diagnostics().get(0).message();
        assertTrue(m.contains("the limit ip.fragment-bytes (40 bytes) was reached; raise it with --limit ip.fragment-bytes=80"), m);
    }

    @Test
    void fragmentsLeftAtTheEndAreReported() {
        v4(1, 0, 14, 0, 16, true);
        dec.finish();
        assertTrue(dec.diagnostics().get(0).message().contains("incomplete at the end"));
    }

    @Test
    void ipv6FragmentHeaders() {
        byte[] f1 = cat(new byte[] {17, 0}, u16(0x0001), u32(0xCAFE), part(0, 24));   // offset 0, M
        byte[] f2 = cat(new byte[] {17, 0}, u16(24), u32(0xCAFE), part(24, 48));      // offset 24, last
        dec.decode(Pkt.frame(1, 1, ether(0x86DD, ipv6(A6, B6, 44, f2))));
        dec.decode(Pkt.frame(2, 1, ether(0x86DD, ipv6(A6, B6, 44, f1))));
        assertEquals(List.of("udp 2 [2001:db8::1]:5353>[2001:db8::2]:88 '0123456789abcdefghijklmnopqrstuvwxyzABCD' @-1"),
                rec.events);
    }

    @Test
    void anAtomicIpv6FragmentIsNoFragmentAtAll() {
        byte[] atomic = cat(new byte[] {17, 0}, u16(0), u32(1), DGRAM);
        dec.decode(Pkt.frame(1, 1, ether(0x86DD, ipv6(A6, B6, 44, atomic))));
        assertEquals(1, rec.events.size());
        assertTrue(rec.events.get(0).endsWith("@70"), rec.events::toString);
    }
}
