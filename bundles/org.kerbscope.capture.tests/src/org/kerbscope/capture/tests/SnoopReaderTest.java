package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.LinkTypes;

/**
 * Snoop files (RFC 1761), as Solaris {@code snoop} and Check Point's {@code fw monitor} write them: big-endian
 * records padded to four bytes; damage keeps the frames before it.
 */
class SnoopReaderTest {
    @TempDir
    Path dir;

    /** A snoop file of {@code n} frames of 61, 62, … bytes (so that most records carry padding). */
    static Bytes snoop(int version, int datalink, int n) {
        Bytes b = Bytes.be().ascii("snoop").u8(0).u8(0).u8(0).u32(version).u32(datalink);
        for (int i = 0; i < n; i++) {
            byte[] p = Bytes.payload(61 + i, i);
            int record = 24 + (p.length + 3) / 4 * 4;
            b.u32(p.length + 40).u32(p.length).u32(record).u32(0).u32(1_700_000_000L + i).u32(250_000 + i).raw(p).pad4();
        }
        return b;
    }

    @Test
    void recordsComeOutWithTheirTimesLengthsAndBytes() throws IOException {
        Path p = Files2.write(dir, "fw.cap", snoop(2, 4, 5).bytes());
        assertEquals("snoop", CaptureFile.detect(p), "found from the content, not the name");
        var r = Files2.read(p);
        assertEquals("snoop", r.format());
        assertEquals(5, r.frames().size());
        for (int i = 0; i < 5; i++) {
            var f = r.frames().get(i);
            assertEquals(i + 1, f.number());
            assertEquals(LinkTypes.ETHERNET, f.linkType());
            assertEquals(61 + i, f.capturedLength());
            assertEquals(101 + i, f.originalLength());
            assertEquals((1_700_000_000L + i) * 1_000_000_000L + (250_000 + i) * 1000L, f.timeNanos());
            assertArrayEquals(Bytes.payload(61 + i, i), r.data().get(i), "frame " + (i + 1) + " past the padding");
        }
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    }

    @Test
    void datalinkTypesBecomeLinkTypes() throws IOException {
        assertEquals(LinkTypes.ETHERNET, Files2.read(Files2.write(dir, "8023.snoop", snoop(2, 0, 1).bytes())).frames()
                .get(0).linkType(), "IEEE 802.3 is read as Ethernet");
        assertEquals(LinkTypes.IPNET, Files2.read(Files2.write(dir, "ipnet.snoop", snoop(2, 0x1a, 1).bytes())).frames()
                .get(0).linkType());
        int atm = Files2.read(Files2.write(dir, "atm.snoop", snoop(2, 0x12, 1).bytes())).frames().get(0).linkType();
        assertEquals("snoop datalink type 18", LinkTypes.name(atm), "listed, named, not decoded");
    }

    @Test
    void aCutFileKeepsTheFramesBeforeTheCut() throws IOException {
        byte[] whole = snoop(2, 4, 4).bytes();
        var r = Files2.read(Files2.write(dir, "cut.snoop", java.util.Arrays.copyOf(whole, whole.length - 30)));
        assertEquals(3, r.frames().size());
        assertEquals(1, r.diagnostics().size());
        String m = r.diagnostics().get(0).message();
        assertTrue(m.startsWith("snoop file at byte offset ") && m.contains("after frame 3")
                && m.contains("the file was cut short; 3 frames read before it"), m);
    }

    @Test
    void aRecordLengthPastTheEndKeepsItsFrameAndSaysTheFileWasCut() throws IOException {
        // the last record's bytes are all there, but its record length claims 1000 bytes more
        byte[] b = snoop(2, 4, 2).bytes();
        int second = 16 + 24 + 64; // the first record: 24 + 61 bytes padded to 64
        java.nio.ByteBuffer.wrap(b).putInt(second + 8, 24 + 64 + 1000);
        var r = Files2.read(Files2.write(dir, "long.snoop", b));
        assertEquals(2, r.frames().size(), "both frames are whole");
        assertArrayEquals(Bytes.payload(62, 1), r.data().get(1));
        assertEquals(1, r.diagnostics().size(), r.diagnostics()::toString);
        assertTrue(r.diagnostics().get(0).message().contains("the record of frame 2 at byte offset " + second
                + " claims 1088 bytes, past the end of the file"), r.diagnostics()::toString);
        // padding the last record lacks (at most three bytes) is no damage
        byte[] unpadded = java.util.Arrays.copyOf(snoop(2, 4, 2).bytes(), 16 + 88 + 24 + 62);
        assertTrue(Files2.read(Files2.write(dir, "unpadded.snoop", unpadded)).diagnostics().isEmpty());
    }

    @Test
    void aGarbageRecordLengthOrAnotherVersionStopsWithASentence() throws IOException {
        Bytes b = snoop(2, 4, 1);
        byte[] one = b.bytes();
        // a second record whose record length cannot hold its own header
        byte[] bad = Bytes.be().raw(one).u32(100).u32(60).u32(20).u32(0).u32(1_700_000_001L).u32(0)
                .raw(Bytes.payload(60, 9)).bytes();
        var r = Files2.read(Files2.write(dir, "bad.snoop", bad));
        assertEquals(1, r.frames().size());
        assertTrue(r.diagnostics().get(0).message().contains("too short for its header and 60 captured bytes"),
                r.diagnostics()::toString);
        var v = Files2.read(Files2.write(dir, "v3.snoop", snoop(3, 4, 2).bytes()));
        assertEquals(0, v.frames().size());
        assertTrue(v.diagnostics().get(0).message().contains("has version 3; only version 2 (RFC 1761) is read"),
                v.diagnostics()::toString);
        var tiny = Files2.read(Files2.write(dir, "tiny.snoop", java.util.Arrays.copyOf(one, 12)));
        assertTrue(tiny.diagnostics().get(0).message().contains("cut short inside its 16-byte file header"),
                tiny.diagnostics()::toString);
    }
}
