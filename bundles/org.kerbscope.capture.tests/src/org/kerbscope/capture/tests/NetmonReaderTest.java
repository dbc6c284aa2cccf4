package org.kerbscope.capture.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.LinkTypes;

/** Network Monitor 2.x (and 1.x) capture files. */
class NetmonReaderTest {
    @TempDir
    Path dir;

    @Test
    void version23UsesThePerFrameUtcTimestamp() throws IOException {
        long utc = 1_591_737_566_000_747_800L; // four hours after the (local) header time, 100 ns units
        byte[] file = new Netmon(2, 3)
                .frame(747, 1, Bytes.payload(60, 1), utc)
                .frame(2_000_000, 0xE000 | 101, Bytes.payload(40, 2), utc + 2_000_000_000L)
                .frame(3_000_000, 0xFFE0, Bytes.payload(80, 3), utc + 3_000_000_100L).bytes();
        var r = Files2.read(Files2.write(dir, "pktmon.cap", file));
        assertEquals("netmon", r.format());
        assertEquals(3, r.frames().size());
        assertEquals(utc, r.frames().get(0).timeNanos());
        assertEquals(LinkTypes.ETHERNET, r.frames().get(0).linkType());
        assertEquals(LinkTypes.RAW, r.frames().get(1).linkType(), "0xE000 + pcap link type");
        assertEquals(LinkTypes.NETMON_EVENT, r.frames().get(2).linkType(), "an ETW event is a frame too");
        assertEquals(utc + 3_000_000_100L, r.frames().get(2).timeNanos());
        assertArrayEquals(Bytes.payload(40, 2), r.data().get(1));
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    }

    @Test
    void version21UsesStartTimePlusMicrosecondOffset() throws IOException {
        byte[] file = new Netmon(2, 1)
                .frame(1_500_000, 1, Bytes.payload(60, 1), 0)
                .frame(2_000_001, 6, Bytes.payload(50, 2), 0)
                .frame(2_000_002, 9, Bytes.payload(40, 3), 0).bytes();
        var r = Files2.read(Files2.write(dir, "v21.cap", file));
        assertEquals(3, r.frames().size());
        assertEquals(Netmon.START_NANOS + 1_500_000_000L, r.frames().get(0).timeNanos());
        assertEquals(Netmon.START_NANOS + 2_000_001_000L, r.frames().get(1).timeNanos());
        assertEquals(LinkTypes.NETMON_802_11, r.frames().get(1).linkType());
        assertEquals(LinkTypes.RAW, r.frames().get(2).linkType(), "media type 9: raw IP frames");
    }

    @Test
    void metadataRecordsAreNotFrames() throws IOException {
        byte[] file = new Netmon(2, 2)
                .frame(1, 1, Bytes.payload(60, 1), 0)
                .frame(2, 0xFFFD, Bytes.payload(30, 0), 0)   // network info
                .frame(3, 0xFFFE, Bytes.payload(30, 0), 0)   // DNS cache
                .frame(4, 0xFFFC, Bytes.payload(30, 0), 0)   // reassembly payload header
                .frame(5, 1, Bytes.payload(61, 2), 0).bytes();
        var r = Files2.read(Files2.write(dir, "meta.cap", file));
        assertEquals(2, r.frames().size());
        assertEquals(2, r.frames().get(1).number());
        assertArrayEquals(Bytes.payload(61, 2), r.data().get(1));
    }

    @Test
    void version20TakesTheMediaTypeFromTheHeader() throws IOException {
        var r = Files2.read(Files2.write(dir, "v20.cap", new Netmon(2, 0).frame(10, 0, Bytes.payload(60, 1), 0).bytes()));
        assertEquals(LinkTypes.ETHERNET, r.frames().get(0).linkType());
        assertEquals(Netmon.START_NANOS + 10_000L, r.frames().get(0).timeNanos());
    }

    @Test
    void version1HasMillisecondOffsets() throws IOException {
        var r = Files2.read(Files2.write(dir, "v1.cap", new Netmon(1, 1).frame(2_500_000, 0, Bytes.payload(60, 1), 0)
                .frame(3_000_000, 0, Bytes.payload(64, 2), 0).bytes()));
        assertEquals(2, r.frames().size());
        assertEquals(Netmon.START_NANOS + 2_500_000_000L, r.frames().get(0).timeNanos());
        assertArrayEquals(Bytes.payload(64, 2), r.data().get(1));
    }

    @Test
    void aFileWithoutItsFrameTableIsRecoveredByWalkingTheRecords() throws IOException {
        byte[] file = new Netmon(2, 3).frame(1, 1, Bytes.payload(60, 1), Netmon.START_NANOS)
                .frame(2, 1, Bytes.payload(70, 2), Netmon.START_NANOS + 1000).bytes(false);
        var r = Files2.read(Files2.write(dir, "notable.cap", file));
        assertEquals(2, r.frames().size());
        assertArrayEquals(Bytes.payload(70, 2), r.data().get(1));
        assertTrue(r.diagnostics().get(0).message().contains("frame table"), r.diagnostics()::toString);
    }
}
