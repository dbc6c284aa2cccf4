package org.kerbscope.dissect.http.tests;

import org.kerbscope.testing.RecordingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.kerbscope.dissect.http.HttpDissector;

/**
 * The project's HTTP fixtures: a real {@link HttpServer} on loopback that challenges with Negotiate and NTLM
 * and answers an NTLM handshake with a CHALLENGE_MESSAGE built from MS-NLMP section 2.2.1.2, plus handlers for
 * each framing case; and helpers that feed recorded byte streams to the dissector.
 */
final class Recordings {
    static final int FIXED_BODY = 3000;

    private Recordings() {
    }

    /** Starts the server; the caller stops it. */
    static HttpServer server() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/protected", Recordings::protectedResource);
        s.createContext("/fixed", ex -> {
            byte[] body = new byte[FIXED_BODY];
            java.util.Arrays.fill(body, (byte) 'x');
            drain(ex);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Content-Length", Integer.toString(FIXED_BODY));
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        s.createContext("/chunked", ex -> {
            drain(ex);
            ex.sendResponseHeaders(200, 0); // 0: the JDK server sends the body chunked
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 3; i++) {
                    out.write(("piece " + i + " of a chunked body\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        });
        s.createContext("/empty", ex -> {
            drain(ex);
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        s.createContext("/notmodified", ex -> {
            drain(ex);
            ex.sendResponseHeaders(304, -1);
            ex.close();
        });
        s.createContext("/upload", ex -> {
            byte[] got = ex.getRequestBody().readAllBytes();
            byte[] body = ("received " + got.length + " bytes").getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        return s;
    }

    private static void drain(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
    }

    /** IIS's answer shape: 401 offering Negotiate then NTLM; an NTLM handshake; 200 once authenticated. */
    private static void protectedResource(HttpExchange ex) throws IOException {
        drain(ex);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] body = "<html><body>401 - Unauthorized</body></html>".getBytes(StandardCharsets.US_ASCII);
        int status = 401;
        if (auth == null) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Negotiate");
            ex.getResponseHeaders().add("WWW-Authenticate", "NTLM");
        } else if (auth.startsWith("NTLM ")) {
            byte[] msg = Base64.getDecoder().decode(auth.substring(5).strip());
            int type = msg.length >= 12 ? msg[8] : 0;
            if (type == 1) {
                ex.getResponseHeaders().add("WWW-Authenticate", "NTLM " + Base64.getEncoder().encodeToString(challenge()));
            } else {
                status = 200;
                body = "<html><body>Welcome</body></html>".getBytes(StandardCharsets.US_ASCII);
                ex.getResponseHeaders().add("Persistent-Auth", "true");
            }
        } else {
            ex.getResponseHeaders().add("WWW-Authenticate", "Negotiate");
        }
        ex.getResponseHeaders().add("Server", "Microsoft-IIS/10.0");
        ex.getResponseHeaders().add("Content-Type", "text/html");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    /** An NTLM CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2) for domain CONTOSO, server IISSERVER, with target info. */
    static byte[] challenge() {
        byte[] target = "CONTOSO".getBytes(StandardCharsets.UTF_16LE);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        avPair(info, 2, "CONTOSO"); // MsvAvNbDomainName
        avPair(info, 1, "IISSERVER"); // MsvAvNbComputerName
        avPair(info, 4, "contoso.com"); // MsvAvDnsDomainName
        avPair(info, 3, "iisserver.contoso.com"); // MsvAvDnsComputerName
        info.write(0); // MsvAvEOL
        info.write(0);
        info.write(0);
        info.write(0);
        byte[] ti = info.toByteArray();
        int payload = 56;
        ByteBuffer b = ByteBuffer.allocate(payload + target.length + ti.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII));
        b.putInt(2);
        b.putShort((short) target.length).putShort((short) target.length).putInt(payload);
        b.putInt(0xa2898205); // unicode, request target, NTLM, always sign, domain target, ESS, target info, version, 128, 56
        b.put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}); // server challenge
        b.put(new byte[8]);
        b.putShort((short) ti.length).putShort((short) ti.length).putInt(payload + target.length);
        b.put(new byte[] {10, 0, 0x63, 0x45, 0, 0, 0, 15}); // version 10.0.17763, NTLM revision 15
        b.put(target);
        b.put(ti);
        return b.array();
    }

    private static void avPair(ByteArrayOutputStream out, int id, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_16LE);
        out.write(id);
        out.write(0);
        out.write(v.length);
        out.write(v.length >> 8);
        out.writeBytes(v);
    }

    /** Writes {@code request} on a fresh connection and reads until the peer closes or falls silent. */
    static byte[] exchange(int port, byte[]... writes) throws IOException, InterruptedException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(700);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (byte[] w : writes) {
                s.getOutputStream().write(w);
                s.getOutputStream().flush();
                readSome(s, got);
            }
            return got.toByteArray();
        }
    }

    private static void readSome(Socket s, ByteArrayOutputStream got) throws IOException {
        byte[] buf = new byte[8192];
        InputStream in = s.getInputStream();
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // silent for a while: the answer so far is all there is
        }
    }

    /**
     * A raw server for what the JDK server will not do: answers each connection with {@code answers}, one per
     * read of the client's bytes, and closes after the last one.
     */
    static ServerSocket rawServer(byte[]... answers) throws IOException {
        ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    try (Socket s = ss.accept()) {
                        s.setSoTimeout(2000);
                        byte[] buf = new byte[8192];
                        for (byte[] a : answers) {
                            if (s.getInputStream().read(buf) <= 0) {
                                break;
                            }
                            s.getOutputStream().write(a);
                            s.getOutputStream().flush();
                        }
                    } catch (IOException e) {
                        // next connection
                    }
                }
            } catch (RuntimeException e) {
                // closed
            }
        }, "raw-http-server");
        t.setDaemon(true);
        t.start();
        return ss;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ feeding

    /** Feeds one recorded connection, one frame per recorded read; events carry their frame as "frame". */
    static RecordingContext feed(List<Relay.Chunk> chunks) {
        StreamDriver d = new StreamDriver(new HttpDissector());
        long frame = 1;
        for (Relay.Chunk c : chunks) {
            d.segment(c.fromClient(), c.bytes(), frame++);
        }
        return d.ctx;
    }

    /** The two directions of a recording, each as one byte stream. */
    static byte[][] streams(List<Relay.Chunk> chunks) {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (Relay.Chunk ch : chunks) {
            (ch.fromClient() ? c : s).writeBytes(ch.bytes());
        }
        return new byte[][] {c.toByteArray(), s.toByteArray()};
    }

    /** Events with their frame and without the frame-independent noise, for comparing two feedings. */
    static List<Map<String, Object>> withFrames(RecordingContext ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RecordingContext.Emitted e : ctx.events) {
            Map<String, Object> m = new LinkedHashMap<>(e.fields());
            m.put("frame", e.frame());
            out.add(m);
        }
        return out;
    }

    static List<Map<String, Object>> withoutFrames(RecordingContext ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RecordingContext.Emitted e : ctx.events) {
            out.add(new LinkedHashMap<>(e.fields()));
        }
        return out;
    }
}
