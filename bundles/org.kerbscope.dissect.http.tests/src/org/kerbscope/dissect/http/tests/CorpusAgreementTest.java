package org.kerbscope.dissect.http.tests;

import org.kerbscope.testing.RecordingContext;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.http.HttpDissector;

/**
 * Compares the HTTP facts read from the reference corpus with tshark's (expected/*.json), the way
 * ../shared/tools/conformance.py does: facts keyed by frame and kind, the fields tshark has must be equal.
 * The TCP payloads are extracted with tshark and fed through the framer here, so the test needs tshark and the
 * corpus; without them it is skipped with the reason printed.
 */
class CorpusAgreementTest {
    private static final Set<Integer> PORTS = Set.of(80, 8080, 8000, 3128);

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

    /** One TCP connection fed in sequence-number order; retransmitted bytes are dropped, holes are gaps. */
    static final class Conn {
        final StreamDriver driver = new StreamDriver(new HttpDissector());
        final int serverPort;
        final long[] next = {-1, -1};

        Conn(int serverPort) {
            this.serverPort = serverPort;
        }

        void segment(boolean fromClient, long seq, byte[] data, long frame) {
            int d = fromClient ? 0 : 1;
            int off = 0;
            if (next[d] >= 0) {
                int delta = (int) (seq - next[d]);
                if (delta < 0) {
                    off = -delta;
                    if (off >= data.length) {
                        return;
                    }
                } else if (delta > 0) {
                    driver.gap(fromClient, delta);
                }
            }
            next[d] = (seq + data.length) & 0xffffffffL;
            driver.segment(fromClient, data, off, data.length - off, frame);
        }
    }

    @Test
    void httpFactsAgreeWithTshark() throws Exception {
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
            JsonNode exp = om.readTree(f.toFile()).path("http");
            if (exp.isEmpty()) {
                continue;
            }
            String rel = corpus.resolve("expected").relativize(f).toString();
            Path capture = corpus.resolve("captures").resolve(rel.substring(0, rel.length() - 5));
            List<Map<String, Object>> got = read(capture);
            Map<String, List<Map<String, Object>>> byKey = new HashMap<>();
            for (Map<String, Object> g : got) {
                byKey.computeIfAbsent(g.get("frame") + "/" + g.get("kind"), k -> new ArrayList<>()).add(g);
            }
            for (JsonNode e : exp) {
                expected++;
                List<Map<String, Object>> cands = byKey.get(e.get("frame").asLong() + "/" + e.get("kind").asText());
                if (cands == null || cands.isEmpty()) {
                    problems.add(rel + ": missing " + e);
                    continue;
                }
                matched++;
                Map<String, Object> a = cands.remove(0);
                List<String> diffs = new ArrayList<>();
                if (e.has("method") && !Objects.equals(e.get("method").asText(), a.get("method"))) {
                    diffs.add("method");
                }
                if (e.has("uri") && !Objects.equals(e.get("uri").asText(), a.get("uri"))) {
                    diffs.add("uri");
                }
                if (e.has("status") && !Objects.equals(e.get("status").asInt(), a.get("status"))) {
                    diffs.add("status");
                }
                if (e.has("wwwAuthenticate")) {
                    List<String> w = new ArrayList<>();
                    e.get("wwwAuthenticate").forEach(x -> w.add(x.asText().toLowerCase(Locale.ROOT)));
                    Object aw = a.get("wwwAuthenticate");
                    List<String> got2 = aw == null ? null
                            : ((List<?>) aw).stream().map(x -> x.toString().toLowerCase(Locale.ROOT)).toList();
                    if (!w.equals(got2)) {
                        diffs.add("wwwAuthenticate");
                    }
                }
                if (e.has("authorization") && !e.get("authorization").isNull()) {
                    JsonNode ea = e.get("authorization");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> aa = (Map<String, Object>) a.get("authorization");
                    boolean ok = aa != null && ea.get("scheme").asText().equalsIgnoreCase((String) aa.get("scheme"));
                    if (ok && ea.hasNonNull("token")) {
                        ok = ea.get("token").asText().equals(aa.get("token"));
                    }
                    if (!ok) {
                        diffs.add("authorization");
                    }
                }
                if (diffs.isEmpty()) {
                    agreed++;
                } else {
                    problems.add(rel + ": differs in " + diffs + ": expected " + e + " got " + a);
                }
            }
        }
        System.out.printf("http facts: %d expected, %d matched, %d agree (%.1f%%)%n", expected, matched, agreed,
                expected == 0 ? 0.0 : 100.0 * agreed / expected);
        problems.forEach(p -> System.out.println("  " + p));
        assertTrue(expected > 0, "the corpus holds HTTP facts");
        assertTrue(agreed * 100 >= expected * 99, agreed + " of " + expected + " HTTP facts agree: " + problems);
    }

    /** The HTTP events of one capture, each with its frame. */
    static List<Map<String, Object>> read(Path capture) throws IOException, InterruptedException {
        List<String[]> rows = fields(capture, "tcp.len > 0", "frame.number", "tcp.stream", "tcp.srcport",
                "tcp.dstport", "tcp.seq_raw", "tcp.payload");
        Map<String, Conn> conns = new HashMap<>();
        Set<String> ignored = new java.util.HashSet<>();
        List<Map<String, Object>> out = new ArrayList<>();
        for (String[] r : rows) {
            if (r.length < 6 || r[5].isEmpty()) {
                continue;
            }
            long frame = Long.parseLong(r[0]);
            String stream = r[1];
            int sport = Integer.parseInt(r[2]);
            int dport = Integer.parseInt(r[3]);
            byte[] data = HexFormat.of().parseHex(r[5].replace(":", ""));
            if (ignored.contains(stream)) {
                continue;
            }
            Conn c = conns.get(stream);
            if (c == null) {
                int server;
                if (PORTS.contains(Math.min(sport, dport)) || PORTS.contains(Math.max(sport, dport))) {
                    server = PORTS.contains(Math.min(sport, dport)) ? Math.min(sport, dport) : Math.max(sport, dport);
                } else if (new HttpDissector().accepts(Pdu.detached(java.nio.ByteBuffer.wrap(data), "probe"), "tcp")) {
                    server = data.length > 5 && new String(data, 0, 5, StandardCharsets.US_ASCII).equals("HTTP/") ? sport : dport;
                } else {
                    ignored.add(stream);
                    continue;
                }
                c = new Conn(server);
                conns.put(stream, c);
            }
            int before = c.driver.ctx.events.size();
            c.segment(dport == c.serverPort, Long.parseLong(r[4]), data, frame);
            for (int i = before; i < c.driver.ctx.events.size(); i++) {
                RecordingContext.Emitted e = c.driver.ctx.events.get(i);
                Map<String, Object> m = new LinkedHashMap<>(e.fields());
                m.put("frame", e.frame());
                out.add(m);
            }
        }
        return out;
    }
}
