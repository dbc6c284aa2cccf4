package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.FrameCursor;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Frame;

/**
 * The analysis reads a capture once, in file order, through a buffer of its own instead of the mapping
 * ({@link CaptureFile#streamingReader()}): every frame is the one the mapping gives (numbers, times, lengths,
 * bytes), in every format, in files several times the size of the buffer and with records across its steps; the
 * frame objects made during the pass keep their bytes after the buffer has moved on; a file that shrinks while it
 * is read ends the pass with a diagnostic. The frame index ({@link CaptureFile#index()}) is made by such a pass
 * as well.
 */
class StreamingReaderTest {
    @TempDir
    Path dir;

    /**
     * Records of 60 bytes to 64 KiB (most small, as on a network), so that the buffer's 4 MiB steps fall inside them.
     */
    private static List<byte[]> frames(int n, long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = r.nextInt(10) == 0 ? 1000 + r.nextInt(64_536) : 60 + r.nextInt(1454);
            byte[] b = new byte[len];
            r.nextBytes(b);
            out.add(b);
        }
        return out;
    }

    private static byte[] pcap(boolean bigEndian, List<byte[]> frames) {
        Bytes b = new Bytes(bigEndian).u32(0xA1B2C3D4).u16(2).u16(4).u32(0).u32(0).u32(262_144).u32(1);
        for (int i = 0; i < frames.size(); i++) {
            byte[] p = frames.get(i);
            b.u32(1_700_000_000L + i).u32(i % 1_000_000).u32(p.length).u32(p.length + (i % 3)).raw(p);
        }
        return b.bytes();
    }

    /** What a pass gives: each frame's description and bytes, read from the cursor while it is on the frame. */
    private record Seen(List<String> descriptions, List<byte[]> bytes, List<Diagnostic> diagnostics) {
    }

    private static Seen pass(CaptureReader r) {
        List<String> d = new ArrayList<>();
        List<byte[]> b = new ArrayList<>();
        FrameCursor c = new FrameCursor();
        while (r.advance(c)) {
            d.add(c.number() + "/" + c.timeNanos() + "/" + c.linkType() + "/" + c.originalLength() + "/"
                    + c.capturedLength() + "/" + r.comment());
            byte[] x = new byte[c.capturedLength()];
            c.buffer().get(c.offset(), x);
            b.add(x);
        }
        return new Seen(d, b, r.diagnostics());
    }

    private void sameAsTheMapping(Path p, int frames) throws IOException {
        try (CaptureFile f = CaptureFile.open(p)) {
            Seen mapped, streamed;
            try (CaptureReader r = f.reader()) {
                mapped = pass(r);
            }
            try (CaptureReader r = f.streamingReader()) {
                streamed = pass(r);
            }
            assertEquals(frames, mapped.descriptions().size(), p + ": the mapping's reading");
            assertEquals(mapped.descriptions(), streamed.descriptions(), p.toString());
            for (int i = 0; i < frames; i++) {
                assertArrayEquals(mapped.bytes().get(i), streamed.bytes().get(i), p + " frame " + (i + 1));
            }
            assertEquals(mapped.diagnostics(), streamed.diagnostics(), p.toString());
            // the frame objects of next() too
            try (CaptureReader r = f.streamingReader()) {
                for (int i = 0; i < frames; i++) {
                    Frame fr = r.next();
                    byte[] x = new byte[fr.capturedLength()];
                    fr.data().get(0, x);
                    assertArrayEquals(mapped.bytes().get(i), x, p + " next() frame " + (i + 1));
                    assertTrue(fr.data().isReadOnly());
                }
                assertEquals(null, r.next());
            }
        }
        // the frame index is made by a streamed pass too: random access by number finds every frame; the diagnostics
        try (CaptureFile f = CaptureFile.open(p); CaptureReader r = f.reader()) {
            Seen mapped = pass(r);
            assertEquals(frames, f.index().size(), p + ": frames indexed");
            for (int i = 0; i < frames; i++) {
                Frame fr = f.frame(i + 1);
                assertEquals(mapped.descriptions().get(i), fr.number() + "/" + fr.timeNanos() + "/" + fr.linkType()
                        + "/" + fr.originalLength() + "/" + fr.capturedLength() + "/" + f.comment(i + 1),
                        p + " indexed frame " + (i + 1));
                byte[] x = new byte[fr.capturedLength()];
                fr.data().get(0, x);
                assertArrayEquals(mapped.bytes().get(i), x, p + " indexed frame " + (i + 1));
            }
            assertEquals(mapped.diagnostics(), f.diagnostics(), p + ": the index's diagnostics");
        }
    }

    @Test
    void everyFrameOfAPcapSeveralTimesTheBufferIsTheMappingsFrame() throws IOException {
        List<byte[]> fs = frames(4000, 1); // about 14 MiB: the buffer moves on three or four times
        sameAsTheMapping(Files2.write(dir, "le.pcap", pcap(false, fs)), fs.size());
        sameAsTheMapping(Files2.write(dir, "be.pcap", pcap(true, fs)), fs.size());
    }

    @Test
    void pcapngWithABlockLargerThanTheBufferGuaranteesAndANetmonFrameTableAtTheEnd() throws IOException {
        List<byte[]> fs = frames(3000, 2);
        Pcapng ng = new Pcapng(false).shb().idb(1, 262_144, -1, 0);
        for (int i = 0; i < fs.size(); i++) {
            // one frame carries a comment of 1.5 MiB: a block larger than what the buffer serves from any place
            String comment = i == 1200 ? "x".repeat(1_500_000) : i % 100 == 0 ? "frame " + i : null;
            ng.epb(0, 1_000_000L * i, fs.get(i), fs.get(i).length, comment);
        }
        sameAsTheMapping(Files2.write(dir, "big.pcapng", ng.out.bytes()), fs.size());

        Netmon nm = new Netmon(2, 3);
        for (int i = 0; i < fs.size(); i++) {
            nm.frame(1000L * i, 1, fs.get(i), 0);
        }
        // the frame table lies at the end of the file: each frame's record offset is read there, the record here
        sameAsTheMapping(Files2.write(dir, "big.cap", nm.bytes()), fs.size());
        sameAsTheMapping(Files2.write(dir, "walked.cap", nm.bytes(false)), fs.size());

        Bytes snoop = Bytes.be().ascii("snoop").u8(0).u8(0).u8(0).u32(2).u32(4);
        for (int i = 0; i < fs.size(); i++) {
            byte[] p = fs.get(i);
            snoop.u32(p.length).u32(p.length).u32(24 + (p.length + 3) / 4 * 4).u32(0).u32(1_700_000_000L + i).u32(i)
                    .raw(p).pad4();
        }
        sameAsTheMapping(Files2.write(dir, "big.snoop", snoop.bytes()), fs.size());
    }

    @Test
    void frameObjectsMadeDuringThePassKeepTheirBytesAfterTheBufferMovedOn() throws IOException {
        List<byte[]> fs = frames(4000, 3);
        Path p = Files2.write(dir, "kept.pcap", pcap(false, fs));
        List<Frame> kept = new ArrayList<>();
        List<FrameCursor> copies = new ArrayList<>();
        try (CaptureFile f = CaptureFile.open(p); CaptureReader r = f.streamingReader()) {
            FrameCursor c = new FrameCursor();
            while (r.advance(c)) {
                if (c.number() % 7 == 0) {
                    kept.add(c.frame()); // made while the cursor is on it, as a dissector asks for it
                }
                if (c.number() % 500 == 1) {
                    FrameCursor later = new FrameCursor();
                    later.copyFrom(c); // as the TCP reassembler keeps the last segment's description
                    copies.add(later);
                }
            }
            // the buffer now holds the file's last bytes: the objects still hold their frames' bytes
            for (Frame k : kept) {
                byte[] x = new byte[k.capturedLength()];
                k.data().get(0, x);
                assertArrayEquals(fs.get((int) k.number() - 1), x, "frame " + k.number());
            }
            // and a cursor copied early makes its frame from the file, not from what the buffer holds now
            for (FrameCursor later : copies) {
                Frame k = later.frame();
                byte[] x = new byte[k.capturedLength()];
                k.data().get(0, x);
                assertArrayEquals(fs.get((int) k.number() - 1), x, "frame " + k.number() + " asked after the pass");
            }
        }
        assertEquals(4000 / 7, kept.size());
    }

    @Test
    void aFileThatShrinksWhileItIsReadEndsWithADiagnosticAndTheFramesBeforeIt() throws IOException {
        List<byte[]> fs = frames(4000, 4);
        byte[] whole = pcap(false, fs);
        Path p = Files2.write(dir, "shrinks.pcap", whole);
        try (CaptureFile f = CaptureFile.open(p); CaptureReader r = f.streamingReader()) {
            FrameCursor c = new FrameCursor();
            assertTrue(r.advance(c));
            try (FileChannel w = FileChannel.open(p, StandardOpenOption.WRITE)) {
                w.truncate(whole.length / 2); // another program cuts the file while the analysis reads it
            }
            long n = 1;
            List<byte[]> got = new ArrayList<>();
            while (r.advance(c)) {
                n++;
                byte[] x = new byte[c.capturedLength()];
                c.buffer().get(c.offset(), x);
                got.add(x);
            }
            assertTrue(n > 1 && n < fs.size(), "stopped inside the file: " + n);
            // the frames read before the cut are the file's frames, whole
            for (int i = 0; i < got.size(); i++) {
                assertArrayEquals(fs.get(i + 1), got.get(i), "frame " + (i + 2));
            }
            assertFalse(r.diagnostics().isEmpty(), "the pass says why it ended");
            String said = r.diagnostics().get(r.diagnostics().size() - 1).message();
            assertTrue(said.contains("could not be read") && said.contains("has shrunk since it was opened"), said);
        }
        assertEquals(whole.length / 2, java.nio.file.Files.size(p), "the reader only reads");
    }
}
