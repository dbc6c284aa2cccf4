package org.kerbscope.dissect.http.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.dissect.http.TlsDissector;
import org.kerbscope.testing.RecordingContext;
import org.kerbscope.testing.StreamDriver;

/**
 * HTTPS read with the browser's TLS key log: real OpenSSL connections (TLS 1.3 with AES-256-GCM, TLS 1.2 with AES-GCM
 * and with ChaCha20-Poly1305; {@code releng/tls-keylog-fixture} made them and the key logs OpenSSL wrote) carry the
 * lab's success-udp HTTP exchange, and the TLS dissector opens every record and hands the HTTP inside to the HTTP
 * dissector, 536-byte segments at a time.
 */
class TlsKeyLogTest {
    static final Endpoint CLIENT = new Endpoint("192.168.2.101", 50443);
    static final Endpoint SERVER = new Endpoint("192.168.2.104", 443);

    /** The fixture folder ({@code resources/tls-keylog} of this bundle), from the bundle or the repository. */
    static Path fixtures() {
        return org.kerbscope.testing.RepoFiles.find("bundles/org.kerbscope.dissect.http.tests/resources/tls-keylog");
    }

    /** One write of the transcript: its direction and bytes; null bytes where the browser asked the KDC. */
    record Write(boolean fromClient, byte[] bytes) {
    }

    static List<Write> transcript(String name) throws IOException {
        List<Write> out = new ArrayList<>();
        for (String line : Files.readAllLines(fixtures().resolve(name + ".transcript"))) {
            if (line.equals("# kdc")) {
                out.add(new Write(true, null));
            } else if (line.startsWith("C ") || line.startsWith("S ")) {
                out.add(new Write(line.startsWith("C "), HexFormat.of().parseHex(line.substring(2))));
            }
        }
        return out;
    }

    static StreamDriver replay(String name, Path keylog) throws IOException {
        RecordingContext ctx = new RecordingContext();
        if (keylog != null) {
            ctx.options = AnalysisOptions.defaults().withTlsKeylogs(List.of(keylog));
        }
        StreamDriver d = new StreamDriver(new TlsDissector(), "tls", CLIENT, SERVER, ctx);
        long frame = 1;
        for (Write w : transcript(name)) {
            if (w.bytes() == null) {
                continue;
            }
            for (int off = 0; off < w.bytes().length; off += 536) {
                d.segment(w.fromClient(), w.bytes(), off, Math.min(536, w.bytes().length - off), frame++);
            }
        }
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls13", "tls12-gcm", "tls12-chacha", "tls12-cbc-etm", "tls12-cbc"})
    void theKeyLogOpensTheHttpsExchange(String name) throws Exception {
        StreamDriver d = replay(name, fixtures().resolve(name + ".keylog"));
        assertTrue(d.ctx.diagnostics.isEmpty(), d.ctx.diagnostics.toString());
        List<Map<String, Object>> http = d.ctx.fields("http");
        assertEquals(List.of("request", "response", "request", "response", "request", "response"),
                http.stream().map(e -> e.get("kind")).toList(), http.toString());
        assertEquals(List.of(401, 200, 404), http.stream().filter(e -> e.get("status") != null).map(e -> e.get("status")).toList());
        assertEquals(List.of("Negotiate", "NTLM"), http.get(1).get("wwwAuthenticate"));
        assertEquals("iisserver.contoso.com", http.get(0).get("host"));
        assertTrue(http.stream().allMatch(e -> "decrypted".equals(e.get("tls"))), http.toString());
        Map<?, ?> auth = (Map<?, ?>) http.get(2).get("authorization");
        assertEquals("Negotiate", auth.get("scheme"));
        // the SPNEGO token (a GSS InitialContextToken, 0x60) is handed to the Negotiate table as in clear HTTP
        assertTrue(d.ctx.calls.stream().anyMatch(c -> c.table().equals("http.auth") && c.bytes().length > 500
                && (c.bytes()[0] & 0xff) == 0x60), d.ctx.calls.toString());
        Map<String, Object> hello = d.ctx.fields("tls").get(1);
        assertEquals("serverHello", hello.get("kind"));
        assertEquals(Boolean.TRUE, hello.get("decrypted"));
        // every record is read, one at a time: nothing beyond a record and a segment is buffered
        assertTrue(d.maxBuffered <= (1 << 14) + 2048 + 5 + 536, "buffered " + d.maxBuffered);
    }

    /** The frame details: under the record, its decrypted bytes as a data source of their own, the HTTP message in them. */
    @Test
    void theDecryptedHttpIsInTheFrameDetails() throws Exception {
        RecordingContext ctx = new RecordingContext();
        ctx.options = AnalysisOptions.defaults().withTlsKeylogs(List.of(fixtures().resolve("tls13.keylog")));
        ctx.tree = new org.kerbscope.core.model.FieldNode("frame", "Frame", null, new org.kerbscope.core.model.ByteRange(0, 1 << 20));
        StreamDriver d = new StreamDriver(new TlsDissector(), "tls", CLIENT, SERVER, ctx);
        long frame = 1;
        for (Write w : transcript("tls13")) {
            if (w.bytes() != null) {
                d.segment(w.fromClient(), w.bytes(), 0, w.bytes().length, frame++);
            }
        }
        List<org.kerbscope.core.model.FieldNode> decrypted = new ArrayList<>();
        collect(ctx.tree, "tls.decrypted", decrypted);
        org.kerbscope.core.model.FieldNode get = decrypted.stream().filter(n -> {
            List<org.kerbscope.core.model.FieldNode> m = new ArrayList<>();
            collect(n, "http.request.method", m);
            return !m.isEmpty();
        }).findFirst().orElseThrow(() -> new AssertionError(decrypted));
        assertEquals("Decrypted TLS", get.source());
        assertEquals(0, get.range().offset());
        assertTrue(get.label().startsWith("Decrypted Application Data ("), get.label());
        List<org.kerbscope.core.model.FieldNode> methods = new ArrayList<>();
        collect(get, "http.request.method", methods);
        assertEquals("GET", methods.get(0).value());
        assertEquals("Decrypted TLS", methods.get(0).source());
    }

    static void collect(org.kerbscope.core.model.FieldNode n, String name, List<org.kerbscope.core.model.FieldNode> out) {
        if (name.equals(n.name())) {
            out.add(n);
        }
        for (org.kerbscope.core.model.FieldNode c : n.children()) {
            collect(c, name, out);
        }
    }

    @Test
    void withoutItsSecretsTheConnectionStaysClosed() throws Exception {
        // another connection's key log: nothing for this one's random, so it reads as without a key log
        StreamDriver d = replay("tls13", fixtures().resolve("tls12-gcm.keylog"));
        assertEquals(List.of(), d.ctx.fields("http"));
        assertEquals(List.of("clientHello", "serverHello"), d.ctx.fields("tls").stream().map(e -> e.get("kind")).toList());
        assertTrue(d.ctx.diagnostics.isEmpty(), d.ctx.diagnostics.toString());
    }

    @Test
    void aWrongSecretIsReportedAndNothingIsMadeUp(@TempDir Path dir) throws Exception {
        for (String name : List.of("tls13", "tls12-gcm")) {
            List<String> lines = new ArrayList<>();
            for (String l : Files.readAllLines(fixtures().resolve(name + ".keylog"))) {
                // the last hex digit of every secret changed: the records' tags do not verify
                lines.add(l.startsWith("#") ? l : l.substring(0, l.length() - 1) + (l.endsWith("0") ? "1" : "0"));
            }
            Path bad = dir.resolve(name + "-bad.keylog");
            Files.write(bad, lines);
            StreamDriver d = replay(name, bad);
            assertEquals(List.of(), d.ctx.fields("http"), name);
            assertTrue(d.ctx.diagnostics.stream().anyMatch(x -> x.contains("does not decrypt with the secrets of the key log")),
                    name + ": " + d.ctx.diagnostics);
        }
    }

    /** Bytes are hostile: any byte of any write changed, the connection is read up to it and said to be damaged. */
    @Test
    void aDamagedRecordStopsItsDirectionNeverTheReader() throws Exception {
        List<Write> writes = transcript("tls12-gcm");
        Path keylog = fixtures().resolve("tls12-gcm.keylog");
        for (int w = 0; w < writes.size(); w++) {
            if (writes.get(w).bytes() == null) {
                continue;
            }
            for (int at = 0; at < writes.get(w).bytes().length; at += 97) {
                RecordingContext ctx = new RecordingContext();
                ctx.options = AnalysisOptions.defaults().withTlsKeylogs(List.of(keylog));
                StreamDriver d = new StreamDriver(new TlsDissector(), "tls", CLIENT, SERVER, ctx);
                long frame = 1;
                for (int i = 0; i < writes.size(); i++) {
                    byte[] b = writes.get(i).bytes();
                    if (b == null) {
                        continue;
                    }
                    if (i == w) {
                        b = b.clone();
                        b[at] ^= 0x5a;
                    }
                    d.segment(writes.get(i).fromClient(), b, 0, b.length, frame++);
                }
                // what was read before the damage is kept; nothing after a record that does not open is invented
                assertTrue(ctx.fields("http").size() <= 6, ctx.fields("http").toString());
                if (ctx.fields("http").size() < 6) {
                    assertTrue(!ctx.diagnostics.isEmpty() || ctx.fields("tls").size() < 2 || d.rejected(true) || d.rejected(false),
                            "write " + w + " byte " + at + ": " + ctx.fields("http") + " " + ctx.diagnostics);
                }
            }
        }
    }

    /** Prefaces and SETTINGS alone (HTTP/2 after ALPN h2): read quietly, no message and no diagnostic. */
    @Test
    void http2PrefacesAloneMakeNoMessage() throws Exception {
        StreamDriver d = replay("tls13-h2", fixtures().resolve("tls13-h2.keylog"));
        assertEquals(List.of(), d.ctx.fields("http"));
        assertEquals(List.of(), d.ctx.diagnostics);
    }

    /** A line of megabytes (a binary file given by mistake, or hostile) is passed over; the secrets around it count. */
    @Test
    void aHugeLineInTheKeyLogIsPassedOver(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("sslkeys.log");
        String real = Files.readString(fixtures().resolve("tls12-gcm.keylog"));
        Files.writeString(log, "CLIENT_RANDOM " + "ab".repeat(5_000_000) + "\n" + real);
        StreamDriver d = replay("tls12-gcm", log);
        assertEquals(6, d.ctx.fields("http").size(), d.ctx.diagnostics.toString());
        assertEquals(1, d.ctx.diagnostics.size(), d.ctx.diagnostics.toString());
        assertTrue(d.ctx.diagnostics.get(0).contains("has 1 line that is not LABEL"), d.ctx.diagnostics.toString());
    }

    @Test
    void aKeyLogThatIsNotOneIsSaidSo(@TempDir Path dir) throws Exception {
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "CLIENT_RANDOM nothex 00\nthis is not a key log\n");
        StreamDriver d = replay("tls13", notes);
        assertEquals(List.of(), d.ctx.fields("http"));
        assertEquals(1, d.ctx.diagnostics.size(), d.ctx.diagnostics.toString());
        assertTrue(d.ctx.diagnostics.get(0).contains("has 2 lines that are not LABEL <client random> <secret>"),
                d.ctx.diagnostics.toString());
    }
}
