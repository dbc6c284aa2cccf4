package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Diagnostic;

/**
 * Damaged files: cut short at every offset, lying lengths, garbage. Every frame before the damage is
 * delivered, a diagnostic names the byte offset, nothing throws and nothing hangs.
 */
class DamageTest {
    @TempDir
    Path dir;

    /** A file and the file sizes at which 0, 1, 2, … frames are complete. */
    record Sample(String name, byte[] bytes, List<Integer> boundaries, List<Integer> cleanCuts) {
    }

    static Sample pcapSample() {
        List<Integer> b = new ArrayList<>();
        for (int k = 0; k <= 4; k++) {
            b.add(PcapReaderTest.pcap(false, 0xA1B2C3D4, 1, k, false).length);
        }
        return new Sample("pcap", PcapReaderTest.pcap(false, 0xA1B2C3D4, 1, 4, false), b, b);
    }

    static Sample pcapngSample(boolean be) {
        Pcapng p = new Pcapng(be).shb();
        List<Integer> clean = new ArrayList<>(List.of(p.out.size())); // a section without interfaces is complete
        p.idb(1, 0, -1, 0);
        List<Integer> b = new ArrayList<>();
        b.add(p.out.size());
        for (int k = 0; k < 4; k++) {
            p.epb(0, 1_000_000L * k, Bytes.payload(50 + k, k), 50 + k, k == 1 ? "a comment" : null);
            b.add(p.out.size());
        }
        clean.addAll(b);
        return new Sample("pcapng" + (be ? "-be" : "-le"), p.bytes(), b, clean);
    }


    @Test
    void pcapCutAtEveryOffset() throws IOException {
        cutEverywhere(pcapSample(), 60);
    }

    @Test
    void pcapngCutAtEveryOffsetInBothByteOrders() throws IOException {
        cutEverywhere(pcapngSample(false), 50);
        cutEverywhere(pcapngSample(true), 50);
    }

    private void cutEverywhere(Sample s, int firstPayload) throws IOException {
        for (int len = 0; len <= s.bytes().length; len++) {
            byte[] cut = Arrays.copyOf(s.bytes(), len);
            Path p = Files2.write(dir, s.name() + "-" + len, cut);
            if (len < 4) {
                assertThrows(IOException.class, () -> CaptureFile.open(p), "cut at " + len);
                continue;
            }
            Files2.Result r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Files2.read(p), "cut at " + len);
            int complete = 0;
            while (complete + 1 < s.boundaries().size() && s.boundaries().get(complete + 1) <= len) {
                complete++;
            }
            boolean atBoundary = s.cleanCuts().contains(len);
            assertEquals(complete, r.frames().size(), s.name() + " cut at " + len);
            for (int k = 0; k < complete; k++) {
                assertArrayEquals(Bytes.payload(firstPayload + k, k), r.data().get(k), "frame " + (k + 1) + " at " + len);
            }
            assertEquals(!atBoundary, !r.diagnostics().isEmpty(), s.name() + " cut at " + len + ": " + r.diagnostics());
            if (!atBoundary) {
                Diagnostic d = r.diagnostics().get(0);
                assertTrue(d.message().contains("byte offset") && d.message().contains("cut short"), d.message());
            }
            try (CaptureFile f = CaptureFile.open(p)) {
                assertEquals(complete, f.index().size(), "the index pass agrees with the reader");
                assertEquals(r.diagnostics(), f.diagnostics());
            }
        }
    }

    @Test
    void netmonCutAtEveryOffsetRecoversTheCompleteRecords() throws IOException {
        Netmon n = new Netmon(2, 3);
        List<Integer> ends = new ArrayList<>();
        int size = 128;
        for (int k = 0; k < 4; k++) {
            n.frame(k, 1, Bytes.payload(60 + k, k), Netmon.START_NANOS + k);
            size += 16 + 60 + k + 15;
            ends.add(size);
        }
        byte[] full = n.bytes();
        for (int len = 4; len < full.length; len++) {
            Path p = Files2.write(dir, "nm-" + len, Arrays.copyOf(full, len));
            Files2.Result r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Files2.read(p), "cut at " + len);
            int l = len;
            long complete = len < 128 ? 0 : ends.stream().filter(e -> e <= l).count();
            assertEquals(complete, r.frames().size(), "cut at " + len);
            assertFalse(r.diagnostics().isEmpty(), "cut at " + len);
        }
        assertEquals(4, Files2.read(Files2.write(dir, "nm-full", full)).frames().size());
    }

    @Test
    void pcapngBlockLengthBeyondTheEnd() throws IOException {
        Sample s = pcapngSample(false);
        byte[] b = s.bytes().clone();
        int third = s.boundaries().get(2); // the block of frame 3 starts here
        b[third + 4] = (byte) 0xF0;        // its length becomes 0x...F0 + original: beyond the end
        b[third + 5] = 0x7F;
        var r = Files2.read(Files2.write(dir, "lying.pcapng", b));
        assertEquals(2, r.frames().size());
        String m = r.diagnostics().get(0).message();
        assertTrue(m.contains("byte offset " + third) && m.contains("remain"), m);
    }

    @Test
    void pcapngBlockLengthThatDisagreesWithItsTrailer() throws IOException {
        Sample s = pcapngSample(false);
        byte[] b = s.bytes().clone();
        int second = s.boundaries().get(1);
        b[second + 4] -= 8; // still a multiple of 4 and inside the file, but the trailer says otherwise
        var r = Files2.read(Files2.write(dir, "short.pcapng", b));
        assertEquals(1, r.frames().size());
        String m = r.diagnostics().get(0).message();
        assertTrue(m.contains("byte offset " + second) && m.contains("disagree"), m);
    }

    @Test
    void pcapngGarbageBetweenBlocks() throws IOException {
        Sample s = pcapngSample(true);
        int at = s.boundaries().get(2);
        byte[] garbage = new byte[37];
        new Random(7).nextBytes(garbage);
        byte[] b = new Bytes(false).raw(Arrays.copyOf(s.bytes(), at)).raw(garbage)
                .raw(Arrays.copyOfRange(s.bytes(), at, s.bytes().length)).bytes();
        var r = Files2.read(Files2.write(dir, "garbage.pcapng", b));
        assertEquals(2, r.frames().size());
        assertTrue(r.diagnostics().get(0).message().contains("byte offset " + at), r.diagnostics()::toString);
    }

    @Test
    void pcapRecordHeaderOfGarbage() throws IOException {
        Sample s = pcapSample();
        byte[] b = s.bytes().clone();
        int third = s.boundaries().get(2);
        Arrays.fill(b, third, third + 16, (byte) 0xEE);
        var r = Files2.read(Files2.write(dir, "garbage.pcap", b));
        assertEquals(2, r.frames().size());
        String m = r.diagnostics().get(0).message();
        assertTrue(m.contains("byte offset " + third + ", after frame 2,") && m.contains("garbage"), m);
        assertEquals(1, r.diagnostics().size(), "reading stops at the garbage: " + r.diagnostics());
    }

    /** Garbage instead of the first record header: the diagnostic says no frame came before it. */
    @Test
    void pcapFirstRecordHeaderOfGarbage() throws IOException {
        byte[] b = pcapSample().bytes().clone();
        Arrays.fill(b, 24, 40, (byte) 0xEE);
        var r = Files2.read(Files2.write(dir, "garbage-first.pcap", b));
        assertEquals(0, r.frames().size());
        String m = r.diagnostics().get(0).message();
        assertTrue(m.contains("byte offset 24, before the first frame,") && m.contains("garbage"), m);
    }

    @Test
    void netmonFrameTableEntryOutsideTheFile() throws IOException {
        byte[] b = new Netmon(2, 3).frame(1, 1, Bytes.payload(60, 1), Netmon.START_NANOS)
                .frame(2, 1, Bytes.payload(60, 2), Netmon.START_NANOS).bytes();
        b[b.length - 1] = 0x7F; // the second table entry now points far beyond the end
        var r = Files2.read(Files2.write(dir, "table.cap", b));
        assertEquals(1, r.frames().size());
        assertTrue(r.diagnostics().get(0).message().contains("outside the file"), r.diagnostics()::toString);
    }

    @Test
    void randomCorruptionNeverThrowsNorHangs() throws IOException {
        Random rnd = new Random(42);
        List<byte[]> samples = List.of(pcapSample().bytes(), pcapngSample(false).bytes(), pcapngSample(true).bytes(),
                new Netmon(2, 3).frame(1, 1, Bytes.payload(60, 1), Netmon.START_NANOS)
                        .frame(2, 0xFFE0, Bytes.payload(60, 2), Netmon.START_NANOS).bytes());
        for (int i = 0; i < 400; i++) {
            byte[] b = samples.get(i % samples.size()).clone();
            for (int k = 0; k < 1 + rnd.nextInt(6); k++) {
                b[4 + rnd.nextInt(b.length - 4)] = (byte) rnd.nextInt(256);
            }
            Path p = Files2.write(dir, "fuzz-" + i, b);
            Files2.Result r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Files2.read(p), "sample " + i);
            assertTrue(r.frames().size() <= 8, "sample " + i);
        }
    }
}
