package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.LinkTypes;

/**
 * A {@code pktmon} or {@code netsh trace} trace opened in Network Monitor and saved as a {@code .cap} keeps its
 * packets as ETW events (media type 0xFFE0): each packet event is read as the packet it holds, every other event
 * stays an event frame, and the frame numbers stay those of the records.
 */
class EtwPacketTest {
    @TempDir
    Path dir;

    static final long UTC = 1_591_723_166_000_747_800L;

    /** Microsoft-Windows-PktMon and Microsoft-Windows-NDIS-PacketCapture, and the kernel's trace header provider. */
    static final String PKTMON = "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac";
    static final String NDIS = "2ed6006e-4729-4609-b423-3ee7bcd678ef";
    static final String SYSTEM_TRACE = "68fdd900-4a3e-11d1-84f4-0000f80464e3";

    /**
     * An ETW event as Network Monitor stores it: EVENT_HEADER (size, header type, flags, event property, thread,
     * process, FILETIME, provider GUID, descriptor, processor time, activity GUID), the buffer context, the count of
     * extended data items, the user data's length, one byte, then the user data.
     */
    static byte[] event(String provider, int id, long keywords, byte[] user) {
        String[] g = provider.split("-");
        Bytes b = Bytes.le().u16(80 + user.length).u16(0).u16(0x0240).u16(0).u32(6364).u32(7424)
                .u64(UTC / 100 + Netmon.FILETIME_UNIX)
                .u32(Long.parseLong(g[0], 16)).u16(Integer.parseInt(g[1], 16)).u16(Integer.parseInt(g[2], 16))
                .raw(hex(g[3] + g[4]))
                .u16(id).u8(0).u8(0).u8(4).u8(0).u16(0).u64(keywords).u64(1)
                .raw(new byte[16]).u8(0).u8(0).u16(0x19).u16(0).u16(user.length).u8(0).raw(user);
        return b.bytes();
    }

    /**
     * PktMon's event 160: PktGroupId, PktNumber, Appearance, Direction, Type, Component, Edge, Filter, DropReason,
     * DropLocation, OriginalSize, LoggedSize, the packet.
     */
    static byte[] pktmon(long group, int type, int component, byte[] packet) {
        return event(PKTMON, 160, 0x10, Bytes.le().u64(group).u16(1).u16(1).u16(3).u16(type).u16(component).u16(1)
                .u16(1).u32(0).u32(0).u16(packet.length).u16(packet.length).raw(packet).bytes());
    }

    /** NDIS-PacketCapture's event 1001: MiniportIfIndex, LowerIfIndex, FragmentSize, the fragment. */
    static byte[] ndis(long keywords, byte[] fragment) {
        return event(NDIS, 1001, keywords, Bytes.le().u32(12).u32(12).u32(fragment.length).raw(fragment).bytes());
    }

    static final long PACKET_START = 0x40000000L;
    static final long PACKET_END = 0x80000000L;
    static final long RECEIVE = 0x200000000L;

    @Test
    void packetEventsAreReadAsThePacketsTheyHold() throws IOException {
        byte[] ethernet = Bytes.payload(60, 1);
        byte[] ip = Bytes.payload(40, 2);
        byte[] wholeNdis = Bytes.payload(74, 3);
        byte[] file = new Netmon(2, 3)
                .frame(0, 0xFFE0, event(SYSTEM_TRACE, 0, 0, Bytes.payload(346, 9)), UTC)
                .frame(1, 0xFFE0, event(PKTMON, 20, 0x10, Bytes.payload(100, 8)), UTC + 1000)
                .frame(2, 0xFFE0, pktmon(35, 1, 9, ethernet), UTC + 2000)
                .frame(3, 0xFFE0, pktmon(36, 3, 12, ip), UTC + 3000)
                .frame(4, 0xFFE0, ndis(PACKET_START | PACKET_END | RECEIVE | 1, wholeNdis), UTC + 4000)
                .bytes();
        var r = Files2.read(Files2.write(dir, "pktmon.cap", file));
        assertEquals(5, r.frames().size(), "one frame per record");
        assertEquals(LinkTypes.NETMON_EVENT, r.frames().get(0).linkType(), "the trace header stays an event");
        assertEquals(LinkTypes.NETMON_EVENT, r.frames().get(1).linkType(), "a component event stays an event");
        assertEquals(LinkTypes.ETHERNET, r.frames().get(2).linkType());
        assertArrayEquals(ethernet, r.data().get(2), "the packet, without the event around it");
        assertEquals(60, r.frames().get(2).originalLength());
        assertEquals("pktmon: packet group 35, component 9, edge 1, appearance 1", r.comments().get(2));
        assertEquals(UTC + 2000, r.frames().get(2).timeNanos());
        assertEquals(LinkTypes.RAW, r.frames().get(3).linkType(), "PktMon's type 3 is an IP packet");
        assertArrayEquals(ip, r.data().get(3));
        assertEquals(LinkTypes.ETHERNET, r.frames().get(4).linkType(), "netsh trace: a whole Ethernet packet");
        assertArrayEquals(wholeNdis, r.data().get(4));
        assertNull(r.comments().get(4));
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    }

    @Test
    void ndisMediaComeFromTheKeywordsAndSplitPacketsStayEventsWithOneDiagnostic() throws IOException {
        byte[] file = new Netmon(2, 3)
                .frame(0, 0xFFE0, ndis(PACKET_START | PACKET_END | 0x10000, Bytes.payload(50, 1)), UTC)
                .frame(1, 0xFFE0, ndis(PACKET_START | PACKET_END | 0x200, Bytes.payload(40, 2)), UTC)
                .frame(2, 0xFFE0, ndis(PACKET_START | 1, Bytes.payload(1000, 3)), UTC)
                .frame(3, 0xFFE0, ndis(PACKET_END | 1, Bytes.payload(500, 4)), UTC)
                .frame(4, 0xFFE0, ndis(PACKET_START | 1, Bytes.payload(1000, 5)), UTC)
                .bytes();
        var r = Files2.read(Files2.write(dir, "nettrace.cap", file));
        assertEquals(5, r.frames().size());
        assertEquals(LinkTypes.IEEE802_11, r.frames().get(0).linkType(), "native 802.11");
        assertEquals(LinkTypes.RAW, r.frames().get(1).linkType(), "mobile broadband: IP");
        for (int i = 2; i < 5; i++) {
            assertEquals(LinkTypes.NETMON_EVENT, r.frames().get(i).linkType(), "a fragment stays an event");
        }
        assertEquals(1, r.diagnostics().size(), r.diagnostics()::toString);
        assertTrue(r.diagnostics().get(0).message().contains("several fragment events, which are not joined")
                && r.diagnostics().get(0).message().contains("the first: frame 3"), r.diagnostics().get(0).message());
    }

    @Test
    void eventsWhoseLengthsDoNotAddUpStayEvents() throws IOException {
        byte[] good = pktmon(35, 1, 9, Bytes.payload(60, 1));
        byte[] loggedTooLong = good.clone();
        loggedTooLong[89 + 32] = 61; // LoggedSize one more than the bytes there
        byte[] userTooLong = good.clone();
        userTooLong[86] = (byte) 0xff; // user data longer than the record
        byte[] unknownType = pktmon(35, 7, 9, Bytes.payload(60, 1)); // ARP: not a link PktMon names
        byte[] cut = java.util.Arrays.copyOf(good, 60); // shorter than an event header
        Netmon n = new Netmon(2, 3);
        for (byte[] e : new byte[][] {loggedTooLong, userTooLong, unknownType, cut}) {
            n.frame(0, 0xFFE0, e, UTC);
        }
        var r = Files2.read(Files2.write(dir, "odd.cap", n.bytes()));
        assertEquals(4, r.frames().size());
        for (int i = 0; i < 4; i++) {
            assertEquals(LinkTypes.NETMON_EVENT, r.frames().get(i).linkType(), "event " + (i + 1));
        }
        assertArrayEquals(cut, r.data().get(3), "the event, as it is");
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
