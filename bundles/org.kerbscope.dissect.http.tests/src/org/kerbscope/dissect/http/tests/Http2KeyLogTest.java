package org.kerbscope.dissect.http.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.ByteRange;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.dissect.http.TlsDissector;
import org.kerbscope.testing.RecordingContext;
import org.kerbscope.testing.StreamDriver;

/**
 * HTTP/2 inside TLS opened with the key log: real connections of curl (nghttp2's HPACK encoder: Huffman-coded strings,
 * the dynamic table) to a server that answers as a Windows site does ({@code releng/http2-keylog-fixture}). The header
 * lists are read as HTTP messages, their Negotiate tokens handed on byte for byte, and a reset with
 * {@code HTTP_1_1_REQUIRED} is an {@code http2} event.
 */
class Http2KeyLogTest {

    private static StreamDriver replay(String transcript, String keylog) throws Exception {
        return TlsKeyLogTest.replay(transcript, TlsKeyLogTest.fixtures().resolve(keylog + ".keylog"));
    }

    /** The Negotiate token of the sample's authenticated GET, as the HTTP/1.1 exchange in TLS hands it on. */
    private static byte[] sampleApReq() throws Exception {
        StreamDriver d = TlsKeyLogTest.replay("tls13", TlsKeyLogTest.fixtures().resolve("tls13.keylog"));
        return d.ctx.calls.stream().filter(c -> c.table().equals("http.auth") && c.bytes().length > 500)
                .findFirst().orElseThrow().bytes();
    }

    @Test
    void anHttp2ExchangeIsReadAsHttpMessages() throws Exception {
        StreamDriver d = replay("h2-negotiate", "h2-negotiate");
        assertTrue(d.ctx.diagnostics.isEmpty(), d.ctx.diagnostics.toString());
        List<Map<String, Object>> http = d.ctx.fields("http");
        assertEquals(List.of("request", "response", "request", "response"), http.stream().map(e -> e.get("kind")).toList(),
                http.toString());
        assertEquals(List.of(1, 1, 3, 3), http.stream().map(e -> e.get("stream")).toList());
        assertTrue(http.stream().allMatch(e -> "HTTP/2".equals(e.get("version")) && "decrypted".equals(e.get("tls"))),
                http.toString());
        // :method, :path and :authority (the Host); curl's second request names them from its dynamic table
        for (int i : new int[] {0, 2}) {
            assertEquals("GET", http.get(i).get("method"));
            assertEquals("/", http.get(i).get("uri"));
            assertTrue(String.valueOf(http.get(i).get("host")).startsWith("iisserver.contoso.com:"), http.get(i).toString());
        }
        assertEquals(401, http.get(1).get("status"));
        assertEquals(List.of("Negotiate", "NTLM"), http.get(1).get("wwwAuthenticate"));
        assertEquals("Microsoft-IIS/10.0", http.get(1).get("server"));
        assertEquals(Map.of("scheme", "Negotiate", "token", "kerberos"), http.get(2).get("authorization"));
        // the server's second head names its Server field from its dynamic table (index 65)
        assertEquals(200, http.get(3).get("status"));
        assertEquals("Microsoft-IIS/10.0", http.get(3).get("server"));
        assertEquals("kerberos", http.get(3).get("negotiateTokenKind"));
        // curl Huffman-coded the 800-byte Authorization value: the token handed on is the sample's, byte for byte
        List<RecordingContext.Call> tokens = d.ctx.calls.stream().filter(c -> c.table().equals("http.auth")).toList();
        assertArrayEquals(sampleApReq(), tokens.stream().filter(c -> c.bytes().length > 500).findFirst().orElseThrow()
                .bytes());
        // curl closes stream 1 itself after the 401 (its body was not needed); nobody asked for HTTP/1.1
        List<Map<String, Object>> h2 = d.ctx.fields("http2");
        assertTrue(h2.stream().allMatch(e -> "rstStream".equals(e.get("kind")) && !"HTTP_1_1_REQUIRED".equals(e.get("error"))),
                h2.toString());
    }

    /**
     * HTTP.sys declines Windows authentication over HTTP/2: the authenticated request's stream is reset. Over TLS 1.3
     * (the server's choice of h2 in EncryptedExtensions) and TLS 1.2 (in the ServerHello).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"h2-http11-required", "h2-tls12-http11-required"})
    void aResetWithHttp11RequiredIsAnEvent(String name) throws Exception {
        StreamDriver d = replay(name + "-1", name);
        assertTrue(d.ctx.diagnostics.isEmpty(), d.ctx.diagnostics.toString());
        List<Map<String, Object>> http = d.ctx.fields("http");
        assertEquals(List.of("request", "response", "request"), http.stream().map(e -> e.get("kind")).toList());
        Map<String, Object> reset = d.ctx.fields("http2").stream().filter(e -> "HTTP_1_1_REQUIRED".equals(e.get("error")))
                .findFirst().orElseThrow(() -> new AssertionError(d.ctx.fields("http2")));
        assertEquals("rstStream", reset.get("kind"));
        assertEquals(3, reset.get("stream"));
        assertEquals(13L, reset.get("errorCode"));
        // the retry on the second connection is HTTP/1.1 (ALPN http/1.1), read as before
        StreamDriver retry = replay(name + "-2", name);
        assertEquals(List.of("HTTP/1.1", "HTTP/1.1"), retry.ctx.fields("http").stream().map(e -> e.get("version")).toList());
    }

    /**
     * A key log with the application secrets only (no handshake secrets: EncryptedExtensions, where TLS 1.3 names the
     * server's ALPN choice, stays closed), and the server's SETTINGS before the client's preface, as a server sends
     * them: the server's side is read as HTTP/2 all the same.
     */
    @Test
    void theServersSettingsBeforeThePrefaceAreHttp2(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        org.kerbscope.testing.Tls13Records tls = new org.kerbscope.testing.Tls13Records();
        java.nio.file.Path keylog = java.nio.file.Files.writeString(dir.resolve("keys.log"), tls.keyLog());
        RecordingContext ctx = new RecordingContext();
        ctx.options = AnalysisOptions.defaults().withTlsKeylogs(List.of(keylog));
        StreamDriver d = new StreamDriver(new TlsDissector(), "tls", TlsKeyLogTest.CLIENT, TlsKeyLogTest.SERVER, ctx);
        java.util.HexFormat hex = java.util.HexFormat.of();
        byte[] settings = hex.parseHex("000006040000000000" + "000300000064");
        byte[] request = hex.parseHex("505249202a20485454502f322e300d0a0d0a534d0d0a0d0a" + "000000040000000000"
                + "000011010500000001" + "82868441" + "8cf1e3c2e5f23a6ba0ab90f4ff");
        byte[] answer = hex.parseHex("000021010500000001" + "4803343031" + "4010" + hex.formatHex("www-authenticate".getBytes())
                + "09" + hex.formatHex("Negotiate".getBytes()));
        long frame = 1;
        d.segment(true, tls.clientHello("h2", "http/1.1"), frame++);
        d.segment(false, tls.serverHello(), frame++);
        d.segment(false, tls.seal(true, settings, 23), frame++);
        d.segment(true, tls.seal(false, request, 23), frame++);
        d.segment(false, tls.seal(true, answer, 23), frame++);
        assertTrue(d.ctx.diagnostics.isEmpty(), d.ctx.diagnostics.toString());
        List<Map<String, Object>> http = d.ctx.fields("http");
        assertEquals(List.of("request", "response"), http.stream().map(e -> e.get("kind")).toList(), http.toString());
        assertEquals("www.example.com", http.get(0).get("host"));
        assertEquals(401, http.get(1).get("status"));
        assertEquals(List.of("Negotiate"), http.get(1).get("wwwAuthenticate"));
    }

    /** Frame details: each HTTP/2 frame under the decrypted record, the decoded header list as a source of its own. */
    @Test
    void theFramesAndHeaderListsAreInTheFrameDetails() throws Exception {
        RecordingContext ctx = new RecordingContext();
        ctx.options = AnalysisOptions.defaults().withTlsKeylogs(List.of(TlsKeyLogTest.fixtures().resolve("h2-negotiate.keylog")));
        ctx.tree = new FieldNode("frame", "Frame", null, new ByteRange(0, 1 << 20));
        StreamDriver d = new StreamDriver(new TlsDissector(), "tls", TlsKeyLogTest.CLIENT, TlsKeyLogTest.SERVER, ctx);
        long frame = 1;
        for (TlsKeyLogTest.Write w : TlsKeyLogTest.transcript("h2-negotiate")) {
            if (w.bytes() != null) {
                d.segment(w.fromClient(), w.bytes(), 0, w.bytes().length, frame++);
            }
        }
        List<FieldNode> frames = new ArrayList<>();
        TlsKeyLogTest.collect(ctx.tree, "http2.frame", frames);
        List<String> labels = frames.stream().map(FieldNode::label).toList();
        assertTrue(labels.contains("HTTP/2 HEADERS, stream 1, END_STREAM, END_HEADERS (" + headersLength(frames, 1) + " bytes)"),
                labels.toString());
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("HTTP/2 SETTINGS, stream 0")), labels.toString());
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("HTTP/2 DATA, stream 3, END_STREAM (2 bytes)")), labels.toString());
        List<FieldNode> lists = new ArrayList<>();
        TlsKeyLogTest.collect(ctx.tree, "http2.header_block", lists);
        assertEquals(4, lists.size(), labels.toString());
        assertEquals("HTTP/2 header list (decoded)", lists.get(0).source());
        List<FieldNode> codes = new ArrayList<>();
        TlsKeyLogTest.collect(lists.get(1), "http.response.code", codes);
        assertEquals(401, codes.get(0).value());
    }

    private static int headersLength(List<FieldNode> frames, int stream) {
        String prefix = "HTTP/2 HEADERS, stream " + stream + ",";
        String l = frames.stream().map(FieldNode::label).filter(s -> s.startsWith(prefix)).findFirst().orElseThrow();
        return Integer.parseInt(l.substring(l.lastIndexOf('(') + 1, l.indexOf(" bytes")));
    }
}
