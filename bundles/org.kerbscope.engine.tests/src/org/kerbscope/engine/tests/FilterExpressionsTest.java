package org.kerbscope.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.kerbscope.capture.CaptureFile;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.FrameHeaders;
import org.kerbscope.engine.Progress;
import org.kerbscope.engine.filter.DisplayFilter;
import org.kerbscope.engine.filter.FilterExpressions;
import org.kerbscope.engine.filter.FrameLayerValues;

/**
 * "Apply as Filter" and "Conversation Filter" as a Wireshark user uses them: every field of every frame's details that
 * the display filter reads gives a filter that keeps its own frame, and a conversation's filter keeps exactly the frames
 * between its two ends, either way.
 */
class FilterExpressionsTest {
    private static final List<String> SAMPLES = List.of("spn-unknown.pcapng", "ntlm-fallback.pcapng", "port-closed.pcapng",
            "cname-alias.pcapng", "https-success.pcapng");

    @Test
    void everyFieldTheFilterReadsGivesAFilterThatKeepsItsFrame() throws Exception {
        Analyzer analyzer = new Analyzer(Registries.platform(), AnalysisOptions.defaults());
        Map<String, Integer> made = new TreeMap<>();
        Set<String> examples = new TreeSet<>();
        for (String sample : SAMPLES) {
            Path p = UnionTest.sample(sample);
            Analysis a = analyzer.analyze(p, sample, List.of(), Progress.NONE);
            Set<String> eventFields = new TreeSet<>();
            Map<Long, List<Event>> byFrame = new TreeMap<>();
            for (List<Event> l : a.events().values()) {
                for (Event e : l) {
                    DisplayFilter.addFieldNames(e, eventFields);
                    byFrame.computeIfAbsent(e.frame(), k -> new ArrayList<>()).add(e);
                }
            }
            try (CaptureFile file = CaptureFile.open(p)) {
                for (long n = 1; n <= file.index().size(); n++) {
                    FieldNode root = analyzer.dissect(file, n, a);
                    FrameLayerValues layers = FilterExpressions.layersOf(file.frame(n));
                    List<Event> events = byFrame.getOrDefault(n, List.of());
                    for (FieldNode node : all(root)) {
                        String f = FilterExpressions.of(node, eventFields, events, layers);
                        if (DisplayFilter.LAYER_FIELDS.contains(node.name()) && node.value() != null
                                && !node.name().endsWith(".payload")) {
                            assertNotNull(f, sample + " frame " + n + ": " + node.name() + " = " + node.value());
                        }
                        if (f != null) {
                            assertTrue(FilterExpressions.keeps(f, events, layers), f);
                            made.merge(f.split(" ")[0], 1, Integer::sum);
                            examples.add(f);
                        }
                    }
                }
            }
        }
        System.out.println("FilterExpressionsTest: filters made per field " + made);
        // what a user reads in the filter bar after "Apply as Filter"
        for (String expected : List.of("ip.src == 192.168.2.101", "eth.type == 0x800", "udp.dstport == 53", "tcp.flags == 0x2",
                "kerberos.error_code == 7", "http.response.code == 401", "http.request.method == \"GET\"", "kerberos.msg_type == 30",
                "kerberos", "http")) {
            assertTrue(examples.contains(expected), expected + " among " + examples);
        }
        for (String f : List.of("ip.src", "ip.dst", "eth.src", "tcp.srcport", "tcp.flags.syn", "ip.ttl", "frame.len")) {
            assertTrue(made.getOrDefault(f, 0) > 10, f + ": " + made);
        }
    }

    @Test
    void aConversationFilterKeepsTheFramesBetweenItsTwoEndsEitherWay() throws Exception {
        Path p = UnionTest.sample("spn-unknown.pcapng");
        try (CaptureFile file = CaptureFile.open(p)) {
            long frames = file.index().size();
            int checked = 0;
            for (long n = 1; n <= frames; n++) {
                FrameLayerValues layers = FilterExpressions.layersOf(file.frame(n));
                FrameHeaders h = FrameHeaders.of(file.frame(n));
                String tcp = FilterExpressions.conversation("tcp", layers);
                String udp = FilterExpressions.conversation("udp", layers);
                String ip = FilterExpressions.conversation("ip", layers);
                assertNotNull(ip, "frame " + n + " is IPv4");
                assertNull(FilterExpressions.conversation("ipv6", layers), "no IPv6 in the sample");
                assertEquals(h.protocol().equals("TCP"), tcp != null, "frame " + n + " " + tcp);
                assertEquals(h.protocol().equals("UDP"), udp != null, "frame " + n + " " + udp);
                String conv = tcp != null ? tcp : udp;
                if (conv == null) {
                    continue;
                }
                // the frames whose addresses and ports are this frame's, in either direction, by their Info columns
                String[] ports = h.info().split(" ")[0].equals("IP") ? null : h.info().split(" ");
                List<Long> expected = new ArrayList<>();
                for (long m = 1; m <= frames; m++) {
                    FrameHeaders o = FrameHeaders.of(file.frame(m));
                    String[] op = o.info().split(" ");
                    boolean same = o.protocol().equals(h.protocol()) && (o.source().equals(h.source())
                            && o.destination().equals(h.destination()) && op[0].equals(ports[0]) && op[2].equals(ports[2])
                            || o.source().equals(h.destination()) && o.destination().equals(h.source())
                                    && op[0].equals(ports[2]) && op[2].equals(ports[0]));
                    if (same) {
                        expected.add(m);
                    }
                }
                long[] kept = DisplayFilter.parse(conv).framesMatching(file, frames, x -> List.of(), () -> false);
                assertEquals(expected, java.util.Arrays.stream(kept).boxed().toList(), "frame " + n + ": " + conv);
                assertTrue(expected.contains(n));
                checked++;
            }
            assertTrue(checked > 10, "conversations checked: " + checked);
            long asReq = firstUdp(file, frames);
            String clientPort = FrameHeaders.of(file.frame(asReq)).info().split(" ")[0];
            assertEquals("ip.addr == 192.168.2.101 && ip.addr == 192.168.2.10 && udp.port == " + clientPort + " && udp.port == 88",
                    FilterExpressions.conversation("udp", FilterExpressions.layersOf(file.frame(asReq))));
        }
    }

    /** Filters with Wireshark's names of the messages' fields, which the display filter reads from the events. */
    private static final List<String> WIRESHARK = List.of("http.response.code == 401", "http.request.method == \"GET\"",
            "http.request", "http.response && !http.response.code == 401", "http.request.uri == \"/\"", "kerberos.msg_type == 30",
            "kerberos.msg_type in {10, 11}", "kerberos.CNameString == \"john\"", "ntlmssp", "ntlmssp.messagetype == 3",
            "ntlmssp.auth.username == \"john\"", "dns.qry.name contains \"iisserver\"", "dns.flags.response == 1 && dns.qry.type == 1",
            "dns.flags.rcode == 3", "tls.handshake.extensions_server_name contains \"contoso\"", "kerberos.error_code == 7");

    /**
     * The frames those filters keep, against tshark's on one capture merged from lab samples of every message kind (an
     * unknown SPN, an NTLM fallback, a name that does not resolve, HTTPS).
     */
    @Test
    void wiresharkNamesOfTheMessagesKeepTsharksFrames(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Tshark.installed(), "tshark not installed");
        Path merged = dir.resolve("merged.pcapng");
        List<String> merge = new ArrayList<>(List.of("mergecap", "-a", "-F", "pcapng", "-w", merged.toString()));
        for (String s : List.of("spn-unknown.pcapng", "ntlm-fallback.pcapng", "name-not-resolved.pcapng", "https-success.pcapng",
                "ntlm-only.pcapng")) {
            merge.add(UnionTest.sample(s).toString());
        }
        Tshark.run(merge);
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(merged, "merged", List.of(),
                Progress.NONE);
        Map<Long, List<Event>> byFrame = new TreeMap<>();
        a.events().values().forEach(l -> l.forEach(e -> byFrame.computeIfAbsent(e.frame(), k -> new ArrayList<>()).add(e)));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (CaptureFile file = CaptureFile.open(merged)) {
            List<java.util.concurrent.Future<List<String>>> theirs = new ArrayList<>();
            for (String f : WIRESHARK) {
                theirs.add(pool.submit(() -> Tshark.run(List.of("tshark", "-n", "-r", merged.toString(), "-Y", f, "-T", "fields", "-e",
                        "frame.number"))));
            }
            int kept = 0;
            for (int i = 0; i < WIRESHARK.size(); i++) {
                List<Long> expected = theirs.get(i).get().stream().map(l -> Long.parseLong(l.trim())).toList();
                long[] ours = DisplayFilter.parse(WIRESHARK.get(i)).framesMatching(file, file.index().size(),
                        n -> byFrame.getOrDefault(n, List.of()), () -> false);
                assertEquals(expected, java.util.Arrays.stream(ours).boxed().toList(), WIRESHARK.get(i));
                assertTrue(!expected.isEmpty(), WIRESHARK.get(i) + " keeps a frame of the samples");
                kept += expected.size();
            }
            System.out.println("FilterExpressionsTest: " + WIRESHARK.size() + " filters with Wireshark's names, " + kept
                    + " frames kept as tshark keeps them");
        } finally {
            pool.shutdownNow();
        }
    }

    private static long firstUdp(CaptureFile file, long frames) {
        for (long n = 1; n <= frames; n++) {
            if (FrameHeaders.of(file.frame(n)).protocol().equals("UDP") && FrameHeaders.of(file.frame(n)).info().contains("→ 88 ")) {
                return n;
            }
        }
        throw new AssertionError("no Kerberos request over UDP in the sample");
    }

    private static List<FieldNode> all(FieldNode root) {
        List<FieldNode> out = new ArrayList<>();
        if (root != null) {
            out.add(root);
            for (FieldNode c : root.children()) {
                out.addAll(all(c));
            }
        }
        return out;
    }
}
