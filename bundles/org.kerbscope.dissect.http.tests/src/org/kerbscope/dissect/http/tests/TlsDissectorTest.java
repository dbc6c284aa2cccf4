package org.kerbscope.dissect.http.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.http.TlsDissector;
import org.kerbscope.testing.RecordingContext;

/**
 * The clear part of real TLS connections: the JDK's TLS stack (a client and a server SSLEngine, with a certificate
 * keytool makes) shakes hands in memory, and the bytes each side writes go through the TLS dissector as TCP
 * segments of a capture would.
 */
class TlsDissectorTest {
    private static final Endpoint CLIENT = new Endpoint("192.0.2.10", 50443);
    private static final Endpoint SERVER = new Endpoint("192.0.2.80", 443);

    /** One side's bytes in the order they were written, and the protocol the handshake agreed on. */
    record Exchange(List<byte[]> fromClient, List<byte[]> fromServer, List<Boolean> order, String protocol) {
    }

    private static SSLContext serverContext;
    private static SSLContext clientContext;

    @BeforeAll
    static void keys(@TempDir Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "web", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=web.contoso.com",
                "-ext", "SAN=dns:web.contoso.com", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(ks.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
    }

    /** A whole handshake between a client asking for {@code sni} and the server, then {@code appBytes} of data. */
    static Exchange handshake(String version, String sni, int appBytes) throws Exception {
        SSLEngine client = clientContext.createSSLEngine(sni, 443);
        client.setUseClientMode(true);
        SSLParameters cp = client.getSSLParameters();
        cp.setServerNames(List.of(new SNIHostName(sni)));
        cp.setApplicationProtocols(new String[] {"http/1.1"});
        cp.setProtocols(new String[] {version});
        client.setSSLParameters(cp);
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        SSLParameters sp = server.getSSLParameters();
        sp.setApplicationProtocols(new String[] {"http/1.1"});
        server.setSSLParameters(sp);
        List<byte[]> c2s = new ArrayList<>();
        List<byte[]> s2c = new ArrayList<>();
        List<Boolean> order = new ArrayList<>();
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 50 && !(done(client) && done(server)); round++) {
            step(client, toServer, toClient, app, c2s, order, true);
            step(server, toClient, toServer, app, s2c, order, false);
        }
        assertTrue(done(client) && done(server), "the handshake did not complete");
        if (appBytes > 0) {
            ByteBuffer data = ByteBuffer.wrap(new byte[appBytes]);
            while (data.hasRemaining()) {
                ByteBuffer net = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
                client.wrap(data, net);
                net.flip();
                c2s.add(Arrays.copyOf(net.array(), net.limit()));
                order.add(true);
            }
        }
        return new Exchange(c2s, s2c, order, client.getSession().getProtocol());
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** Lets one engine read what the peer wrote and write what it has to say; records what it wrote. */
    private static void step(SSLEngine e, ByteBuffer out, ByteBuffer in, ByteBuffer app, List<byte[]> written,
            List<Boolean> order, boolean fromClient) throws Exception {
        in.flip();
        while (in.hasRemaining() && e.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
            SSLEngineResult r = e.unwrap(in, app);
            app.clear();
            runTasks(e);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                break;
            }
        }
        in.compact();
        runTasks(e);
        while (e.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            ByteBuffer net = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
            e.wrap(ByteBuffer.allocate(0), net);
            runTasks(e);
            net.flip();
            if (net.hasRemaining()) {
                byte[] b = Arrays.copyOf(net.array(), net.limit());
                written.add(b);
                order.add(fromClient);
                out.put(b);
            }
        }
    }

    private static void runTasks(SSLEngine e) {
        Runnable t;
        while ((t = e.getDelegatedTask()) != null) {
            t.run();
        }
    }

    /** Feeds the exchange to the dissector in segments of at most {@code mss} bytes, in the order written. */
    static StreamDriverTls replay(Exchange x, int mss) {
        return replay(x, mss, new StreamDriverTls(), 1);
    }

    /** As {@link #replay(Exchange, int)}, into driver {@code d}, numbering frames from {@code frame}. */
    static <D extends org.kerbscope.testing.StreamDriver> D replay(Exchange x, int mss, D d, long frame) {
        int ci = 0;
        int si = 0;
        for (boolean fromClient : x.order()) {
            byte[] b = fromClient ? x.fromClient().get(ci++) : x.fromServer().get(si++);
            for (int off = 0; off < b.length; off += mss) {
                d.segment(fromClient, b, off, Math.min(mss, b.length - off), frame++);
            }
        }
        return d;
    }

    static final class StreamDriverTls extends org.kerbscope.testing.StreamDriver {
        StreamDriverTls() {
            super(new TlsDissector(), "tls", CLIENT, SERVER, new RecordingContext());
        }
    }

    private static List<Map<String, Object>> events(StreamDriverTls d) {
        return d.ctx.events.stream().filter(e -> e.protocol().equals("tls")).map(RecordingContext.Emitted::fields).toList();
    }

    @Test
    void aTls13HandshakeNamesItsSiteAndTheRestIsPassedOver() throws Exception {
        Exchange x = handshake("TLSv1.3", "web.contoso.com", 200_000);
        assertEquals("TLSv1.3", x.protocol());
        StreamDriverTls d = replay(x, 1460);
        List<Map<String, Object>> ev = events(d);
        assertEquals(2, ev.size(), ev.toString());
        assertEquals("clientHello", ev.get(0).get("kind"));
        assertEquals("web.contoso.com", ev.get(0).get("sni"));
        assertEquals(List.of("http/1.1"), ev.get(0).get("alpn"));
        assertEquals("TLS 1.3", ev.get(0).get("version"));
        assertEquals("serverHello", ev.get(1).get("kind"));
        assertEquals("TLS 1.3", ev.get(1).get("version"));
        assertTrue(d.ctx.diagnostics.isEmpty(), d.ctx.diagnostics.toString());
        assertFalse(d.rejected(true));
        // 200 kB of encrypted data after the hellos are passed over, never buffered
        assertTrue(d.maxBuffered <= 2 * 1460 + 5, "buffered " + d.maxBuffered);
    }

    @Test
    void aTls12HandshakeToo() throws Exception {
        Exchange x = handshake("TLSv1.2", "intranet.contoso.com", 0);
        assertEquals("TLSv1.2", x.protocol());
        List<Map<String, Object>> ev = events(replay(x, 536));
        assertEquals(List.of("clientHello", "serverHello"), ev.stream().map(e -> e.get("kind")).toList());
        assertEquals("intranet.contoso.com", ev.get(0).get("sni"));
        assertEquals("TLS 1.2", ev.get(1).get("version"));
        assertEquals(List.of("http/1.1"), ev.get(1).get("alpn"));
    }

    @Test
    void aClientHelloSplitAcrossTwoRecordsIsPutTogether() throws Exception {
        byte[] hello = handshake("TLSv1.3", "web.contoso.com", 0).fromClient().get(0);
        int len = (hello[3] & 0xff) << 8 | (hello[4] & 0xff);
        int first = len / 3;
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.write(new byte[] {22, 3, 1, (byte) (first >> 8), (byte) first});
        two.write(hello, 5, first);
        two.write(new byte[] {22, 3, 1, (byte) ((len - first) >> 8), (byte) (len - first)});
        two.write(hello, 5 + first, len - first);
        StreamDriverTls d = new StreamDriverTls();
        byte[] b = two.toByteArray();
        d.segment(true, b, 0, b.length, 1);
        List<Map<String, Object>> ev = events(d);
        assertEquals(1, ev.size(), ev.toString());
        assertEquals("web.contoso.com", ev.get(0).get("sni"));
    }

    @Test
    void aFatalAlertInsteadOfAServerHello() throws Exception {
        byte[] hello = handshake("TLSv1.3", "web.contoso.com", 0).fromClient().get(0);
        StreamDriverTls d = new StreamDriverTls();
        d.segment(true, hello, 0, hello.length, 1);
        byte[] alert = {21, 3, 3, 0, 2, 2, 112};
        d.segment(false, alert, 0, alert.length, 2);
        Map<String, Object> a = events(d).get(1);
        assertEquals("alert", a.get("kind"));
        assertEquals("fatal", a.get("level"));
        assertEquals("unrecognized_name", a.get("description"));
        assertEquals(112, a.get("code"));
    }

    @Test
    void aTls12ClientRefusingTheCertificateSaysSoInClear() throws Exception {
        Exchange x = handshake("TLSv1.2", "intranet.contoso.com", 0);
        StreamDriverTls d = new StreamDriverTls();
        byte[] hello = x.fromClient().get(0);
        d.segment(true, hello, 0, hello.length, 1);
        byte[] flight = x.fromServer().get(0); // ServerHello, Certificate, ServerKeyExchange, ServerHelloDone
        d.segment(false, flight, 0, flight.length, 2);
        byte[] alert = {21, 3, 3, 0, 2, 2, 46};
        d.segment(true, alert, 0, alert.length, 3);
        List<Map<String, Object>> ev = events(d);
        assertEquals(List.of("clientHello", "serverHello", "alert"), ev.stream().map(e -> e.get("kind")).toList());
        assertEquals("certificate_unknown", ev.get(2).get("description"));
        assertEquals(3L, d.ctx.events.get(2).frame());
    }

    @Test
    void afterTheFirstEncryptedRecordNothingIsReadAsAnAlert() throws Exception {
        Exchange x = handshake("TLSv1.2", "intranet.contoso.com", 0);
        StreamDriverTls d = new StreamDriverTls();
        byte[] hello = x.fromClient().get(0);
        d.segment(true, hello, 0, hello.length, 1);
        byte[] data = {23, 3, 3, 0, 3, 1, 2, 3, 21, 3, 3, 0, 2, 2, 40};
        d.segment(true, data, 0, data.length, 2);
        // a warning before it is read, and does not end the handshake
        StreamDriverTls w = new StreamDriverTls();
        w.segment(true, hello, 0, hello.length, 1);
        byte[] warning = {21, 3, 3, 0, 2, 1, 0, 21, 3, 3, 0, 2, 2, 40};
        w.segment(false, warning, 0, warning.length, 2);
        assertEquals(List.of("clientHello"), events(d).stream().map(e -> e.get("kind")).toList());
        assertEquals(List.of("warning", "fatal"), events(w).stream().filter(e -> e.get("kind").equals("alert"))
                .map(e -> e.get("level")).toList());
    }

    @Test
    void onlyAClientHelloOpensATlsConversation() throws Exception {
        byte[] hello = handshake("TLSv1.3", "web.contoso.com", 0).fromClient().get(0);
        TlsDissector t = new TlsDissector();
        assertTrue(t.accepts(Pdu.detached(ByteBuffer.wrap(hello), "t"), "tcp"));
        assertFalse(t.accepts(Pdu.detached(ByteBuffer.wrap(hello), "t"), "udp"));
        assertFalse(t.accepts(Pdu.detached(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes()), "t"), "tcp"));
        byte[] serverHello = {22, 3, 3, 0, 40, 2, 0, 0, 36};
        assertFalse(t.accepts(Pdu.detached(ByteBuffer.wrap(serverHello), "t"), "tcp"));
    }

    /**
     * Through a web proxy: the browser's CONNECT, the proxy's 200, then a real TLS 1.3 handshake and 100 kB of data in
     * the tunnel, all on one connection read by the HTTP dissector. The tunnel's hellos are read as TLS (the site's name
     * is in them); its encrypted data is passed over, never buffered.
     */
    @Test
    void aProxyTunnelsTlsIsReadThroughTheHttpDissector() throws Exception {
        Exchange x = handshake("TLSv1.3", "web.contoso.com", 100_000);
        org.kerbscope.testing.StreamDriver d = new org.kerbscope.testing.StreamDriver(new org.kerbscope.dissect.http.HttpDissector(),
                "http", CLIENT, new Endpoint("192.0.2.8", 8080), new RecordingContext());
        byte[] connect = "CONNECT web.contoso.com:443 HTTP/1.1\r\nHost: web.contoso.com:443\r\n\r\n".getBytes();
        d.segment(true, connect, 0, connect.length, 1);
        byte[] ok = "HTTP/1.1 200 Connection established\r\n\r\n".getBytes();
        d.segment(false, ok, 0, ok.length, 2);
        replay(x, 536, d, 3);
        List<String> kinds = d.ctx.events.stream().map(e -> e.protocol() + ":" + e.fields().get("kind")).toList();
        assertEquals(List.of("http:request", "http:response", "tls:clientHello", "tls:serverHello"), kinds);
        assertEquals("web.contoso.com", d.ctx.events.get(2).fields().get("sni"));
        assertTrue(d.ctx.diagnostics.isEmpty(), d.ctx.diagnostics.toString());
        assertTrue(d.maxBuffered <= 2 * 536 + 5, "buffered " + d.maxBuffered);
    }

    /** Bytes are hostile: every byte of a real ClientHello set to 0xff, 0x00 or 0x80 in turn, and every length cut. */
    @Test
    void aDamagedHelloIsMalformedNeverAnException() throws Exception {
        byte[] hello = handshake("TLSv1.3", "web.contoso.com", 0).fromClient().get(0);
        for (int i = 0; i < hello.length; i++) {
            for (byte v : new byte[] {(byte) 0xff, 0, (byte) 0x80}) {
                byte[] b = hello.clone();
                b[i] = v;
                StreamDriverTls d = new StreamDriverTls();
                d.segment(true, b, 0, b.length, 1);
                if (events(d).size() == 1 && events(d).get(0).get("sni") != null) {
                    assertTrue(((String) events(d).get(0).get("sni")).length() <= hello.length);
                }
            }
        }
        for (int cut = 6; cut < hello.length; cut += 7) {
            byte[] b = Arrays.copyOf(hello, cut);
            b[3] = (byte) ((cut - 5) >> 8);
            b[4] = (byte) (cut - 5);
            StreamDriverTls d = new StreamDriverTls();
            d.segment(true, b, 0, b.length, 1);
            List<Map<String, Object>> ev = events(d);
            assertTrue(ev.isEmpty() || !d.ctx.diagnostics.isEmpty() || ev.get(0).get("kind").equals("clientHello"),
                    "cut at " + cut + ": " + ev + " " + d.ctx.diagnostics);
        }
    }
}
