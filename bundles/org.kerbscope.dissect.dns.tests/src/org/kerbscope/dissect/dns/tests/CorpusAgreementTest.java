package org.kerbscope.dissect.dns.tests;

import org.kerbscope.testing.RecordingContext;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.dns.DnsDissector;

/**
 * Compares the DNS facts read from the reference corpus with tshark's (expected/*.json), as
 * ../shared/tools/conformance.py does: keyed by frame, kind and id; name, type, rcode and answers must be equal
 * (names without case or final dot, addresses in canonical form). UDP and TCP payloads of port 53 are extracted
 * with tshark; without tshark or the corpus the test is skipped with the reason printed.
 */
class CorpusAgreementTest {

    static Path repoRoot() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("releng/kerbscope.target"))) {
            p = p.getParent();
        }
        return p;
    }

    static Path corpus() {
        Path root = repoRoot();
        for (Path c : new Path[] {root == null ? null : root.resolveSibling("shared").resolve("corpus"),
            Paths.get("/work/shared/corpus")}) {
            if (c != null && Files.isDirectory(c.resolve("expected"))) {
                return c;
            }
        }
        return null;
    }

    static boolean tshark() {
        try {
            return new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static List<String[]> fields(Path capture, String filter, String... fields) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", capture.toString(), "-Y", filter, "-T", "fields",
                "-E", "separator=\t", "-E", "occurrence=l"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        p.waitFor();
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    @Test
    void dnsFactsAgreeWithTshark() throws Exception {
        Path corpus = corpus();
        if (corpus == null || !tshark()) {
            String why = corpus == null ? "the reference corpus (../shared/corpus) is not here" : "tshark is not installed";
            System.out.println("CorpusAgreementTest skipped: " + why);
            Assumptions.assumeTrue(false, why);
        }
        ObjectMapper om = new ObjectMapper();
        int expected = 0;
        int matched = 0;
        int agreed = 0;
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpus.resolve("expected"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : files) {
            JsonNode exp = om.readTree(f.toFile()).path("dns");
            if (exp.isEmpty()) {
                continue;
            }
            String rel = corpus.resolve("expected").relativize(f).toString();
            Path capture = corpus.resolve("captures").resolve(rel.substring(0, rel.length() - 5));
            Map<String, List<Map<String, Object>>> byKey = new HashMap<>();
            for (Map<String, Object> g : read(capture)) {
                byKey.computeIfAbsent(g.get("frame") + "/" + g.get("kind") + "/" + g.get("id"), k -> new ArrayList<>()).add(g);
            }
            for (JsonNode e : exp) {
                expected++;
                List<Map<String, Object>> cands = byKey.get(e.get("frame").asLong() + "/" + e.get("kind").asText() + "/"
                        + e.get("id").asInt());
                if (cands == null || cands.isEmpty()) {
                    problems.add(rel + ": missing " + e);
                    continue;
                }
                matched++;
                Map<String, Object> a = cands.remove(0);
                List<String> diffs = new ArrayList<>();
                if (e.hasNonNull("name") && !name(e.get("name").asText()).equals(name(String.valueOf(a.get("name"))))) {
                    diffs.add("name");
                }
                if (e.hasNonNull("type") && !Objects.equals(e.get("type").asInt(), a.get("type"))) {
                    diffs.add("type");
                }
                if (e.hasNonNull("rcode") && !Objects.equals(e.get("rcode").asInt(), a.get("rcode"))) {
                    diffs.add("rcode");
                }
                if (e.hasNonNull("answers")) {
                    TreeSet<String> ea = new TreeSet<>();
                    e.get("answers").forEach(x -> ea.add(name(x.asText())));
                    TreeSet<String> aa = new TreeSet<>();
                    if (a.get("answers") instanceof List<?> l) {
                        l.forEach(x -> aa.add(name(x.toString())));
                    }
                    if (!ea.equals(aa)) {
                        diffs.add("answers");
                    }
                }
                if (diffs.isEmpty()) {
                    agreed++;
                } else {
                    problems.add(rel + ": differs in " + diffs + ": expected " + e + " got " + a);
                }
            }
        }
        List<RecordingContext.Call> tkeyCalls = CALLS.get(corpus.resolve("captures/zeek/dns/tkey.pcap").toString());
        if (tkeyCalls != null) {
            // GSS-TSIG: the AP-REQ's SPNEGO token goes to the gss.oid table (then, as nothing is registered
            // here, to the GSS heuristics); the reply, which names no mechanism, to the heuristics
            RecordingContext.Call first = tkeyCalls.get(0);
            RecordingContext.Call last = tkeyCalls.get(tkeyCalls.size() - 1);
            assertTrue(first.frame() == 7 && first.table().equals("gss.oid") && first.key().equals("1.3.6.1.5.5.2")
                    && last.frame() == 8 && last.table().equals("gss"), tkeyCalls.toString());
        }
        System.out.printf("dns facts: %d expected, %d matched, %d agree (%.1f%%)%n", expected, matched, agreed,
                expected == 0 ? 0.0 : 100.0 * agreed / expected);
        problems.forEach(p -> System.out.println("  " + p));
        assertTrue(expected > 0, "the corpus holds DNS facts");
        assertTrue(agreed * 100 >= expected * 99, agreed + " of " + expected + " DNS facts agree: " + problems);
    }

    /** As conformance.py compares: an address in canonical form, a name in lower case without the final dot. */
    static String name(String v) {
        String s = v.strip();
        if (s.matches("[0-9.]+") || s.matches("[0-9a-fA-F:.]+") && s.contains(":")) {
            try {
                return InetAddress.getByName(s).getHostAddress();
            } catch (IOException e) {
                return s;
            }
        }
        s = s.toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** The nested calls made while reading each capture. */
    private static final Map<String, List<RecordingContext.Call>> CALLS = new HashMap<>();

    /** The DNS events of one capture, each with its frame. */
    static List<Map<String, Object>> read(Path capture) throws IOException, InterruptedException {
        List<String[]> rows = fields(capture, "(udp.port == 53 || (tcp.port == 53 && tcp.len > 0)) && !icmp",
                "frame.number", "udp.payload", "tcp.stream", "tcp.srcport", "tcp.seq_raw", "tcp.payload");
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, StreamDriver> tcp = new HashMap<>();
        Map<String, long[]> next = new HashMap<>();
        RecordingContext udp = new RecordingContext();
        udp.transport = "udp";
        DnsDissector dns = new DnsDissector();
        for (String[] r : rows) {
            long frame = Long.parseLong(r[0]);
            RecordingContext ctx;
            int before;
            if (r.length > 1 && !r[1].isEmpty()) {
                ctx = udp;
                before = ctx.events.size();
                ctx.frame = frame;
                dns.dissect(Pdu.ofFrame(ByteBuffer.wrap(HexFormat.of().parseHex(r[1].replace(":", ""))), 42), ctx);
            } else if (r.length > 5 && !r[5].isEmpty()) {
                StreamDriver d = tcp.computeIfAbsent(r[2], k -> new StreamDriver(new DnsDissector()));
                ctx = d.ctx;
                before = ctx.events.size();
                boolean fromClient = !r[3].equals("53");
                long[] n = next.computeIfAbsent(r[2], k -> new long[] {-1, -1});
                int dir = fromClient ? 0 : 1;
                long seq = Long.parseLong(r[4]);
                byte[] data = HexFormat.of().parseHex(r[5].replace(":", ""));
                int off = 0;
                if (n[dir] >= 0) {
                    int delta = (int) (seq - n[dir]);
                    if (delta < 0) {
                        off = -delta;
                    } else if (delta > 0) {
                        d.gap(fromClient, delta);
                    }
                }
                n[dir] = (seq + data.length) & 0xffffffffL;
                if (off < data.length) {
                    d.segment(fromClient, data, off, data.length - off, frame);
                }
            } else {
                continue;
            }
            for (int i = before; i < ctx.events.size(); i++) {
                RecordingContext.Emitted e = ctx.events.get(i);
                Map<String, Object> m = new LinkedHashMap<>(e.fields());
                m.put("frame", e.frame());
                out.add(m);
            }
        }
        List<RecordingContext.Call> calls = new ArrayList<>(udp.calls);
        tcp.values().forEach(d -> calls.addAll(d.ctx.calls));
        CALLS.put(capture.toString(), calls);
        return out;
    }
}
