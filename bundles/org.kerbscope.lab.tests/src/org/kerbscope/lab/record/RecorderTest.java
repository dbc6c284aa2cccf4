package org.kerbscope.lab.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder's TCP bookkeeping, read back from the pcapng it writes. */
class RecorderTest {

    @TempDir
    Path dir;

    @Test
    void largeWritesAreCutIntoMssSegmentsAndSequenceNumbersFollowTheBytes() throws Exception {
        Path f = dir.resolve("t.pcapng");
        LabEndpoint c = new LabEndpoint("192.168.2.101", 50000);
        LabEndpoint s = new LabEndpoint("192.168.2.104", 80);
        try (Recorder r = new Recorder(f, "test")) {
            Recorder.TcpFlow flow = r.connect(c, s);
            flow.data(true, new byte[4000], 0, 4000);
            flow.data(false, new byte[10], 0, 10);
            flow.fin(true);
            flow.fin(false);
            assertTrue(flow.closed());
        }
        List<int[]> segs = tcp(f);
        // SYN, SYN/ACK, ACK, 3 data segments (1460+1460+1080), 1 answer, FIN/ACK + ACK, FIN/ACK + ACK
        assertEquals(11, segs.size());
        int[] syn = segs.get(0);
        int[] first = segs.get(3);
        assertEquals(0x02, syn[2]);
        assertEquals(syn[0] + 1, first[0], "data starts one after the SYN's sequence number");
        assertEquals(List.of(1460, 1460, 1080), List.of(segs.get(3)[3], segs.get(4)[3], segs.get(5)[3]));
        assertEquals(0x18, segs.get(5)[2], "PSH on the write's last segment");
        assertEquals(first[0] + 4000, segs.get(6)[1], "the answer acknowledges all 4000 bytes");
        assertEquals(0x11, segs.get(7)[2], "FIN/ACK");
        assertEquals(segs.get(7)[0] + 1, segs.get(8)[1], "the peer acknowledges the FIN");
    }

    @Test
    void refusedConnectionIsSynThenRst() throws Exception {
        Path f = dir.resolve("r.pcapng");
        try (Recorder r = new Recorder(f, "test")) {
            r.refused(new LabEndpoint("192.168.2.101", 50001), new LabEndpoint("192.168.2.104", 80));
        }
        List<int[]> segs = tcp(f);
        assertEquals(2, segs.size());
        assertEquals(0x14, segs.get(1)[2], "RST/ACK");
        assertEquals(segs.get(0)[0] + 1, segs.get(1)[1], "the RST acknowledges the SYN");
    }

    /** Each TCP segment as {seq, ack, flags, payload length}. */
    private static List<int[]> tcp(Path f) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> out = new ArrayList<>();
        while (b.remaining() >= 12) {
            int start = b.position();
            int type = b.getInt();
            int len = b.getInt();
            if (type == 6) {
                b.position(start + 20);
                int caplen = b.getInt();
                b.getInt();
                byte[] fr = new byte[caplen];
                b.get(fr);
                ByteBuffer t = ByteBuffer.wrap(fr, 34, caplen - 34);
                t.position(34);
                t.getInt();
                int seq = t.getInt();
                int ack = t.getInt();
                int hlen = ((t.get() & 0xFF) >> 4) * 4;
                int flags = t.get() & 0xFF;
                out.add(new int[] {seq, ack, flags, caplen - 34 - hlen});
            }
            b.position(start + len);
        }
        return out;
    }
}
