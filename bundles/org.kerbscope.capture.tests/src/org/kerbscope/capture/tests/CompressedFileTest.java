package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.internal.Spool.Compression;
import org.kerbscope.core.model.Diagnostic;

import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream.BlockSize;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream.Parameters;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

/**
 * A capture compressed as Wireshark reads it, with gzip ({@code tcpdump -z gzip}, a mailed {@code .pcapng.gz}),
 * zstd or lz4, opens as Wireshark opens it: the same frames as the file it was made from, under the name the user
 * gave, the user's file untouched and no copy left behind; a cut or damaged one yields the frames before the damage
 * and says what happened. (The files the zstd and lz4 command-line tools write: {@code CompressedCaptureTest} in the
 * engine's tests.)
 */
class CompressedFileTest {
    @TempDir
    Path dir;

    private static final byte[] PCAP = PcapReaderTest.pcap(false, 0xA1B2C3D4, 1, 2000, false);

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aCompressedCaptureReadsAsTheCaptureItHolds(Compression c) throws IOException {
        Path file = Files2.write(dir, "trace.pcap." + c.label, compress(c, PCAP));
        byte[] before = Files.readAllBytes(file);
        List<Path> tmpBefore = ours();
        var plain = Files2.read(Files2.write(dir, "trace.pcap", PCAP));
        var r = Files2.read(file);
        assertEquals("pcap", r.format());
        assertEquals(2000, r.frames().size());
        for (int i = 0; i < 2000; i += 97) {
            assertArrayEquals(plain.data().get(i), r.data().get(i), "frame " + (i + 1));
            assertEquals(plain.frames().get(i).timeNanos(), r.frames().get(i).timeNanos());
        }
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
        try (CaptureFile f = CaptureFile.open(file)) {
            assertEquals(file, f.path(), "the user's name, not the decompressed copy's");
            assertEquals(file.toString(), f.info().file());
            assertTrue(f.copied());
            assertEquals(2000, f.index().size());
            assertArrayEquals(plain.data().get(1999), bytes(f, 2000), "random access through the index");
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertEquals(tmpBefore, ours(), "the copy is unlinked once mapped: even a crash leaves nothing");
            }
        }
        assertEquals(tmpBefore, ours(), "closed: nothing left in the temporary directory");
        assertArrayEquals(before, Files.readAllBytes(file), "the user's file is only read");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aCompressedStreamOnStandardInputIsReadToo(Compression c) throws IOException {
        try (CaptureFile f = CaptureFile.open(new ByteArrayInputStream(compress(c, PCAP)), Path.of("-"));
                CaptureReader r = f.reader()) {
            int n = 0;
            while (r.next() != null) {
                n++;
            }
            assertEquals(2000, n);
            assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void membersOneAfterTheOtherAreOneStream(Compression c) throws IOException {
        // gzip -c a >> f; gzip -c b >> f (zstd and lz4 frames the same): one capture in two members
        byte[] first = Arrays.copyOf(PCAP, PCAP.length / 3);
        byte[] rest = Arrays.copyOfRange(PCAP, first.length, PCAP.length);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(compress(c, first));
        both.write(compress(c, rest));
        var r = Files2.read(Files2.write(dir, "two.pcap." + c.label, both.toByteArray()));
        assertEquals(2000, r.frames().size());
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aCutCompressedFileGivesTheFramesBeforeTheCutAndSaysSo(Compression c) throws IOException {
        byte[] z = compress(c, PCAP);
        var r = Files2.read(Files2.write(dir, "cut.pcap." + c.label, Arrays.copyOf(z, z.length / 2)));
        assertTrue(r.frames().size() > 100 && r.frames().size() < 2000, "frames before the cut: " + r.frames().size());
        Diagnostic first = r.diagnostics().get(0);
        assertEquals(c.label, first.protocol());
        assertTrue(first.message().startsWith("the " + c.label + "-compressed file ends early (it was cut short): the ")
                && first.message().endsWith(" bytes decompressed before it are read"), first.message());
        assertTrue(r.diagnostics().size() <= 2,
                "at most the pcap reader's own word on its last record: " + r.diagnostics());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void damagedCompressedDataGivesTheFramesBeforeIt(Compression c) throws IOException {
        byte[] z = compress(c, PCAP);
        for (int i = z.length / 2; i < z.length / 2 + 64; i++) {
            z[i] = (byte) 0xff; // not valid compressed data any more (or not what its checksum says)
        }
        var r = Files2.read(Files2.write(dir, "bad.pcap." + c.label, z));
        assertTrue(r.frames().size() > 100 && r.frames().size() < 2000, "stopped at the damage: " + r.frames().size());
        Diagnostic first = r.diagnostics().get(0);
        assertEquals(c.label, first.protocol());
        assertTrue(first.message().startsWith("the " + c.label + "-compressed data is damaged (")
                && first.message().contains("bytes decompressed before it are read"), first.message());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aCompressedFileThatHoldsNoCaptureIsRefusedInOneLine(Compression c) throws IOException {
        String name = "klist.txt." + c.label;
        byte[] text = "Current LogonId is 0:0x3e7\r\n".getBytes(StandardCharsets.US_ASCII);
        Path klist = Files2.write(dir, name, compress(c, text));
        String m = assertThrows(IOException.class, () -> CaptureFile.open(klist)).getMessage();
        assertTrue(m.startsWith("not a capture file: " + name + ", " + c.label
                + "-compressed, holds data that starts with 43 75 72 72"), m);
        Path empty = Files2.write(dir, "empty." + c.label, compress(c, new byte[0]));
        m = assertThrows(IOException.class, () -> CaptureFile.open(empty)).getMessage();
        assertEquals("not a capture file: empty." + c.label + ", " + c.label + "-compressed, holds only 0 bytes", m);
        assertThrows(IOException.class, () -> CaptureFile.open(new ByteArrayInputStream(compress(c, new byte[0])),
                Path.of("-")));
    }

    @Test
    void aZstdFrameAskingForAWindowOver128MiBGetsTheCommandThatDecompressesIt() throws IOException {
        // zstd --long=31 on a stream: the frame header's window descriptor says 2 GiB; like the zstd tool without
        // --long and like Wireshark, the decoder does not allocate that for a file's say-so
        byte[] big = new byte[32];
        java.nio.ByteBuffer.wrap(big).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0xFD2FB528);
        big[5] = (byte) ((31 - 10) << 3);
        big[6] = 1;
        Path file = Files2.write(dir, "big.pcap.zst", big);
        String m = assertThrows(IOException.class, () -> CaptureFile.open(file)).getMessage();
        assertEquals("cannot read big.pcap.zst, zstd-compressed data (compressed with a window over 128 MiB (zstd "
                + "--long): decompress it first, zstd -d --long=31 big.pcap.zst)", m);
    }

    @Test
    void otherCompressionsAndArchivesGetTheCommandThatOpensThem() throws IOException {
        byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4, (byte) 0xe6, (byte) 0xd6};
        Path xzFile = Files2.write(dir, "t.pcap.xz", xz);
        String m = assertThrows(IOException.class, () -> CaptureFile.open(xzFile)).getMessage();
        assertTrue(m.endsWith("(xz-compressed: decompress it first, xz -d t.pcap.xz)"), m);
        byte[] bz = "BZh91AY&SY".getBytes(StandardCharsets.ISO_8859_1);
        m = assertThrows(IOException.class, () -> CaptureFile.open(Files2.write(dir, "t.pcap.bz2", bz))).getMessage();
        assertTrue(m.endsWith("(bzip2-compressed: decompress it first, bzip2 -d t.pcap.bz2)"), m);
        byte[] legacy = {0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0};
        m = assertThrows(IOException.class, () -> CaptureFile.open(Files2.write(dir, "t.lz4", legacy))).getMessage();
        assertTrue(m.endsWith("(the lz4 legacy format: decompress it first, lz4 -d t.lz4)"), m);
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0};
        m = assertThrows(IOException.class, () -> CaptureFile.open(Files2.write(dir, "t.zip", zip))).getMessage();
        assertTrue(m.endsWith("(a zip archive: extract the capture first)"), m);
    }

    private static byte[] bytes(CaptureFile f, long n) {
        var frame = f.frame(n);
        byte[] b = new byte[frame.capturedLength()];
        frame.data().get(0, b);
        return b;
    }

    /** {@code content} compressed as the tools write it (zstd with its checksum, lz4 in 64 KiB blocks). */
    static byte[] compress(Compression c, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = switch (c) {
            case GZIP -> new GZIPOutputStream(out);
            case ZSTD -> new ZstdOutputStreamNoFinalizer(out).setChecksum(true);
            // content and block checksums, independent blocks
            case LZ4 -> new FramedLZ4CompressorOutputStream(out, new Parameters(BlockSize.K64, true, true, false));
        }) {
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
