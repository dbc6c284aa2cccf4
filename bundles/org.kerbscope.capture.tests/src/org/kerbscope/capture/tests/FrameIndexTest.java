package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.FrameIndex;
import org.kerbscope.core.model.CaptureInfo;
import org.kerbscope.core.model.Frame;

/** Random access by frame number, and files mapped in several windows (as files over 2 GiB are). */
class FrameIndexTest {
    @TempDir
    Path dir;

    private static int size(int k) {
        return 40 + (k * 37) % 3000;
    }

    private static byte[] bigPcap(int n) {
        Bytes b = Bytes.le().u32(0xA1B2C3D4).u16(2).u16(4).u32(0).u32(0).u32(262144).u32(1);
        for (int k = 0; k < n; k++) {
            byte[] p = Bytes.payload(size(k), k);
            b.u32(1_000 + k).u32(k).u32(p.length).u32(p.length).raw(p);
        }
        return b.bytes();
    }

    @Test
    void theIndexIsCompact() {
        assertTrue(FrameIndex.BYTES_PER_FRAME <= 32);
    }

    @Test
    void randomAccessAcrossManySmallMappings() throws IOException {
        int n = 300;
        Path p = Files2.write(dir, "big.pcap", bigPcap(n));
        // 4 KiB windows overlapping by 1 KiB: frames straddle windows, and many exceed the overlap.
        try (CaptureFile f = CaptureFile.open(p, 12, 1024)) {
            assertTrue(f.mappings() > 50, "mappings: " + f.mappings());
            FrameIndex idx = f.index();
            assertEquals(n, idx.size());
            for (long k = n; k >= 1; k -= 7) {
                Frame fr = f.frame(k);
                assertEquals(k, fr.number());
                assertEquals((1_000 + k - 1) * 1_000_000_000L + (k - 1) * 1000, fr.timeNanos());
                byte[] got = new byte[fr.capturedLength()];
                fr.data().get(0, got);
                assertArrayEquals(Bytes.payload(size((int) k - 1), (int) k - 1), got, "frame " + k);
            }
            try (CaptureReader r = f.reader()) {
                int k = 0;
                for (Frame fr : r) {
                    byte[] got = new byte[fr.capturedLength()];
                    fr.data().get(0, got);
                    assertArrayEquals(Bytes.payload(size(k), k), got, "streamed frame " + (k + 1));
                    k++;
                }
                assertEquals(n, k);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> f.frame(n + 1));
            assertThrows(IndexOutOfBoundsException.class, () -> f.frame(0));
        }
    }

    @Test
    void pcapngAcrossSmallMappingsKeepsCommentsAndTimes() throws IOException {
        Pcapng png = new Pcapng(true).shb().idb(1, 0, 9, 0);
        for (int k = 0; k < 200; k++) {
            png.epb(0, 5_000_000_000L + k, Bytes.payload(size(k), k), size(k), k % 10 == 0 ? "comment " + k : null);
        }
        Path p = Files2.write(dir, "big.pcapng", png.bytes());
        try (CaptureFile f = CaptureFile.open(p, 12, 512)) {
            assertEquals(200, f.index().size());
            assertEquals("comment 150", f.comment(151));
            assertEquals(null, f.comment(152));
            Frame fr = f.frame(199);
            assertEquals(5_000_000_198L, fr.timeNanos());
            byte[] got = new byte[fr.capturedLength()];
            fr.data().get(0, got);
            assertArrayEquals(Bytes.payload(size(198), 198), got);
            assertEquals(20, f.index().comments().size());
        }
    }

    @Test
    void infoSummarisesTheFile() throws IOException {
        Path p = Files2.write(dir, "info.pcap", PcapReaderTest.pcap(false, 0xA1B2C3D4, 1, 3, false));
        try (CaptureFile f = CaptureFile.open(p)) {
            CaptureInfo i = f.info();
            assertEquals(3, i.frames());
            assertEquals("pcap", i.format());
            assertEquals(1_700_000_000_123_456_000L, i.startNanos());
            assertEquals(1_700_000_002_123_456_000L, i.endNanos());
        }
    }
}
