package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.LinkTypes;
import org.kerbscope.core.model.Frame;

/** libpcap files as draft-ietf-opsawg-pcap describes them: both byte orders, µs and ns, snaplen cuts. */
class PcapReaderTest {
    @TempDir
    Path dir;

    /** A pcap header and {@code n} records of 60+i bytes at 1700000000.000123(+i s). */
    static byte[] pcap(boolean bigEndian, int magic, int linkType, int n, boolean nanos) {
        Bytes b = new Bytes(bigEndian).u32(magic).u16(2).u16(4).u32(0).u32(0).u32(65535).u32(linkType);
        for (int i = 0; i < n; i++) {
            byte[] p = Bytes.payload(60 + i, i);
            b.u32(1_700_000_000L + i).u32(nanos ? 123_456_789 : 123_456).u32(p.length).u32(p.length + 100).raw(p);
        }
        return b.bytes();
    }

    @Test
    void littleEndianMicroseconds() throws IOException {
        var r = Files2.read(Files2.write(dir, "le.pcap", pcap(false, 0xA1B2C3D4, 1, 3, false)));
        assertEquals("pcap", r.format());
        assertEquals(3, r.frames().size());
        Frame f = r.frames().get(1);
        assertEquals(2, f.number());
        assertEquals(1_700_000_001_123_456_000L, f.timeNanos());
        assertEquals(LinkTypes.ETHERNET, f.linkType());
        assertEquals(61, f.capturedLength());
        assertEquals(161, f.originalLength());
        assertArrayEquals(Bytes.payload(61, 1), r.data().get(1));
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    }

    @Test
    void bigEndianNanoseconds() throws IOException {
        var r = Files2.read(Files2.write(dir, "be.pcap", pcap(true, 0xA1B23C4D, 101, 2, true)));
        assertEquals(2, r.frames().size());
        assertEquals(1_700_000_000_123_456_789L, r.frames().get(0).timeNanos());
        assertEquals(LinkTypes.RAW, r.frames().get(0).linkType());
        assertArrayEquals(Bytes.payload(60, 0), r.data().get(0));
    }

    @Test
    void bigEndianMicrosecondsAndLittleEndianNanoseconds() throws IOException {
        assertEquals(1_700_000_000_123_456_000L,
                Files2.read(Files2.write(dir, "a.pcap", pcap(true, 0xA1B2C3D4, 1, 1, false))).frames().get(0).timeNanos());
        assertEquals(1_700_000_000_123_456_789L,
                Files2.read(Files2.write(dir, "b.pcap", pcap(false, 0xA1B23C4D, 1, 1, true))).frames().get(0).timeNanos());
    }

    @Test
    void framesAreReadOnlyViewsOfTheMapping() throws IOException {
        var r = Files2.read(Files2.write(dir, "v.pcap", pcap(false, 0xA1B2C3D4, 1, 1, false)));
        Frame f = r.frames().get(0);
        assertTrue(f.data().isDirect(), "a view into the mapped file, not a heap copy");
        assertTrue(f.data().isReadOnly());
        assertEquals(0, f.data().position());
        assertThrows(ReadOnlyBufferException.class, () -> f.data().put(0, (byte) 1));
    }

    @Test
    void fcsBitsInTheLinkTypeFieldAreIgnored() throws IOException {
        int linkWithFcs = 1 | 0x1000_0000 | 0x0400_0000; // F bit and FCS length 4 above LINKTYPE_ETHERNET
        var r = Files2.read(Files2.write(dir, "fcs.pcap", pcap(false, 0xA1B2C3D4, linkWithFcs, 1, false)));
        assertEquals(LinkTypes.ETHERNET, r.frames().get(0).linkType());
    }

    @Test
    void modifiedPcapHasLongerRecordHeaders() throws IOException {
        Bytes b = Bytes.le().u32(0xA1B2CD34).u16(2).u16(4).u32(0).u32(0).u32(65535).u32(1);
        byte[] p = Bytes.payload(42, 7);
        b.u32(1_600_000_000L).u32(5).u32(p.length).u32(p.length).u32(3).u16(0x0800).u8(0).u8(0).raw(p);
        b.u32(1_600_000_001L).u32(6).u32(p.length).u32(p.length).u32(3).u16(0x0800).u8(0).u8(0).raw(p);
        var r = Files2.read(Files2.write(dir, "mod.pcap", b.bytes()));
        assertEquals(2, r.frames().size());
        assertArrayEquals(p, r.data().get(1));
        assertEquals(1_600_000_001_000_006_000L, r.frames().get(1).timeNanos());
    }

    @Test
    void emptyCaptureHasNoFramesAndNoComplaint() throws IOException {
        var r = Files2.read(Files2.write(dir, "empty.pcap", pcap(false, 0xA1B2C3D4, 1, 0, false)));
        assertEquals(0, r.frames().size());
        assertTrue(r.diagnostics().isEmpty());
    }
}
