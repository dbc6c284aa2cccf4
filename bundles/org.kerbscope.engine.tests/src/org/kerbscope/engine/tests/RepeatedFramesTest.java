package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.PcapngWriter;
import org.kerbscope.core.model.Frame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Every frame of a lab capture captured twice, 3 µs apart (a mirror port copying both directions, or two of
 * pktmon's components): the messages, attempts and findings are those of the capture itself (frame k there is frame
 * 2k-1 here), and the diagnostics say how many frames repeated a packet. Before, each Kerberos and DNS message read as
 * two, and the wrong password's diagnosis changed.
 */
class RepeatedFramesTest {
    @TempDir
    Path dir;

    private static final Pattern FRAME = Pattern.compile("\\bframe (\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"success-udp.pcapng", "wrong-password.pcapng", "ntlm-fallback.pcapng"})
    void aCaptureWhoseEveryPacketWasCapturedTwiceHasTheAnalysisOfOneCopy(String name) throws IOException {
        Path sample = UnionTest.sample(name);
        Path twice = dir.resolve(name.replace(".pcapng", "-twice.pcapng"));
        int frames = 0;
        try (OutputStream out = Files.newOutputStream(twice); PcapngWriter w = new PcapngWriter(out, 1, 262144);
                CaptureFile f = CaptureFile.open(sample); CaptureReader r = f.reader()) {
            for (Frame fr = r.next(); fr != null; fr = r.next()) {
                byte[] b = new byte[fr.capturedLength()];
                fr.data().get(0, b);
                w.write(fr.timeNanos(), b, fr.originalLength(), null);
                w.write(fr.timeNanos() + 3_000, b, fr.originalLength(), null);
                frames++;
            }
        }
        ObjectNode plain = UnionTest.document(sample);
        ObjectNode doubled = UnionTest.document(twice);
        JsonNode diagnostics = doubled.remove("diagnostics");
        assertTrue(diagnostics.toString().contains("\"" + frames + " frames in all repeated an IP packet captured just "
                + "before and were analysed once\""), diagnostics::toString);
        assertTrue(plain.remove("diagnostics").isEmpty());
        doubled.remove("capture");
        plain.remove("capture");
        assertTrue(plain.get("kerberos").size() > 0);
        assertEquals(plain, renumber(doubled, null), "the same messages, attempts and findings");
        // the packet list marks each repeat with the frame it repeated, on one thread as on several
        for (int threads : new int[] {1, 3}) {
            var a = new org.kerbscope.engine.Analyzer(org.kerbscope.core.registry.Registries.platform(),
                    org.kerbscope.core.spi.AnalysisOptions.defaults(), threads)
                    .analyze(twice, "capture", List.of(), org.kerbscope.engine.Progress.NONE);
            for (int k = 1; k <= frames; k++) {
                assertEquals(2L * k - 1, a.repeatOf(2L * k), threads + " thread(s): frame " + 2 * k);
                assertEquals(0, a.repeatOf(2L * k - 1), threads + " thread(s): frame " + (2 * k - 1));
            }
        }
    }

    /** Frame 2k-1 of the doubled capture back to frame k: the "frame" and "frames" fields, and "frame N" in text. */
    private static JsonNode renumber(JsonNode n, String key) {
        if (n instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                e.setValue(renumber(e.getValue(), e.getKey()));
            }
            return o;
        }
        if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, renumber(a.get(i), key));
            }
            return a;
        }
        if (n.isIntegralNumber() && ("frame".equals(key) || "frames".equals(key))) {
            long v = n.asLong();
            assertEquals(1, v % 2, "a repeat (an even frame) is never a message's frame: " + key + " " + v);
            return n instanceof IntNode ? IntNode.valueOf((int) (v + 1) / 2) : LongNode.valueOf((v + 1) / 2);
        }
        if (n.isTextual()) {
            Matcher m = FRAME.matcher(n.asText());
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, "frame " + (Long.parseLong(m.group(1)) + 1) / 2);
            }
            m.appendTail(sb);
            return TextNode.valueOf(sb.toString());
        }
        return n;
    }
}
