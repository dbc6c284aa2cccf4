package org.kerbscope.engine.filter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.FrameCursor;
import org.kerbscope.net.NetworkDecoder;
import org.kerbscope.net.TransportHandler;

/**
 * Wireshark's "Follow TCP Stream" and "Follow UDP Stream": the bytes both ends of a frame's conversation sent, in the
 * order they were captured, each run marked with its sender. A TCP segment sent again (its bytes already followed)
 * is left out and one that overlaps what came before gives only its new bytes, and bytes the capture lacks are said
 * ("[1460 bytes missing in capture file]"), as Wireshark's follow does; SYN and FIN take their sequence number. Bounded: at most {@link #MAX_BYTES} bytes are kept, the rest counted.
 */
public final class FollowStream {
    /** The most bytes kept of a conversation (the rest are counted, not kept). */
    public static final int MAX_BYTES = 16 << 20;

    /** One run of bytes from one end, as one segment or datagram carried it. */
    public record Chunk(boolean fromClient, long frame, byte[] data) {
    }

    /**
     * A followed conversation.
     *
     * @param filter      the display filter that lists its frames ({@code tcp.stream eq 3}), as Wireshark applies it
     * @param client      the end that sent the first frame, {@code address:port}
     * @param server      the other end
     * @param chunks      the bytes, in capture order
     * @param clientBytes the bytes the client sent (kept or not)
     * @param serverBytes the bytes the server sent
     * @param truncated   whether bytes past {@link #MAX_BYTES} were left out
     */
    public record Stream(String filter, String client, String server, List<Chunk> chunks, long clientBytes, long serverBytes,
            boolean truncated) {
    }

    private FollowStream() {
    }

    /**
     * The conversation frame {@code frame} belongs to ({@code kind} "tcp" or "udp"), or null when the frame has no such
     * layer or {@code cancelled} says so (asked every 65,536 frames).
     */
    public static Stream of(CaptureFile file, long frame, String kind, BooleanSupplier cancelled) throws IOException {
        if (!kind.equals("tcp") && !kind.equals("udp")) {
            throw new IllegalArgumentException(kind);
        }
        String streamField = kind + ".stream";
        // the conversation's number: every frame before it is read, as the numbering needs
        long index = -1;
        FrameLayerValues numbering = new FrameLayerValues(List.of(streamField));
        int[] ports = null;
        NetworkDecoder decoder = new NetworkDecoder(TransportHandler.NONE);
        try (CaptureReader reader = file.streamingReader()) {
            FrameCursor c = new FrameCursor();
            while (reader.advance(c) && c.number() <= frame) {
                if ((c.number() & 0xffff) == 0 && cancelled.getAsBoolean()) {
                    return null;
                }
                numbering.reset(c.number());
                decoder.headersOf(c.number(), numbering);
                decoder.decode(c);
                if (c.number() == frame) {
                    List<Object> v = numbering.values(streamField);
                    if (v.isEmpty()) {
                        return null;
                    }
                    index = ((Number) v.get(v.size() - 1)).longValue();
                    List<Object> sp = numbering.values(kind + ".srcport"), dp = numbering.values(kind + ".dstport");
                    ports = new int[] {((Number) sp.get(sp.size() - 1)).intValue(), ((Number) dp.get(dp.size() - 1)).intValue()};
                }
            }
        }
        if (index < 0) {
            return null;
        }
        String filter = streamField + " eq " + index;
        List<String> fields = List.of(streamField, kind + ".srcport", kind + ".dstport", kind + ".payload", "ip.src", "ipv6.src",
                "ip.dst", "ipv6.dst", "tcp.seq_raw", "tcp.flags", "tcp.len");
        FrameLayerValues values = new FrameLayerValues(fields);
        values.payloadsOnly(ports[0], ports[1]); // (no other conversation's bytes are copied)
        decoder = new NetworkDecoder(TransportHandler.NONE);
        List<Chunk> chunks = new ArrayList<>();
        String client = null, server = null;
        long clientBytes = 0, serverBytes = 0, kept = 0;
        long[] next = {-1, -1}; // the next sequence number expected from the client and from the server
        boolean truncated = false;
        try (CaptureReader reader = file.streamingReader()) {
            FrameCursor c = new FrameCursor();
            while (reader.advance(c)) {
                if ((c.number() & 0xffff) == 0 && cancelled.getAsBoolean()) {
                    return null;
                }
                values.reset(c.number());
                decoder.headersOf(c.number(), values);
                decoder.decode(c);
                List<Object> s = values.values(streamField);
                if (s.isEmpty() || ((Number) s.get(s.size() - 1)).longValue() != index) {
                    continue;
                }
                String src = last(values, "src") + ":" + last(values.values(kind + ".srcport"));
                String dst = last(values, "dst") + ":" + last(values.values(kind + ".dstport"));
                if (client == null) {
                    client = src;
                    server = dst;
                }
                boolean fromClient = src.equals(client);
                List<Object> p = values.values(kind + ".payload");
                byte[] data = p.isEmpty() ? new byte[0] : ((String) p.get(p.size() - 1)).getBytes(StandardCharsets.ISO_8859_1);
                if (kind.equals("tcp")) {
                    data = newBytes(values, data, next, fromClient ? 0 : 1);
                }
                if (data.length == 0) {
                    continue;
                }
                if (fromClient) {
                    clientBytes += data.length;
                } else {
                    serverBytes += data.length;
                }
                if (kept + data.length > MAX_BYTES) {
                    truncated = true;
                    continue;
                }
                kept += data.length;
                chunks.add(new Chunk(fromClient, c.number(), data));
            }
        }
        return new Stream(filter, client, server, List.copyOf(chunks), clientBytes, serverBytes, truncated);
    }

    /**
     * The bytes of a segment not followed before: none for a retransmission, the new end of one that overlaps; SYN and
     * FIN count one sequence number.
     */
    private static byte[] newBytes(FrameLayerValues v, byte[] data, long[] next, int dir) {
        List<Object> seqs = v.values("tcp.seq_raw"), flags = v.values("tcp.flags"), lengths = v.values("tcp.len");
        if (seqs.isEmpty() || flags.isEmpty()) {
            return data;
        }
        long seq = ((Number) seqs.get(seqs.size() - 1)).longValue();
        int f = ((Number) flags.get(flags.size() - 1)).intValue();
        boolean syn = (f & 0x02) != 0, fin = (f & 0x01) != 0;
        if (syn) {
            next[dir] = (seq + 1) & 0xffffffffL;
            return data; // (data on a SYN is rare; followed as it comes)
        }
        if (next[dir] < 0) {
            next[dir] = seq; // the capture began after the handshake
        }
        long behind = (next[dir] - seq) & 0xffffffffL; // how far the segment starts before what is expected
        byte[] out = data;
        if (behind != 0 && behind < 0x80000000L) {
            out = behind >= data.length ? new byte[0] : java.util.Arrays.copyOfRange(data, (int) behind, data.length);
        } else if (behind != 0 && data.length > 0) {
            // bytes the capture does not hold (lost by the capture, or sent before it began): said, as Wireshark says it
            long missing = (seq - next[dir]) & 0xffffffffL;
            // (with the NUL that ends Wireshark's note, so that the bytes are those its follow gives)
            byte[] note = ("[" + missing + " bytes missing in capture file]\0").getBytes(StandardCharsets.ISO_8859_1);
            byte[] joined = java.util.Arrays.copyOf(note, note.length + data.length);
            System.arraycopy(data, 0, joined, note.length, data.length);
            out = joined;
        }
        // (the segment's length as its headers declare it: a frame the capture cut short still takes its sequence numbers)
        int length = lengths.isEmpty() ? data.length : ((Number) lengths.get(lengths.size() - 1)).intValue();
        long end = (seq + length + (fin ? 1 : 0)) & 0xffffffffL;
        if (((end - next[dir]) & 0xffffffffL) < 0x80000000L) {
            next[dir] = end; // (a gap, a segment the capture missed, is passed over: what came is followed)
        }
        return out;
    }

    private static String last(FrameLayerValues v, String end) {
        Object a = end.equals("src") ? v.innermostSource() : v.innermostDestination();
        String text = String.valueOf(a);
        return text.indexOf(':') >= 0 ? "[" + text + "]" : text;
    }

    private static Object last(List<Object> l) {
        return l.isEmpty() ? "?" : l.get(l.size() - 1);
    }
}
