package org.kerbscope.dissect.http.tests;

import org.kerbscope.testing.RecordingContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dissector on traffic the JDK's own HTTP server and clients produced, recorded through a loopback relay:
 * the 401 challenge an IIS site gives, an NTLM handshake made by {@link HttpURLConnection}, and each framing
 * case (fixed length, chunked, HEAD, 204, 304, pipelining, 100-continue, a body that runs to the close).
 */
class HttpRecordedTest {
    private static HttpServer server;
    private static InetSocketAddress address;

    @BeforeAll
    static void start() throws Exception {
        server = Recordings.server();
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void challengeOffersNegotiateThenNtlm() throws Exception {
        List<Relay.Chunk> rec;
        try (Relay relay = new Relay(address)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + relay.port() + "/protected/index.html")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode());
            relay.settle();
            rec = relay.chunks(0);
        }
        RecordingContext ctx = Recordings.feed(rec);
        List<Map<String, Object>> ev = ctx.fields("http");
        assertEquals(2, ev.size(), ev.toString());
        Map<String, Object> req = ev.get(0);
        assertEquals("request", req.get("kind"));
        assertEquals("GET", req.get("method"));
        assertEquals("/protected/index.html", req.get("uri"));
        assertTrue(((String) req.get("host")).startsWith("127.0.0.1:"), req.toString());
        assertTrue(((String) req.get("userAgent")).startsWith("Java-http-client/"), req.toString());
        assertFalse(req.containsKey("authorization"));
        Map<String, Object> resp = ev.get(1);
        assertFalse(resp.containsKey("userAgent"), "a response has no User-Agent");
        assertEquals("response", resp.get("kind"));
        assertEquals(401, resp.get("status"));
        assertEquals(List.of("Negotiate", "NTLM"), resp.get("wwwAuthenticate"));
        assertEquals("Microsoft-IIS/10.0", resp.get("server"));
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        assertTrue(ctx.calls.isEmpty(), "a challenge without a token hands nothing on");
    }

    @Test
    void ntlmHandshakeOfHttpUrlConnection() throws Exception {
        List<Relay.Chunk> rec = new java.util.ArrayList<>();
        try (Relay relay = new Relay(address)) {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + relay.port() + "/protected/ntlm").toURL()
                    .openConnection();
            c.setAuthenticator(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication("CONTOSO\\John", "Passw0rd!".toCharArray());
                }
            });
            assertEquals(200, c.getResponseCode());
            c.getInputStream().readAllBytes();
            relay.settle();
            for (int i = 0; i < relay.connections(); i++) {
                rec.addAll(relay.chunks(i));
            }
        }
        RecordingContext ctx = Recordings.feed(rec);
        List<Map<String, Object>> ev = ctx.fields("http");
        List<Map<String, Object>> requests = ev.stream().filter(e -> e.get("kind").equals("request")).toList();
        List<Map<String, Object>> responses = ev.stream().filter(e -> e.get("kind").equals("response")).toList();
        assertEquals(List.of("Negotiate", "NTLM"), responses.get(0).get("wwwAuthenticate"));
        assertEquals(200, responses.get(responses.size() - 1).get("status"));
        assertEquals(Boolean.TRUE, responses.get(responses.size() - 1).get("persistentAuth"));
        // the client answered the Negotiate+NTLM offer with NTLM: NEGOTIATE, then AUTHENTICATE
        List<Map<String, Object>> ntlm = requests.stream().filter(r -> r.containsKey("authorization")).toList();
        assertEquals(2, ntlm.size(), requests.toString());
        for (Map<String, Object> r : ntlm) {
            assertEquals(Map.of("scheme", "NTLM", "token", "ntlm"), r.get("authorization"));
            assertTrue((Integer) r.get("authorizationLength") > 20);
        }
        // every NTLM token went to the http.auth table, decoded: type 1, the server's type 2, type 3
        List<Integer> types = ctx.calls.stream().filter(k -> k.table().equals("http.auth") && k.key().equals("ntlm"))
                .map(k -> (int) k.bytes()[8]).toList();
        assertEquals(List.of(1, 2, 3), types);
        assertTrue(ctx.calls.stream().allMatch(k -> new String(k.bytes(), 0, 8, StandardCharsets.ISO_8859_1)
                .equals("NTLMSSP\0")));
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
    }

    @Test
    void pipelinedRequestsWithEveryBodyKind() throws Exception {
        String host = "Host: 127.0.0.1\r\n";
        byte[] pipeline = Recordings.ascii("GET /fixed HTTP/1.1\r\n" + host + "\r\n"
                + "HEAD /fixed HTTP/1.1\r\n" + host + "\r\n"
                + "GET /chunked HTTP/1.1\r\n" + host + "\r\n"
                + "GET /empty HTTP/1.1\r\n" + host + "\r\n"
                + "GET /notmodified HTTP/1.1\r\n" + host + "If-None-Match: \"x\"\r\n\r\n"
                + "GET /fixed HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
        List<Relay.Chunk> rec;
        try (Relay relay = new Relay(address)) {
            byte[] answer = Recordings.exchange(relay.port(), pipeline);
            assertTrue(new String(answer, StandardCharsets.ISO_8859_1).contains("HTTP/1.1 304"));
            relay.settle();
            rec = relay.chunks(0);
        }
        RecordingContext ctx = Recordings.feed(rec);
        List<Map<String, Object>> ev = ctx.fields("http");
        List<Object> statuses = ev.stream().filter(e -> e.get("kind").equals("response")).map(e -> e.get("status")).toList();
        List<Object> uris = ev.stream().filter(e -> e.get("kind").equals("request")).map(e -> e.get("uri")).toList();
        assertEquals(List.of("/fixed", "/fixed", "/chunked", "/empty", "/notmodified", "/fixed"), uris);
        assertEquals(List.of(200, 200, 200, 204, 304, 200), statuses, ev.toString());
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        everySplitAgrees(rec);
    }

    @Test
    void bodiesArePassedOverNotBuffered() throws Exception {
        List<Relay.Chunk> rec;
        try (Relay relay = new Relay(address)) {
            Recordings.exchange(relay.port(), Recordings.ascii("GET /fixed HTTP/1.1\r\nHost: a\r\n\r\n"));
            relay.settle();
            rec = relay.chunks(0);
        }
        byte[][] st = Recordings.streams(rec);
        StreamDriver d = new StreamDriver(new org.kerbscope.dissect.http.HttpDissector());
        d.segment(true, st[0], 1);
        int head = new String(st[1], StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
        long frame = 2;
        for (int i = 0; i < st[1].length; i += 100) {
            d.segment(false, st[1], i, Math.min(100, st[1].length - i), frame++);
        }
        assertTrue(d.maxBuffered <= head + 100, "buffered " + d.maxBuffered + " bytes for a " + head + "-byte head");
        List<RecordingContext.Emitted> ev = d.ctx.events;
        assertEquals(2, ev.size());
        // the response belongs to the frame with the body's last byte, as Wireshark numbers it
        assertEquals(frame - 1, ev.get(1).frame());
        assertEquals((long) Recordings.FIXED_BODY, ev.get(1).fields().get("contentLength"));
    }

    @Test
    void expectContinueUpload() throws Exception {
        byte[] head = Recordings.ascii("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\n"
                + "Expect: 100-continue\r\n\r\n");
        List<Relay.Chunk> rec;
        try (Relay relay = new Relay(address)) {
            byte[] got = Recordings.exchange(relay.port(), head, Recordings.ascii("hello world"));
            String text = new String(got, StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 100 Continue"), text);
            relay.settle();
            rec = relay.chunks(0);
        }
        RecordingContext ctx = Recordings.feed(rec);
        List<Map<String, Object>> ev = ctx.fields("http");
        assertEquals(List.of("request", "response", "response"), ev.stream().map(e -> e.get("kind")).toList());
        assertEquals(100, ev.get(1).get("status"));
        assertEquals(200, ev.get(2).get("status"));
        everySplitAgrees(rec);
    }

    @Test
    void unauthorizedBeforeTheBodyThenTheNextRequest() throws Exception {
        // IIS answers 401 to a 100-continue request at once; the client gives up the body and retries
        byte[] deny = Recordings.ascii("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\n"
                + "Content-Length: 0\r\n\r\n");
        byte[] ok = Recordings.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        List<Relay.Chunk> rec;
        try (ServerSocket raw = Recordings.rawServer(deny, ok);
                Relay relay = new Relay(new InetSocketAddress(InetAddress.getLoopbackAddress(), raw.getLocalPort()))) {
            Recordings.exchange(relay.port(),
                    Recordings.ascii("PUT /doc HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n"),
                    Recordings.ascii("GET /doc HTTP/1.1\r\nHost: a\r\n\r\n"));
            relay.settle();
            rec = relay.chunks(0);
        }
        RecordingContext ctx = Recordings.feed(rec);
        List<Map<String, Object>> ev = ctx.fields("http");
        assertEquals(List.of("PUT", "GET"), ev.stream().filter(e -> e.get("kind").equals("request"))
                .map(e -> e.get("method")).toList(), ev.toString());
        assertEquals(List.of(401, 200), ev.stream().filter(e -> e.get("kind").equals("response"))
                .map(e -> e.get("status")).toList());
    }

    @Test
    void bodyToTheEndOfTheConnection() throws Exception {
        byte[] answer = Recordings.ascii("HTTP/1.0 200 OK\r\nServer: legacy\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nthis looks like a status line but is body text\r\n\r\n");
        List<Relay.Chunk> rec;
        try (ServerSocket raw = Recordings.rawServer(answer);
                Relay relay = new Relay(new InetSocketAddress(InetAddress.getLoopbackAddress(), raw.getLocalPort()))) {
            Recordings.exchange(relay.port(), Recordings.ascii("GET / HTTP/1.0\r\n\r\n"));
            relay.settle();
            rec = relay.chunks(0);
        }
        RecordingContext ctx = Recordings.feed(rec);
        List<Map<String, Object>> ev = ctx.fields("http");
        assertEquals(2, ev.size(), "the body's look-alike status line is body: " + ev);
        assertEquals("legacy", ev.get(1).get("server"));
    }

    /**
     * Splits each direction at every byte position into two segments (two frames) and checks the events stay
     * the same, each in the frame that holds its message's last byte.
     */
    static void everySplitAgrees(List<Relay.Chunk> rec) {
        byte[][] st = Recordings.streams(rec);
        // one byte per frame: the frame of an event is then its message's end offset in its direction
        StreamDriver one = new StreamDriver(new org.kerbscope.dissect.http.HttpDissector());
        for (int i = 0; i < st[0].length; i++) {
            one.segment(true, st[0], i, 1, i + 1);
        }
        for (int i = 0; i < st[1].length; i++) {
            one.segment(false, st[1], i, 1, 100_000 + i + 1);
        }
        List<Map<String, Object>> base = Recordings.withoutFrames(one.ctx);
        List<Long> ends = one.ctx.events.stream().map(RecordingContext.Emitted::frame).toList();
        for (int dir = 0; dir < 2; dir++) {
            for (int k = 1; k < st[dir].length; k++) {
                StreamDriver d = new StreamDriver(new org.kerbscope.dissect.http.HttpDissector());
                if (dir == 0) {
                    d.segment(true, st[0], 0, k, 1);
                    d.segment(true, st[0], k, st[0].length - k, 2);
                    d.segment(false, st[1], 3);
                } else {
                    d.segment(true, st[0], 1);
                    d.segment(false, st[1], 0, k, 2);
                    d.segment(false, st[1], k, st[1].length - k, 3);
                }
                assertEquals(base, Recordings.withoutFrames(d.ctx), "split at " + k + " of direction " + dir);
                for (int e = 0; e < base.size(); e++) {
                    long end = ends.get(e);
                    boolean client = end < 100_000;
                    long expected;
                    if ((dir == 0) == client) {
                        long off = client ? end : end - 100_000;
                        expected = (off <= k ? 1 : 2) + (dir == 0 ? 0 : 1);
                    } else {
                        expected = dir == 0 ? 3 : 1;
                    }
                    assertEquals(expected, d.ctx.events.get(e).frame(), "event " + e + " split at " + k);
                }
            }
        }
    }
}
