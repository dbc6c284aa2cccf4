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

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.NetworkDecoder;

/** Every link type and tunnel the decoder follows, down to a UDP datagram at a known frame offset. */
class LinkLayerTest {
    static final byte[] C = {(byte) 192, (byte) 168, 69, 10};
    static final byte[] D = {(byte) 192, (byte) 168, 69, 2};
    static final byte[] UDP4 = ipv4(A, B, 17, udp(1111, 53, Pkt.ascii("hello")));
    static final byte[] INNER = ipv4(C, D, 17, udp(2222, 88, Pkt.ascii("inner")));
    static final String OUTER_EVENT = "udp 1 10.0.0.1:1111>10.0.0.2:53 'hello' @";
    static final String INNER_EVENT = "udp 1 192.168.69.10:2222>192.168.69.2:88 'inner' @";

    private static Recorder decode(int linkType, byte[] bytes) {
        Recorder r = new Recorder();
        NetworkDecoder d = new NetworkDecoder(r);
        d.decode(Pkt.frame(1, linkType, bytes));
        d.finish();
        assertTrue(d.diagnostics().isEmpty(), d.diagnostics()::toString);
        return r;
    }

    private static void expect(String event, int linkType, byte[] bytes) {
        assertEquals(List.of(event), decode(linkType, bytes).events, "link type " + linkType);
    }

    @Test
    void ethernet() {
        expect(OUTER_EVENT + 42, 1, ether(0x0800, UDP4));
    }

    @Test
    void tunnelsNestedPastTheBoundAreReportedNotFollowed() {
        // IP-in-IP (protocol 4) four deep is followed to the UDP datagram; five deep is not, and says so
        byte[] four = UDP4, five;
        for (int i = 0; i < 4; i++) {
            four = ipv4(A, B, 4, four);
        }
        five = ipv4(A, B, 4, four);
        assertEquals(1, decode(1, ether(0x0800, four)).events.size());
        Recorder r = new Recorder();
        NetworkDecoder d = new NetworkDecoder(r);
        d.decode(Pkt.frame(1, 1, ether(0x0800, five)));
        assertEquals(List.of(), r.events);
        assertEquals(1, d.diagnostics().size(), d.diagnostics()::toString);
        assertTrue(d.diagnostics().get(0).message().contains("tunnels nested more than 4 deep"),
                d.diagnostics()::toString);
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] padded = cat(ether(0x0800, ipv4(A, B, 17, udp(1111, 53, Pkt.ascii("hi")))), new byte[16]);
        assertEquals(List.of("udp 1 10.0.0.1:1111>10.0.0.2:53 'hi' @42"), decode(1, padded).events);
    }

    @Test
    void ieee8023LlcFramesAreSkippedCleanly() {
        byte[] stp = cat(new byte[12], u16(0x0026), new byte[] {0x42, 0x42, 0x03}, new byte[35]);
        assertEquals(List.of(), decode(1, stp).events);
    }

    @Test
    void ieee8023SnapCarriesAnEtherType() {
        byte[] snap = cat(new byte[12], u16(8 + UDP4.length), new byte[] {(byte) 0xAA, (byte) 0xAA, 3, 0, 0, 0, 8, 0}, UDP4);
        expect(OUTER_EVENT + 50, 1, snap);
    }

    @Test
    void vlanAndQinQ() {
        expect(OUTER_EVENT + 46, 1, ether(0x8100, cat(u16(100), u16(0x0800), UDP4)));
        expect(OUTER_EVENT + 50, 1, ether(0x88A8, cat(u16(200), u16(0x8100), u16(100), u16(0x0800), UDP4)));
    }

    @Test
    void mplsAndPppoe() {
        expect(OUTER_EVENT + 46, 1, ether(0x8847, cat(u32(0x00010140L), UDP4))); // label 16, bottom of stack
        expect(OUTER_EVENT + 50, 1, ether(0x8864, cat(new byte[] {0x11, 0, 0, 1}, u16(UDP4.length + 2), u16(0x0021), UDP4)));
    }

    @Test
    void linuxCookedV1AndV2() {
        byte[] sll = cat(u16(0), u16(1), u16(6), new byte[8], u16(0x0800), UDP4);
        expect(OUTER_EVENT + 44, 113, sll);
        byte[] sll2 = cat(u16(0x0800), u16(0), u32(2), u16(1), new byte[] {0, 6}, new byte[8], UDP4);
        expect(OUTER_EVENT + 48, 276, sll2);
    }

    @Test
    void bsdNullInEitherByteOrderAndOpenBsdLoop() {
        expect(OUTER_EVENT + 32, 0, cat(new byte[] {2, 0, 0, 0}, UDP4));
        expect(OUTER_EVENT + 32, 0, cat(new byte[] {0, 0, 0, 2}, UDP4));
        expect(OUTER_EVENT + 32, 108, cat(new byte[] {0, 0, 0, 2}, UDP4));
        byte[] v6 = ipv6(A6, B6, 17, udp(1111, 53, Pkt.ascii("six")));
        for (int family : new int[] {10, 24, 28, 30}) {
            assertEquals(List.of("udp 1 [2001:db8::1]:1111>[2001:db8::2]:53 'six' @52"),
                    decode(0, cat(new byte[] {(byte) family, 0, 0, 0}, v6)).events, "AF_INET6 = " + family);
        }
    }

    @Test
    void rawIpInAllItsLinkTypes() {
        for (int lt : new int[] {12, 14, 101, 228}) {
            expect(OUTER_EVENT + 28, lt, UDP4);
        }
        assertEquals(List.of("udp 1 [2001:db8::1]:1111>[2001:db8::2]:53 'six' @48"),
                decode(229, ipv6(A6, B6, 17, udp(1111, 53, Pkt.ascii("six")))).events);
    }

    @Test
    void ipv6ExtensionHeadersAreWalked() {
        byte[] hopByHop = {60, 0, 1, 4, 0, 0, 0, 0};     // next: destination options
        byte[] destOpts = {43, 0, 1, 4, 0, 0, 0, 0};     // next: routing
        byte[] routing = {17, 0, 0, 0, 0, 0, 0, 0};      // next: UDP
        byte[] p = ipv6(A6, B6, 0, cat(hopByHop, destOpts, routing, udp(1111, 53, Pkt.ascii("ext"))));
        assertEquals(List.of("udp 1 [2001:db8::1]:1111>[2001:db8::2]:53 'ext' @86"), decode(1, ether(0x86DD, p)).events);
    }

    @Test
    void greWithIpAndWithKeyAndSequence() {
        expect(INNER_EVENT + 66, 1, ether(0x0800, ipv4(A, B, 47, cat(u16(0), u16(0x0800), INNER))));
        expect(INNER_EVENT + 74, 1, ether(0x0800, ipv4(A, B, 47, cat(u16(0x3000), u16(0x0800), u32(7), u32(1), INNER))));
        expect(INNER_EVENT + 70, 1, ether(0x0800, ipv4(A, B, 47, cat(u16(0x8000), u16(0x0800), u32(0), INNER))));
    }

    @Test
    void greTransparentEthernetBridging() {
        expect(INNER_EVENT + 80, 1, ether(0x0800, ipv4(A, B, 47, cat(u16(0), u16(0x6558), ether(0x0800, INNER)))));
    }

    @Test
    void erspanTypesOneTwoAndThree() {
        // Type I: no sequence number, no ERSPAN header.
        expect(INNER_EVENT + 80, 1, ether(0x0800, ipv4(A, B, 47, cat(u16(0), u16(0x88BE), ether(0x0800, INNER)))));
        // Type II: sequence number, then ver=1 | VLAN, COS/En/T/session, reserved/index.
        byte[] ii = cat(u16(0x1000), u16(0x88BE), u32(5), u16(0x1000), u16(0x0001), u32(0));
        expect(INNER_EVENT + 92, 1, ether(0x0800, ipv4(A, B, 47, cat(ii, ether(0x0800, INNER)))));
        // Type III: ver=2, timestamp, SGT, P/FT/HwID/D/Gra/O with O set: an 8-byte platform subheader follows.
        byte[] iii = cat(u16(0x1000), u16(0x22EB), u32(5), u16(0x2000), u16(0x0001), u32(123456), u16(0), u16(0x0001),
                new byte[8]);
        expect(INNER_EVENT + 104, 1, ether(0x0800, ipv4(A, B, 47, cat(iii, ether(0x0800, INNER)))));
    }

    @Test
    void ipInIp() {
        expect(INNER_EVENT + 62, 1, ether(0x0800, ipv4(A, B, 4, INNER)));
    }

    @Test
    void unknownLinkTypeIsReportedOnce() {
        Recorder r = new Recorder();
        NetworkDecoder d = new NetworkDecoder(r);
        d.decode(Pkt.frame(1, 147, UDP4));
        d.decode(Pkt.frame(2, 147, UDP4));
        assertEquals(1, d.diagnostics().size());
        assertTrue(d.diagnostics().get(0).message().contains("link type 147"));
        assertEquals(2, d.undecodedFrames());
    }

    @Test
    void snaplenCutIsNotMalformedButAShortFrameIs() {
        byte[] full = ether(0x0800, UDP4);
        byte[] cut = java.util.Arrays.copyOf(full, 30);
        Recorder r = new Recorder();
        NetworkDecoder d = new NetworkDecoder(r);
        d.decode(Pkt.frame(1, 1000, 1, cut, full.length));
        assertTrue(d.diagnostics().isEmpty(), d.diagnostics()::toString);
        d.decode(Pkt.frame(2, 1, cut));
        assertEquals(1, d.diagnostics().size());
        assertEquals(2, d.diagnostics().get(0).frame());
        assertTrue(d.diagnostics().get(0).message().contains("too short for the ipv4 header"),
                d.diagnostics().toString());
    }

    @Test
    void lastFlowNamesTheInnermostFiveTuple() {
        NetworkDecoder d = new NetworkDecoder(new Recorder());
        d.decode(Pkt.frame(1, 1, ether(0x0800, ipv4(A, B, 47, cat(u16(0), u16(0x0800), INNER)))));
        FlowKey k = d.lastFlow();
        assertEquals("192.168.69.10:2222 -> 192.168.69.2:88/17", k.toString());
        d.decode(Pkt.frame(2, 1, ether(0x0806, new byte[28])));
        assertEquals(null, d.lastFlow(), "ARP carries no IP");
    }

    // ------------------------------------------------------------------ IEEE 802.11 (decrypted Wi-Fi captures)

    static final byte[] SNAP_IP = {(byte) 0xAA, (byte) 0xAA, 0x03, 0, 0, 0, 0x08, 0x00};

    /** An 802.11 header: frame control, duration, three or four addresses, sequence control, QoS control. */
    static byte[] wlanHeader(int fc0, int fc1, boolean fourAddresses, int qos) {
        byte[] h = new byte[(fourAddresses ? 30 : 24) + ((fc0 & 0x80) != 0 ? 2 : 0) + ((fc1 & 0x80) != 0 ? 4 : 0)];
        h[0] = (byte) fc0;
        h[1] = (byte) fc1;
        h[22] = 0x30; // sequence number 3, fragment 0
        if ((fc0 & 0x80) != 0) {
            h[fourAddresses ? 30 : 24] = (byte) qos;
        }
        return h;
    }

    @Test
    void ieee80211DataFramesWithThreeOrFourAddressesQosAndHtControl() {
        expect(OUTER_EVENT + 60, 105, cat(wlanHeader(0x08, 0x02, false, 0), SNAP_IP, UDP4));
        expect(OUTER_EVENT + 68, 105, cat(wlanHeader(0x88, 0x03, true, 0), SNAP_IP, UDP4));
        expect(OUTER_EVENT + 66, 105, cat(wlanHeader(0x88, 0x81, false, 0), SNAP_IP, UDP4));
    }

    @Test
    void ieee80211ManagementNullAndFragmentFramesCarryNothing() {
        assertEquals(List.of(), decode(105, cat(wlanHeader(0x80, 0, false, 0), new byte[40])).events, "beacon");
        assertEquals(List.of(), decode(105, wlanHeader(0xC8, 0x01, false, 0)).events, "QoS null");
        byte[] fragment = cat(wlanHeader(0x08, 0x06, false, 0), SNAP_IP, UDP4);
        assertEquals(List.of(), decode(105, fragment).events, "more fragments");
    }

    @Test
    void ieee80211AmsduSubframesEachCarryTheirPacket() {
        byte[] first = cat(new byte[12], u16(SNAP_IP.length + UDP4.length), SNAP_IP, UDP4);
        byte[] second = cat(new byte[12], u16(SNAP_IP.length + INNER.length), SNAP_IP, INNER);
        int pad = (4 - first.length % 4) % 4;
        byte[] frame = cat(wlanHeader(0x88, 0x02, false, 0x80), first, new byte[pad], second);
        int secondAt = 26 + first.length + pad + 14 + 8 + 28;
        assertEquals(List.of(OUTER_EVENT + (26 + 14 + 8 + 28), INNER_EVENT + secondAt), decode(105, frame).events);
    }

    @Test
    void radiotapWithChainedBitmapsTsftFcsAndPadding() {
        // present: TSFT | Flags | bit 31 (a second bitmap follows, empty); TSFT 8-aligned at 16, Flags at 24:
        // FCS at the end (0x10) and the 802.11 header padded to four bytes (0x20); header length 26
        byte[] radiotap = cat(new byte[] {0, 0, 26, 0}, new byte[] {0x03, 0, 0, (byte) 0x80}, new byte[4],
                new byte[4], new byte[8], new byte[] {0x30, 0});
        byte[] wlan = cat(wlanHeader(0x88, 0x02, false, 0), new byte[2], SNAP_IP, UDP4); // 26 + 2 bytes of padding
        expect(OUTER_EVENT + (26 + 28 + 8 + 28), 127, cat(radiotap, wlan, new byte[] {1, 2, 3, 4}));
        // no Flags field: nothing is taken off the end
        byte[] plain = {0, 0, 8, 0, 0, 0, 0, 0};
        expect(OUTER_EVENT + (8 + 60), 127, cat(plain, wlanHeader(0x08, 0x02, false, 0), SNAP_IP, UDP4));
    }

    @Test
    void ppiBeforeIeee80211() {
        byte[] ppi = {0, 0, 8, 0, 105, 0, 0, 0};
        expect(OUTER_EVENT + (8 + 60), 192, cat(ppi, wlanHeader(0x08, 0x02, false, 0), SNAP_IP, UDP4));
    }

    @Test
    void encryptedFramesAreReportedOnceAndRadiotapThatDoesNotFitIsAProblem() {
        Recorder r = new Recorder();
        NetworkDecoder d = new NetworkDecoder(r);
        byte[] protectedFrame = cat(wlanHeader(0x88, 0x42, false, 0), new byte[8], new byte[60]);
        d.decode(Pkt.frame(1, 105, protectedFrame));
        d.decode(Pkt.frame(2, 105, protectedFrame));
        d.decode(Pkt.frame(3, 127, new byte[] {0, 0, (byte) 0xff, 0, 0, 0, 0, 0, 1, 2}));
        d.finish();
        assertEquals(List.of(), r.events);
        assertEquals(2, d.undecodedFrames());
        assertEquals(2, d.diagnostics().size(), d.diagnostics()::toString);
        assertTrue(d.diagnostics().get(0).message().startsWith("encrypted 802.11 frames are not decoded"),
                d.diagnostics()::toString);
        assertEquals(3, d.diagnostics().get(1).frame());
        assertTrue(d.diagnostics().get(1).message().contains("radiotap header of version 0 and length 255"),
                d.diagnostics()::toString);
    }
}
