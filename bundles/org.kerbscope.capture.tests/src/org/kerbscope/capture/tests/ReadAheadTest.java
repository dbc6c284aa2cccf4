package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.internal.MappedFile;
import org.kerbscope.capture.internal.NetmonParser;
import org.kerbscope.capture.internal.PcapParser;
import org.kerbscope.capture.internal.RecordParser;

/**
 * The parsers touch the bytes ahead of the record they read (a record header is otherwise a cache miss the
 * processor waits for): one byte of every cache line, over window seams, never beyond the file, always ahead
 * of the parser and never far beyond it.
 */
class ReadAheadTest {
    @TempDir
    Path dir;

    @Test
    void touchReadsOneByteOfEveryLineAcrossWindowsAndStopsAtTheEnd() throws IOException {
        byte[] b = new byte[3 * 4096 + 1000];
        new Random(5).nextBytes(b);
        Path p = Files2.write(dir, "bytes.bin", b);
        // 4 KiB windows overlapping by 64 bytes: ranges cross seams, and the last window is short.
        try (MappedFile f = MappedFile.open(p, 12, 64)) {
            assertEquals(4, f.windowCount());
            int[][] ranges = {{0, 64}, {0, b.length}, {4032, 4160}, {64, 9000}, {8192, 20000}, {b.length, b.length + 64},
                {12 * 1024, 12 * 1024 + 4096}};
            for (int[] r : ranges) {
                int want = 0;
                for (int o = r[0]; o < Math.min(r[1], b.length); o += 64) {
                    want += b[o];
                }
                int got = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> f.touch(r[0], r[1]));
                assertEquals(want, got, "touch(" + r[0] + ", " + r[1] + ")");
            }
        }
    }

    @Test
    void thePcapParserStaysAheadOfItsRecords() throws IOException {
        // Small frames, then frames larger than the lead, then small again.
        Bytes w = Bytes.le().u32(0xA1B2C3D4).u16(2).u16(4).u32(0).u32(0).u32(262144).u32(1);
        int n = 0;
        for (int k = 0; k < 600; k++) {
            byte[] data = Bytes.payload(k >= 200 && k < 230 ? 20_000 + k : 60 + k % 50, k);
            w.u32(1_700_000_000L + k).u32(0).u32(data.length).u32(data.length).raw(data);
            n++;
        }
        Path p = Files2.write(dir, "ahead.pcap", w.bytes());
        try (MappedFile f = MappedFile.open(p, 12, 256 * 1024)) {
            RecordParser parser = new PcapParser(f);
            int frames = 0;
            while (parser.advance()) {
                frames++;
                long end = parser.dataOffset + parser.capturedLength;
                long mark = parser.readAheadMark();
                assertTrue(mark >= end + RecordParser.BATCH - 64, "frame " + frames + ": touched up to " + mark
                        + ", the frame ends at " + end);
                assertTrue(mark <= end + 4 * RecordParser.AHEAD + RecordParser.BATCH, "frame " + frames
                        + ": touched up to " + mark + ", far beyond the frame's end at " + end);
                byte[] got = new byte[parser.capturedLength];
                f.slice(parser.dataOffset, parser.capturedLength).get(0, got);
                assertArrayEquals(Bytes.payload(got.length, frames - 1), got, "frame " + frames);
            }
            assertEquals(n, frames);
            assertTrue(parser.diagnostics().isEmpty(), parser.diagnostics()::toString);
        }
    }

    @Test
    void aFrameTableOutOfFileOrderIsFollowed() throws IOException {
        Netmon nm = new Netmon(2, 1);
        for (int k = 0; k < 40; k++) {
            nm.frame(k, 1, Bytes.payload(3000, k), 0);
        }
        byte[] b = nm.bytes();
        // Reverse the frame table (the last 160 bytes): the records are then read from the end backwards.
        int table = b.length - 4 * 40;
        byte[] reversed = b.clone();
        for (int k = 0; k < 40; k++) {
            System.arraycopy(b, table + 4 * k, reversed, table + 4 * (39 - k), 4);
        }
        Path p = Files2.write(dir, "reversed.cap", reversed);
        try (MappedFile f = MappedFile.open(p)) {
            RecordParser parser = new NetmonParser(f);
            int frames = 0;
            while (parser.advance()) {
                long end = parser.dataOffset + parser.capturedLength;
                long mark = parser.readAheadMark();
                assertTrue(mark >= end + RecordParser.BATCH - 64 && mark <= end + 4 * RecordParser.AHEAD + RecordParser.BATCH,
                        "frame " + (frames + 1) + ": touched up to " + mark + ", the frame ends at " + end);
                byte[] got = new byte[parser.capturedLength];
                f.slice(parser.dataOffset, parser.capturedLength).get(0, got);
                assertArrayEquals(Bytes.payload(3000, 39 - frames), got, "frame " + (frames + 1));
                frames++;
            }
            assertEquals(40, frames);
        }
    }
}
