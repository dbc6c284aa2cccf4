package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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

    /**
     * Issue #3: the index of a 2 GiB capture must fit a 256 MiB heap beside the analysis. A pcap of Ethernet
     * frames (60 to 1514 bytes, microsecond or nanosecond times up to 0.1 s apart) stays within the documented
     * bytes per frame, a quarter of what plain arrays took (28).
     */
    @Test
    void theIndexIsCompact() {
        assertTrue(FrameIndex.BYTES_PER_FRAME <= 8);
        for (long unit : new long[] {1_000, 1}) {
            Random rnd = new Random(3);
            FrameIndex idx = new FrameIndex();
            long offset = 24;
            long time = 1_700_000_000_000_000_000L;
            int n = 1_000_000;
            for (int k = 0; k < n; k++) {
                int len = 60 + rnd.nextInt(1455);
                idx.add(offset + 16, time, len, len, 1, null);
                offset += 16 + len;
                time += rnd.nextInt(100_000_000) / unit * unit;
            }
            double perFrame = (double) idx.heapBytes() / n;
            assertTrue(perFrame <= FrameIndex.BYTES_PER_FRAME, perFrame + " bytes a frame with times in units of " + unit);
            assertTrue(idx.heapBytes() > n * 3L, "heapBytes() counts the encoded frames: " + idx.heapBytes());
        }
    }

    /** What goes in comes out, whatever the values: the encoding is relative, so extremes must wrap back exactly. */
    @Test
    void everyFieldComesBackExactly() {
        Random rnd = new Random(11);
        for (int n : new int[] {0, 1, 63, 64, 65, 128, 1000, 5000}) {
            FrameIndex idx = new FrameIndex();
            long[] offset = new long[n];
            long[] time = new long[n];
            int[] cap = new int[n];
            int[] orig = new int[n];
            int[] link = new int[n];
            long o = 24;
            long t = 1_600_000_000_000_000_000L;
            for (int k = 0; k < n; k++) {
                // Runs of 64 (one block each) of regular frames whose times tick in microseconds, in 100 ns
                // (Network Monitor's FILETIMEs), in nanoseconds, in milliseconds or in tenths of a millisecond (a
                // multiple of the microsecond unit, not of the millisecond one), and runs of the unusual: long
                // gaps, jumps back in time and to the extremes, snaplen cuts, lengths beyond 2^31, link types.
                int run = (k / 64) % 6;
                boolean odd = run == 1;
                o += odd ? rnd.nextLong() >>> 20 : 16 + (k > 0 ? cap[k - 1] : 0);
                t = switch (odd ? rnd.nextInt(5) : 5 + run) {
                    case 0 -> Long.MIN_VALUE + rnd.nextInt(1000);
                    case 1 -> Long.MAX_VALUE - rnd.nextInt(1000);
                    case 2 -> t - rnd.nextInt(1_000_000_000);
                    case 3 -> t + 1;
                    case 4 -> t - 1000L * rnd.nextInt(1000);
                    case 5 -> t + 1000L * rnd.nextInt(5_000_000);
                    case 7 -> t + 100L * rnd.nextInt(50_000_000);
                    case 8 -> t + rnd.nextInt(1_000_000_000);
                    case 9 -> t + 100_000L * rnd.nextInt(50_000);
                    default -> t + 1_000_000L * rnd.nextInt(5_000);
                };
                offset[k] = o;
                time[k] = t;
                cap[k] = odd && rnd.nextBoolean() ? rnd.nextInt() : rnd.nextInt(1515);
                orig[k] = odd && rnd.nextBoolean() ? rnd.nextInt() : cap[k];
                link[k] = odd ? rnd.nextInt() : 1;
                idx.add(offset[k], time[k], cap[k], orig[k], link[k], k % 97 == 5 ? "c" + k : null);
            }
            assertEquals(n, idx.size());
            // Random order: blocks are decoded again and again, and the pending last block is read too.
            for (int i = 0; i < 3 * n; i++) {
                int k = rnd.nextInt(n);
                long f = k + 1;
                String at = "frame " + f + " of " + n;
                assertEquals(offset[k], idx.offset(f), at);
                assertEquals(time[k], idx.timeNanos(f), at);
                assertEquals(cap[k], idx.capturedLength(f), at);
                assertEquals(orig[k], idx.originalLength(f), at);
                assertEquals(link[k], idx.linkType(f), at);
                assertEquals(k % 97 == 5 ? "c" + k : null, idx.comment(f), at);
            }
            long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
            for (long x : time) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            assertEquals(n == 0 ? 0 : min, idx.firstTime());
            assertEquals(n == 0 ? 0 : max, idx.lastTime());
            FrameIndex built = idx;
            assertThrows(IndexOutOfBoundsException.class, () -> built.offset(n + 1));
            assertThrows(IndexOutOfBoundsException.class, () -> built.timeNanos(0));
        }
    }

    /** The packet list reads rows on the UI thread while other threads may look frames up too. */
    @Test
    void threadsReadingAtOnceSeeTheirOwnFrames() throws Exception {
        FrameIndex idx = new FrameIndex();
        int n = 64 * 200 + 17;
        for (int k = 0; k < n; k++) {
            idx.add(1000L * k, 7L * k * k, k % 1500, k % 1500 + (k % 3), k % 5 == 0 ? 101 : 1, null);
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Random rnd = new Random(t);
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < 200_000; i++) {
                        long k = rnd.nextInt(n);
                        long f = k + 1;
                        if (idx.offset(f) != 1000L * k || idx.timeNanos(f) != 7L * k * k
                                || idx.originalLength(f) != k % 1500 + (k % 3) || idx.linkType(f) != (k % 5 == 0 ? 101 : 1)) {
                            throw new AssertionError("frame " + f + " read wrong");
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(List.of(), failures);
    }

    /**
     * The workbench lists a big capture's frames while they are indexed: between batches of the pass, another thread
     * finds every frame indexed so far (and only those), each with its own bytes; a cancelled pass leaves no index,
     * and the next one builds it whole.
     */
    @Test
    void framesIndexedSoFarAreReadableWhileThePassGoesOn() throws Exception {
        int n = 100_000;
        Path p = Files2.write(dir, "growing.pcap", bigPcap(n));
        try (CaptureFile f = CaptureFile.open(p)) {
            List<Long> seen = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            FrameIndex built = f.index(() -> {
                // between two batches: check from another thread, as the packet list does from the UI thread
                Thread reader = new Thread(() -> {
                    try {
                        FrameIndex so = f.indexSoFar();
                        long have = so.size();
                        seen.add(have);
                        for (long k : new long[] {1, have / 2, have}) {
                            Frame fr = f.frame(k);
                            assertEquals(size((int) k - 1), fr.capturedLength(), "frame " + k + " of " + have + " so far");
                            assertEquals((byte) (k - 1), fr.data().get(0), "first payload byte of frame " + k);
                        }
                        assertThrows(IndexOutOfBoundsException.class, () -> so.offset(have + 1),
                                "frame " + (have + 1) + " is not indexed yet");
                        assertTrue(!f.indexed(), "the index is not complete yet");
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                reader.start();
                try {
                    reader.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return false;
            });
            assertEquals(List.of(), failures);
            assertEquals(n, built.size());
            assertTrue(f.indexed());
            assertTrue(seen.size() >= 3, "the pass stopped between batches " + seen.size() + " times: " + seen);
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i) > seen.get(i - 1), "the index grew from batch to batch: " + seen);
            }
        }
        try (CaptureFile f = CaptureFile.open(p)) {
            int[] batches = {0};
            assertEquals(null, f.index(() -> ++batches[0] == 2), "a cancelled pass gives no index");
            assertTrue(!f.indexed());
            assertTrue(f.indexSoFar().size() > 0 && f.indexSoFar().size() < n,
                    "the frames listed before the cancel stay listed: " + f.indexSoFar().size());
            assertEquals(size(0), f.frame(1).capturedLength(), "and readable");
            assertEquals(n, f.index().size(), "the next pass indexes every frame");
            assertEquals(size(n - 1), f.frame(n).capturedLength());
        }
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
