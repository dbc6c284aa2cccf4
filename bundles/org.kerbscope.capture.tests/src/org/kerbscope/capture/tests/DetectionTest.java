package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;

/** The format comes from the content; what is not a capture gets one clear line. */
class DetectionTest {
    @TempDir
    Path dir;

    @Test
    void formatIsFoundFromContentNotName() throws IOException {
        assertEquals("pcapng", CaptureFile.detect(Files2.write(dir, "looks-like.pcap",
                new Pcapng(false).shb().idb(1, 0, -1, 0).bytes())));
        assertEquals("pcap", CaptureFile.detect(Files2.write(dir, "trace.cap",
                PcapReaderTest.pcap(true, 0xA1B2C3D4, 1, 0, false))));
        assertEquals("netmon", CaptureFile.detect(Files2.write(dir, "trace.pcapng", new Netmon(2, 3).bytes())));
    }

    @Test
    void aTextFileIsRejectedInOneLineSayingWhatItStartsWith() throws IOException {
        Path p = Files2.write(dir, "klist.txt", "Current LogonId is 0:0x3e7\r\n".getBytes(StandardCharsets.US_ASCII));
        IOException e = assertThrows(IOException.class, () -> CaptureFile.open(p));
        assertTrue(e.getMessage().startsWith("not a capture file: klist.txt, starts with 43 75 72 72"), e.getMessage());
        assertTrue(e.getMessage().contains("\"Current \""), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void compressedCapturesGetAHint() throws IOException {
        Path p = Files2.write(dir, "trace.pcap.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        IOException e = assertThrows(IOException.class, () -> CaptureFile.open(p));
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void windowsTracesAndLogsGetTheWayToUseThem() throws IOException {
        // netsh trace / pktmon write ETW traces (.etl); a Security log (.evtx) is evidence, not a capture
        Path etl = Files2.write(dir, "NetTrace.etl", new byte[] {0, 0x40, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0});
        String m = assertThrows(IOException.class, () -> CaptureFile.open(etl)).getMessage();
        assertTrue(m.contains("pktmon etl2pcap NetTrace.etl --out capture.pcapng"), m);
        byte[] elf = "ElfFile\0xxxxxxxx".getBytes(StandardCharsets.ISO_8859_1);
        Path evtx = Files2.write(dir, "Security.evtx", elf);
        m = assertThrows(IOException.class, () -> CaptureFile.open(evtx)).getMessage();
        assertTrue(m.contains("a Windows event log: give it as evidence, kerbscope analyze --events Security.evtx"), m);
    }

    @Test
    void tinyAndEmptyFilesAreNotCaptures() throws IOException {
        Path empty = Files2.write(dir, "empty", new byte[0]);
        assertTrue(assertThrows(IOException.class, () -> CaptureFile.open(empty)).getMessage()
                .equals("not a capture file: empty, it is only 0 bytes long"));
    }
}
