package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.PcapngWriter;
import org.kerbscope.core.model.Frame;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.report.JsonReport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The same story captured elsewhere on the path reads the same: a lab capture rewritten with an 802.1Q tag on every
 * frame (a trunk port's mirror), and with every IPv4 datagram of more than 300 bytes split into three fragments sent
 * last-first (a link with a small MTU), gives the messages, attempts and findings of the original (frame numbers
 * aside, as fragments add frames); so does every TCP payload cut into small segments, sent out of order and in
 * part twice.
 */
class EncapsulationTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"success-tcp", "success-udp", "spn-unknown", "ntlm-fallback", "proxy-kerberos"})
    void vlanTagsAndIpFragmentsChangeNothingButFrameNumbers(String sample) throws IOException {
        Path original = UnionTest.root().resolve("bundles/org.kerbscope.lab/samples/" + sample + ".pcapng");
        Path tagged = dir.resolve(sample + "-vlan.pcapng");
        Path fragmentedFile = dir.resolve(sample + "-vlan-frag.pcapng");
        rewrite(original, tagged, b -> tagged(b, false));
        int fragmented = rewrite(original, fragmentedFile, b -> tagged(b, true));
        assertTrue(fragmented >= 2, "datagrams were fragmented: " + fragmented);

        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults());
        JsonNode expected = JsonReport.toJson(analyzer.analyze(original, "c", List.of(), Progress.NONE));
        JsonNode vlan = JsonReport.toJson(analyzer.analyze(tagged, "c", List.of(), Progress.NONE));
        JsonNode frag = JsonReport.toJson(analyzer.analyze(fragmentedFile, "c", List.of(), Progress.NONE));
        assertTrue(expected.get("attempts").size() > 0, "a sample with an attempt");
        for (String part : List.of("kerberos", "http", "ntlm", "dns", "attempts", "findings", "diagnostics")) {
            assertEquals(expected.get(part), vlan.get(part), sample + " tagged: '" + part + "'");
        }
        for (String part : List.of("kerberos", "http", "ntlm", "dns", "attempts", "findings")) {
            assertEquals(withoutFrames(expected.get(part)), withoutFrames(frag.get(part)),
                    sample + " tagged and fragmented: '" + part + "'");
        }
        assertEquals(expected.get("diagnostics"), frag.get("diagnostics"), "no damage reported");
    }

    @ParameterizedTest
    @ValueSource(strings = {"success-tcp", "spn-unknown", "ntlm-fallback", "stale-keytab", "proxy-kerberos"})
    void smallSegmentsOutOfOrderAndRetransmittedChangeNothingButFrameNumbers(String sample) throws IOException {
        // every TCP payload of more than 100 bytes in 100-byte segments, each pair sent in reverse order, the first
        // segment of each payload sent twice (a retransmission): the reassembly puts the streams back together
        Path original = UnionTest.root().resolve("bundles/org.kerbscope.lab/samples/" + sample + ".pcapng");
        Path resegmented = dir.resolve(sample + "-segments.pcapng");
        int split = rewrite(original, resegmented, b -> segments(b, 100));
        assertTrue(split >= 2, "payloads were split: " + split);
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults());
        JsonNode expected = JsonReport.toJson(analyzer.analyze(original, "c", List.of(), Progress.NONE));
        JsonNode actual = JsonReport.toJson(analyzer.analyze(resegmented, "c", List.of(), Progress.NONE));
        for (String part : List.of("kerberos", "http", "ntlm", "dns", "attempts", "findings")) {
            assertEquals(withoutFrames(expected.get(part)), withoutFrames(actual.get(part)), sample + ": '" + part + "'");
        }
        assertEquals(expected.get("diagnostics"), actual.get("diagnostics"), "no damage reported");
    }

    /** An Ethernet/IPv4/TCP frame whose payload passes {@code size} as segments (see the test); else the frame. */
    private static List<byte[]> segments(byte[] fr, int size) {
        ByteBuffer b = ByteBuffer.wrap(fr);
        if (fr.length < 54 || b.getShort(12) != 0x0800 || fr[23] != 6) {
            return List.of(fr);
        }
        int ihl = (fr[14] & 15) * 4;
        int total = b.getShort(16) & 0xffff;
        int tcp = 14 + ihl;
        int doff = ((fr[tcp + 12] & 0xff) >> 4) * 4;
        int payload = tcp + doff;
        int len = 14 + total - payload;
        if (len <= size || 14 + total > fr.length) {
            return List.of(fr);
        }
        int seq = b.getInt(tcp + 4);
        List<byte[]> pieces = new ArrayList<>();
        for (int off = 0; off < len; off += size) {
            int n = Math.min(size, len - off);
            ByteBuffer p = ByteBuffer.allocate(payload + n);
            p.put(fr, 0, payload).put(fr, payload + off, n);
            p.putShort(16, (short) (ihl + doff + n)).putShort(24, (short) 0);
            p.putShort(24, (short) checksum(java.util.Arrays.copyOfRange(p.array(), 14, 14 + ihl), ihl));
            p.putInt(tcp + 4, seq + off).putShort(tcp + 16, (short) 0);
            if (off + size < len) {
                p.put(tcp + 13, (byte) (fr[tcp + 13] & ~0x08)); // PSH on the last segment only
            }
            ByteBuffer pseudo = ByteBuffer.allocate(12 + doff + n + 1);
            pseudo.put(fr, 26, 8).put((byte) 0).put((byte) 6).putShort((short) (doff + n)).put(p.array(), tcp, doff + n);
            p.putShort(tcp + 16, (short) checksum(pseudo.array(), 12 + doff + n));
            pieces.add(p.array());
        }
        // sent again below: a retransmission, which the sender numbers as a new IPv4 packet (a capture that holds
        // the same packet twice is another matter: RepeatedFramesTest)
        byte[] first = pieces.get(0).clone();
        ByteBuffer again = ByteBuffer.wrap(first);
        again.putShort(18, (short) (again.getShort(18) ^ 0x4000)).putShort(24, (short) 0);
        again.putShort(24, (short) checksum(java.util.Arrays.copyOfRange(first, 14, 14 + ihl), ihl));
        List<byte[]> sent = new ArrayList<>(List.of(first));
        for (int i = 0; i < pieces.size(); i += 2) {
            if (i + 1 < pieces.size()) {
                sent.add(pieces.get(i + 1));
            }
            sent.add(pieces.get(i));
        }
        return sent;
    }

    /** Writes the frames of {@code in} to {@code out} as {@code transform} makes them; how many became several. */
    private static int rewrite(Path in, Path out, Function<byte[], List<byte[]>> transform) throws IOException {
        int several = 0;
        try (CaptureFile f = CaptureFile.open(in); CaptureReader r = f.reader();
                OutputStream o = Files.newOutputStream(out); PcapngWriter w = new PcapngWriter(o, 1, 262144)) {
            for (Frame fr = r.next(); fr != null; fr = r.next()) {
                byte[] b = new byte[fr.capturedLength()];
                fr.data().get(0, b);
                List<byte[]> frames = transform.apply(b);
                several += frames.size() > 1 ? 1 : 0;
                for (byte[] p : frames) {
                    w.write(fr.timeNanos(), p, p.length, null);
                }
            }
        }
        return several;
    }

    /** The frame with an 802.1Q tag (VLAN 100); with {@code fragment}, a large IPv4 datagram in 3 tagged frames. */
    private static List<byte[]> tagged(byte[] b, boolean fragment) {
        boolean ipv4 = b.length > 34 && ByteBuffer.wrap(b).getShort(12) == 0x0800;
        byte[] body = java.util.Arrays.copyOfRange(b, 14, b.length);
        List<byte[]> out = new ArrayList<>();
        for (byte[] ip : fragment && ipv4 ? fragments(body) : List.of(body)) {
            ByteBuffer t = ByteBuffer.allocate(18 + ip.length);
            t.put(b, 0, 12).putShort((short) 0x8100).putShort((short) 100).put(b, 12, 2).put(ip);
            out.add(t.array());
        }
        return out;
    }

    /** An IPv4 datagram of more than 300 bytes of payload as 3 fragments (RFC 791), last first; else itself. */
    private static List<byte[]> fragments(byte[] ip) {
        ByteBuffer h = ByteBuffer.wrap(ip);
        int ihl = (ip[0] & 15) * 4;
        int total = h.getShort(2) & 0xffff;
        if (total - ihl <= 300 || (h.getShort(6) & 0x3fff) != 0 || total > ip.length) {
            return List.of(ip);
        }
        int step = ((total - ihl) / 3 + 7) / 8 * 8;
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < total - ihl; off += step) {
            int len = Math.min(step, total - ihl - off);
            ByteBuffer p = ByteBuffer.allocate(ihl + len);
            p.put(ip, 0, ihl).put(ip, ihl + off, len);
            boolean more = off + step < total - ihl;
            p.putShort(2, (short) (ihl + len)).putShort(6, (short) ((more ? 0x2000 : 0) | off / 8)).putShort(10, (short) 0);
            p.putShort(10, (short) checksum(p.array(), ihl));
            out.add(0, p.array());
        }
        return out;
    }

    /** The Internet checksum (RFC 1071) of the first {@code n} bytes (an odd last byte padded with zero). */
    private static int checksum(byte[] b, int n) {
        long s = 0;
        for (int i = 0; i < n; i += 2) {
            s += ((b[i] & 0xff) << 8) | (i + 1 < n ? b[i + 1] & 0xff : 0);
        }
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) (~s & 0xffff);
    }

    /** The document without frame numbers and times (fragments add frames), and frame numbers in texts masked. */
    private static JsonNode withoutFrames(JsonNode n) {
        if (n == null) {
            return null;
        }
        JsonNode c = n.deepCopy();
        strip(c);
        return c;
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove(List.of("frame", "frames", "evidence", "time"));
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String k : names) {
                JsonNode v = o.get(k);
                if (v.isTextual()) {
                    o.put(k, v.asText().replaceAll("[Ff]rames? \\d+(, \\d+)*", "frame N"));
                } else {
                    strip(v);
                }
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (v.isTextual()) {
                    a.set(i, a.textNode(v.asText().replaceAll("[Ff]rames? \\d+(, \\d+)*", "frame N")));
                } else {
                    strip(v);
                }
            }
        }
    }
}
