package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Frame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code pktmon} trace opened in Network Monitor and saved keeps each packet as an ETW event of
 * Microsoft-Windows-PktMon (160), between the trace's other events: the analysis of such a file is that of the
 * packets in it, frame numbers included.
 */
class PktmonTraceTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"spn-unknown.pcapng", "ntlm-fallback.pcapng", "success-tcp.pcapng"})
    void aPktmonTraceSavedByNetworkMonitorHasTheFindingsOfItsPackets(String name) throws IOException {
        Path sample = UnionTest.sample(name);
        Path cap = dir.resolve(name.replace(".pcapng", ".cap"));
        Files.write(cap, pktmonNetmon(sample));
        JsonNode plain = UnionTest.document(sample);
        JsonNode traced = UnionTest.document(cap);
        assertEquals("netmon", traced.get("capture").get("format").asText());
        assertTrue(plain.get("attempts").size() > 0);
        ((ObjectNode) traced.get("capture")).set("format", plain.get("capture").get("format"));
        assertEquals(plain, traced, "the same document, frame numbers and findings included");
    }

    /** Network Monitor 2.3: each Ethernet frame of {@code sample} inside a PktMon packet event. */
    private static byte[] pktmonNetmon(Path sample) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Integer> offsets = new ArrayList<>();
        try (CaptureFile f = CaptureFile.open(sample); CaptureReader r = f.reader()) {
            long group = 100;
            for (Frame fr = r.next(); fr != null; fr = r.next()) {
                byte[] packet = new byte[fr.capturedLength()];
                fr.data().get(0, packet);
                byte[] event = event(group++, packet, fr.timeNanos());
                offsets.add(128 + body.size());
                ByteBuffer rec = ByteBuffer.allocate(16 + event.length + 15).order(ByteOrder.LITTLE_ENDIAN);
                rec.putLong(0).putInt(event.length).putInt(event.length).put(event).putShort((short) 0xFFE0)
                        .putInt(0).putLong(fr.timeNanos() / 100 + 116_444_736_000_000_000L).put((byte) 0);
                body.writeBytes(rec.array());
            }
        }
        ByteBuffer h = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x55424D47).put((byte) 3).put((byte) 2).putShort((short) 1);
        h.putShort((short) 2026).putShort((short) 11).putShort((short) 4).putShort((short) 26).putShort((short) 0);
        h.putInt(24, 128 + body.size()).putInt(28, 4 * offsets.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(body.toByteArray());
        ByteBuffer table = ByteBuffer.allocate(4 * offsets.size()).order(ByteOrder.LITTLE_ENDIAN);
        offsets.forEach(table::putInt);
        out.writeBytes(table.array());
        return out.toByteArray();
    }

    /** The event as Network Monitor stores it (EVENT_HEADER, buffer context, counts, one byte, the user data). */
    private static byte[] event(long group, byte[] packet, long nanos) {
        int user = 34 + packet.length;
        ByteBuffer e = ByteBuffer.allocate(89 + user).order(ByteOrder.LITTLE_ENDIAN);
        e.putShort((short) (80 + user)).putShort((short) 0).putShort((short) 0x0240).putShort((short) 0)
                .putInt(1).putInt(4).putLong(nanos / 100 + 116_444_736_000_000_000L)
                .putInt(0x4D4F80D9).putShort((short) 0xC8BD).putShort((short) 0x4D73)
                .put(new byte[] {(byte) 0xBB, 0x5B, 0x19, (byte) 0xC9, 0x04, 0x02, (byte) 0xC5, (byte) 0xAC})
                .putShort((short) 160).put((byte) 0).put((byte) 0).put((byte) 4).put((byte) 0).putShort((short) 0)
                .putLong(0x10).putLong(1).put(new byte[16]).putInt(0x00190000).putShort((short) 0)
                .putShort((short) user).put((byte) 0);
        // PktGroupId, PktNumber, Appearance, Direction, Type (1: Ethernet), Component, Edge, Filter, DropReason,
        // DropLocation, OriginalSize, LoggedSize, the packet
        e.putLong(group).putShort((short) 1).putShort((short) 1).putShort((short) 3).putShort((short) 1)
                .putShort((short) 9).putShort((short) 1).putShort((short) 1).putInt(0).putInt(0)
                .putShort((short) packet.length).putShort((short) packet.length).put(packet);
        return e.array();
    }
}
