package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.LinkTypes;
import org.kerbscope.capture.PcapngWriter;

/** pcapng sections, interfaces, packet block kinds, timestamp resolutions and comments. */
class PcapngReaderTest {
    @TempDir
    Path dir;

    @Test
    void enhancedPacketsInBothByteOrders() throws IOException {
        for (boolean be : new boolean[] {false, true}) {
            byte[] file = new Pcapng(be).shb().idb(1, 65535, -1, 0)
                    .epb(0, 1_700_000_000_123_456L, Bytes.payload(60, 1), 60, null)
                    .epb(0, 1_700_000_001_000_001L, Bytes.payload(61, 2), 1514, null).bytes();
            var r = Files2.read(Files2.write(dir, "epb" + be + ".pcapng", file));
            assertEquals("pcapng", r.format());
            assertEquals(2, r.frames().size(), "byte order big=" + be);
            assertEquals(1_700_000_000_123_456_000L, r.frames().get(0).timeNanos());
            assertEquals(1514, r.frames().get(1).originalLength());
            assertArrayEquals(Bytes.payload(61, 2), r.data().get(1));
            assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
        }
    }

    @Test
    void interfacesWithTheirOwnLinkTypesResolutionsAndOffsets() throws IOException {
        long base = 1_700_000_000L;
        byte[] file = new Pcapng(false).shb()
                .idb(1, 65535, 9, 0)             // nanoseconds
                .idb(113, 65535, 3, 0)           // milliseconds, Linux cooked
                .idb(101, 65535, 0x80 | 20, 0)   // 2^-20 s, raw IP
                .idb(1, 65535, 6, 3600)          // microseconds, one hour offset
                .epb(0, base * 1_000_000_000L + 5, Bytes.payload(20, 0), 20, null)
                .epb(1, base * 1000 + 250, Bytes.payload(20, 0), 20, null)
                .epb(2, (base << 20) | (1 << 19), Bytes.payload(20, 0), 20, null)
                .epb(3, base * 1_000_000L + 7, Bytes.payload(20, 0), 20, null).bytes();
        var r = Files2.read(Files2.write(dir, "ifaces.pcapng", file));
        assertEquals(4, r.frames().size());
        long s = base * 1_000_000_000L;
        assertEquals(s + 5, r.frames().get(0).timeNanos());
        assertEquals(LinkTypes.ETHERNET, r.frames().get(0).linkType());
        assertEquals(s + 250_000_000L, r.frames().get(1).timeNanos());
        assertEquals(LinkTypes.LINUX_SLL, r.frames().get(1).linkType());
        assertEquals(s + 500_000_000L, r.frames().get(2).timeNanos(), "half a second in 2^-20 units");
        assertEquals(LinkTypes.RAW, r.frames().get(2).linkType());
        assertEquals(s + 3600_000_000_000L + 7_000, r.frames().get(3).timeNanos(), "if_tsoffset adds seconds");
    }

    @Test
    void picosecondResolution() throws IOException {
        byte[] file = new Pcapng(true).shb().idb(1, 0, 12, 0)
                .epb(0, 1_000_000_000_123_456_789L, Bytes.payload(14, 0), 14, null).bytes();
        var r = Files2.read(Files2.write(dir, "ps.pcapng", file));
        // 1e18 + 123456789 ps = 1,000,000.000123456789 s
        assertEquals(1_000_000_000_123_456L, r.frames().get(0).timeNanos());
    }

    @Test
    void simpleAndObsoletePacketBlocks() throws IOException {
        byte[] file = new Pcapng(false).shb().idb(1, 64, -1, 0)
                .spb(Bytes.payload(100, 3), 100)           // cut to the IDB's snaplen 64
                .obsoletePb(0, 1_600_000_000_000_000L, Bytes.payload(30, 4)).bytes();
        var r = Files2.read(Files2.write(dir, "spb.pcapng", file));
        assertEquals(2, r.frames().size());
        assertEquals(64, r.frames().get(0).capturedLength());
        assertEquals(100, r.frames().get(0).originalLength());
        assertArrayEquals(Bytes.payload(64, 3), r.data().get(0));
        assertEquals(1_600_000_000_000_000_000L, r.frames().get(1).timeNanos());
        assertArrayEquals(Bytes.payload(30, 4), r.data().get(1));
    }

    @Test
    void nameResolutionStatisticsAndUnknownBlocksAreSkipped() throws IOException {
        byte[] file = new Pcapng(false).shb().idb(1, 0, -1, 0).nrb()
                .epb(0, 1, Bytes.payload(10, 0), 10, null)
                .block(0x0BAD, new Bytes(false).u32(32473).u32(7)) // custom block
                .block(0x00001234, new Bytes(false).u32(1))        // unknown type
                .isb(0)
                .epb(0, 2, Bytes.payload(11, 0), 11, null).bytes();
        var r = Files2.read(Files2.write(dir, "skip.pcapng", file));
        assertEquals(2, r.frames().size());
        assertEquals(2, r.frames().get(1).number());
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    }

    @Test
    void commentsAreKeptForDisplay() throws IOException {
        byte[] file = new Pcapng(false).shb().idb(1, 0, -1, 0)
                .epb(0, 1, Bytes.payload(10, 0), 10, "the TGS-REQ that failed")
                .epb(0, 2, Bytes.payload(10, 0), 10, null)
                .epb(0, 3, Bytes.payload(10, 0), 10, "Ünïcode ✓").bytes();
        Path p = Files2.write(dir, "comments.pcapng", file);
        var r = Files2.read(p);
        assertEquals("the TGS-REQ that failed", r.comments().get(0));
        assertNull(r.comments().get(1));
        assertEquals("Ünïcode ✓", r.comments().get(2));
        try (CaptureFile f = CaptureFile.open(p)) {
            assertEquals("Ünïcode ✓", f.comment(3));
            assertNull(f.comment(2));
        }
    }

    @Test
    void severalSectionsOfDifferentByteOrderEachWithTheirOwnInterfaces() throws IOException {
        Pcapng a = new Pcapng(false).shb().idb(1, 0, -1, 0).epb(0, 1_000_000, Bytes.payload(20, 1), 20, null);
        Pcapng b = new Pcapng(true).shb().idb(101, 0, 9, 0).epb(0, 2_000_000_000L, Bytes.payload(21, 2), 21, null);
        byte[] both = new Bytes(false).raw(a.bytes()).raw(b.bytes()).bytes();
        var r = Files2.read(Files2.write(dir, "sections.pcapng", both));
        assertEquals(2, r.frames().size());
        assertEquals(LinkTypes.ETHERNET, r.frames().get(0).linkType());
        assertEquals(1_000_000_000L, r.frames().get(0).timeNanos());
        assertEquals(LinkTypes.RAW, r.frames().get(1).linkType(), "interface 0 of the second section");
        assertEquals(2_000_000_000L, r.frames().get(1).timeNanos());
        assertArrayEquals(Bytes.payload(21, 2), r.data().get(1));
    }

    @Test
    void packetForAnUndescribedInterfaceIsSkippedWithADiagnostic() throws IOException {
        byte[] file = new Pcapng(false).shb().idb(1, 0, -1, 0)
                .epb(3, 1, Bytes.payload(10, 0), 10, null)
                .epb(0, 2, Bytes.payload(10, 0), 10, null).bytes();
        var r = Files2.read(Files2.write(dir, "iface.pcapng", file));
        assertEquals(1, r.frames().size());
        assertTrue(r.diagnostics().get(0).message().contains("interface 3"), r.diagnostics()::toString);
    }

    @Test
    void writerOutputReadsBack() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(out, "test")) {
            int eth = w.addInterface(LinkTypes.ETHERNET, 65535, "eth0");
            int raw = w.addInterface(LinkTypes.RAW, 65535, "tun0");
            w.write(eth, 1_700_000_000_123_456_789L, ByteBuffer.wrap(Bytes.payload(61, 1)), 61, "first");
            w.write(raw, 1_700_000_001_000_000_001L, ByteBuffer.wrap(Bytes.payload(1500, 2)), 9000, null);
        }
        var r = Files2.read(Files2.write(dir, "written.pcapng", out.toByteArray()));
        assertEquals(2, r.frames().size());
        assertEquals(1_700_000_000_123_456_789L, r.frames().get(0).timeNanos());
        assertEquals("first", r.comments().get(0));
        assertEquals(LinkTypes.RAW, r.frames().get(1).linkType());
        assertEquals(9000, r.frames().get(1).originalLength());
        assertArrayEquals(Bytes.payload(1500, 2), r.data().get(1));
        assertTrue(r.diagnostics().isEmpty());
    }
}
