package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Diagnostic;

/**
 * A capture compressed with gzip ({@code tcpdump -z gzip}, a mailed {@code .pcapng.gz}) opens as Wireshark opens it:
 * the same frames as the file it was made from, under the name the user gave, the user's file untouched and no copy
 * left behind; a cut or damaged one yields the frames before the damage and says what happened.
 */
class GzipCaptureTest {
    @TempDir
    Path dir;

    private static final byte[] PCAP = PcapReaderTest.pcap(false, 0xA1B2C3D4, 1, 2000, false);

    @Test
    void aCompressedCaptureReadsAsTheCaptureItHolds() throws IOException {
        Path gz = Files2.write(dir, "trace.pcap.gz", gzip(PCAP));
        byte[] before = Files.readAllBytes(gz);
        List<Path> tmpBefore = ours();
        var plain = Files2.read(Files2.write(dir, "trace.pcap", PCAP));
        var r = Files2.read(gz);
        assertEquals("pcap", r.format());
        assertEquals(2000, r.frames().size());
        for (int i = 0; i < 2000; i += 97) {
            assertArrayEquals(plain.data().get(i), r.data().get(i), "frame " + (i + 1));
            assertEquals(plain.frames().get(i).timeNanos(), r.frames().get(i).timeNanos());
        }
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
        try (CaptureFile f = CaptureFile.open(gz)) {
            assertEquals(gz, f.path(), "the user's name, not the decompressed copy's");
            assertEquals(gz.toString(), f.info().file());
            assertTrue(f.copied());
            assertEquals(2000, f.index().size());
            assertArrayEquals(plain.data().get(1999), bytes(f, 2000), "random access through the index");
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertEquals(tmpBefore, ours(), "the copy is unlinked once mapped: even a crash leaves nothing");
            }
        }
        assertEquals(tmpBefore, ours(), "closed: nothing left in the temporary directory");
        assertArrayEquals(before, Files.readAllBytes(gz), "the user's file is only read");
    }

    @Test
    void membersOneAfterTheOtherAreOneStream() throws IOException {
        // gzip -c a >> f; gzip -c b >> f: one capture in two members
        byte[] first = Arrays.copyOf(PCAP, PCAP.length / 3);
        byte[] rest = Arrays.copyOfRange(PCAP, first.length, PCAP.length);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(gzip(first));
        both.write(gzip(rest));
        var r = Files2.read(Files2.write(dir, "two.pcap.gz", both.toByteArray()));
        assertEquals(2000, r.frames().size());
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    }

    @Test
    void aCutCompressedFileGivesTheFramesBeforeTheCutAndSaysSo() throws IOException {
        byte[] gz = gzip(PCAP);
        var r = Files2.read(Files2.write(dir, "cut.pcap.gz", Arrays.copyOf(gz, gz.length / 2)));
        assertTrue(r.frames().size() > 100 && r.frames().size() < 2000, "frames before the cut: " + r.frames().size());
        Diagnostic first = r.diagnostics().get(0);
        assertEquals("gzip", first.protocol());
        assertTrue(first.message().startsWith("the gzip-compressed file ends early (it was cut short): the ")
                && first.message().endsWith(" bytes decompressed before it are read"), first.message());
        assertTrue(r.diagnostics().size() <= 2, "at most the pcap reader's own word on its last record: " + r.diagnostics());
    }

    @Test
    void damagedCompressedDataGivesTheFramesBeforeIt() throws IOException {
        byte[] gz = gzip(PCAP);
        for (int i = gz.length / 2; i < gz.length / 2 + 64; i++) {
            gz[i] = (byte) 0xff; // not a valid deflate block any more
        }
        var r = Files2.read(Files2.write(dir, "bad.pcap.gz", gz));
        assertTrue(r.frames().size() < 2000, "stopped at the damage: " + r.frames().size());
        assertEquals("gzip", r.diagnostics().get(0).protocol());
        assertTrue(r.diagnostics().get(0).message().contains("bytes decompressed before it are read"),
                r.diagnostics().get(0).message());
    }

    @Test
    void aCompressedFileThatHoldsNoCaptureIsRefusedInOneLine() throws IOException {
        Path klist = Files2.write(dir, "klist.txt.gz", gzip("Current LogonId is 0:0x3e7\r\n".getBytes(StandardCharsets.US_ASCII)));
        String m = assertThrows(IOException.class, () -> CaptureFile.open(klist)).getMessage();
        assertTrue(m.startsWith("not a capture file: klist.txt.gz, gzip-compressed, holds data that starts with 43 75 72 72"), m);
        Path empty = Files2.write(dir, "empty.gz", gzip(new byte[0]));
        m = assertThrows(IOException.class, () -> CaptureFile.open(empty)).getMessage();
        assertEquals("not a capture file: empty.gz, gzip-compressed, holds only 0 bytes", m);
        Path zstd = Files2.write(dir, "trace.pcap.zst", new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0, 0, 0});
        m = assertThrows(IOException.class, () -> CaptureFile.open(zstd)).getMessage();
        assertTrue(m.contains("zstd-compressed: decompress it first"), m);
    }

    private static byte[] bytes(CaptureFile f, long n) {
        var frame = f.frame(n);
        byte[] b = new byte[frame.capturedLength()];
        frame.data().get(0, b);
        return b;
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(content);
        }
        return out.toByteArray();
    }

    private static List<Path> ours() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("kerbscope-capture-")).sorted().toList();
        }
    }
}
