package org.kerbscope.dissect.kerberos.tests;

import org.kerbscope.testing.FakeContext;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.dissect.kerberos.KerberosDissector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Agreement with Wireshark's reading of the reference corpus for Kerberos carried to the KDC (kdc-udp,
 * kdc-tcp). The UDP/TCP payloads are taken out with tshark (the capture reader is not this bundle's); TCP
 * segments are put back in order per connection and direction and cut by the dissector's own framer. Skipped
 * when the corpus or tshark is absent.
 */
class CorpusConformanceTest {
    private static final String[] FIELDS = { "errorCode", "realm", "cname", "sname", "etypes" };

    /**
     * Where the RFC and Wireshark part ways (see the report). Kerbscope reads these frames; Wireshark 4.0 does
     * not, so the reference has no message type to match.
     */
    private static final List<String> KNOWN = List.of("zeek/krb/error-preauth-padata.pcap#1");

    @Test
    void kdcMessagesAgreeWithTheReference() throws Exception {
        Path shared = RepoRoot.shared();
        Assumptions.assumeTrue(shared != null, "the reference corpus (../shared) is not here: skipped");
        Assumptions.assumeTrue(tshark(), "tshark is not installed: skipped");
        Path expectedRoot = shared.resolve("corpus/expected");
        List<Path> files;
        try (Stream<Path> s = Files.walk(expectedRoot)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        ObjectMapper json = new ObjectMapper();
        int expected = 0;
        int agree = 0;
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            JsonNode doc = json.readTree(f.toFile());
            List<JsonNode> facts = new ArrayList<>();
            for (JsonNode k : doc.path("kerberos")) {
                String c = k.path("carrier").asText();
                if (c.equals("kdc-udp") || c.equals("kdc-tcp")) {
                    facts.add(k);
                }
            }
            if (facts.isEmpty()) {
                continue;
            }
            String rel = expectedRoot.relativize(f).toString().replaceAll("\\.json$", "");
            Path capture = shared.resolve("corpus/captures").resolve(rel);
            Map<Long, List<Map<String, Object>>> ours = dissect(capture);
            for (JsonNode exp : facts) {
                long frame = exp.path("frame").asLong();
                String key = rel + "#" + frame;
                if (KNOWN.contains(key)) {
                    continue;
                }
                expected++;
                Map<String, Object> got = ours.getOrDefault(frame, List.of()).stream()
                        .filter(e -> exp.path("msgType").asText().equals(e.get("msgType"))).findFirst().orElse(null);
                if (got == null) {
                    problems.add(key + " missing " + exp.path("msgType").asText());
                    continue;
                }
                List<String> diffs = new ArrayList<>();
                for (String field : FIELDS) {
                    JsonNode e = exp.get(field);
                    if (e == null || e.isNull()) {
                        continue;
                    }
                    Object want = e.isArray() ? json.convertValue(e, List.class) : e.isInt() ? e.asInt() : e.asText();
                    if (!Objects.equals(want, got.get(field))) {
                        diffs.add(field + " expected " + want + " got " + got.get(field));
                    }
                }
                if (!exp.path("carrier").asText().equals(got.get("carrier"))) {
                    diffs.add("carrier expected " + exp.path("carrier").asText() + " got " + got.get("carrier"));
                }
                if (diffs.isEmpty()) {
                    agree++;
                } else {
                    problems.add(key + " " + diffs);
                }
            }
        }
        System.out.println("kerberos[kdc-udp,kdc-tcp]: " + agree + "/" + expected + " agree");
        problems.forEach(p -> System.out.println("  " + p));
        Assumptions.assumeTrue(expected > 0, "no kdc facts in the corpus");
        assertTrue(agree * 100 >= expected * 99, agree + "/" + expected + " agree: " + problems);
    }

    /** Events by frame for the Kerberos (port 88) traffic of one capture. */
    private static Map<Long, List<Map<String, Object>>> dissect(Path capture) throws IOException,
            InterruptedException {
        Process p = new ProcessBuilder("tshark", "-r", capture.toString(), "-T", "fields", "-E", "separator=|",
                "-e", "frame.number", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "tcp.stream", "-e",
                "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.payload", "-e", "tcp.payload", "-o",
                "tcp.desegment_tcp_streams:FALSE").redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        p.waitFor();
        KerberosDissector d = new KerberosDissector();
        Map<Long, List<Map<String, Object>>> events = new HashMap<>();
        Map<String, byte[]> pending = new HashMap<>();
        Map<String, StreamFramer> framers = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\\|", -1);
            if (f.length < 8) {
                continue;
            }
            long frame = Long.parseLong(f[0].trim());
            FakeContext ctx;
            if (!f[6].isEmpty() && (f[1].equals("88") || f[2].equals("88"))) {
                ctx = new FakeContext("kerberos", "udp");
                d.dissect(Pdu.detached(ByteBuffer.wrap(hex(f[6])), "udp"), ctx);
                events.computeIfAbsent(frame, k -> new ArrayList<>()).addAll(ctx.events("kerberos"));
            } else if (!f[7].isEmpty() && (f[4].equals("88") || f[5].equals("88"))) {
                String dir = f[3] + ":" + f[4];
                byte[] buf = concat(pending.getOrDefault(dir, new byte[0]), hex(f[7]));
                StreamFramer framer = framers.computeIfAbsent(dir, k -> d.newFramer(null, true));
                while (true) {
                    long r = framer.next(ByteBuffer.wrap(buf));
                    if (r <= 0 || r > buf.length) {
                        if (r == StreamFramer.REJECT) {
                            buf = new byte[0];
                        }
                        break;
                    }
                    ctx = new FakeContext("kerberos", "tcp");
                    d.dissect(Pdu.detached(ByteBuffer.wrap(buf, 0, (int) r).slice(), "tcp"), ctx);
                    events.computeIfAbsent(frame, k -> new ArrayList<>()).addAll(ctx.events("kerberos"));
                    buf = java.util.Arrays.copyOfRange(buf, (int) r, buf.length);
                }
                pending.put(dir, buf);
            }
        }
        return events;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(":", "").replace(",", "").trim());
    }

    private static boolean tshark() {
        try {
            Process p = new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
