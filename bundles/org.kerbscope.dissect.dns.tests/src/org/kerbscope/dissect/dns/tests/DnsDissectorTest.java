package org.kerbscope.dissect.dns.tests;

import org.kerbscope.testing.RecordingContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.naming.Context;
import javax.naming.directory.Attributes;
import javax.naming.directory.InitialDirContext;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.ByteRange;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.dns.DnsDissector;

/**
 * The DNS dissector on queries the JDK's own DNS client (JNDI) sent to a loopback server, over UDP and, after
 * a truncated answer, over TCP; on answers built with {@link DnsEncoder}; and on hostile messages.
 */
class DnsDissectorTest {

    /** A loopback DNS server on one port for UDP and TCP that records what passed. */
    static final class FakeServer implements AutoCloseable {
        final DatagramSocket udp;
        final ServerSocket tcp;
        final List<byte[]> udpIn = new ArrayList<>();
        final List<byte[]> udpOut = new ArrayList<>();
        final ByteArrayOutputStream tcpIn = new ByteArrayOutputStream();
        final ByteArrayOutputStream tcpOut = new ByteArrayOutputStream();

        FakeServer() throws IOException {
            DatagramSocket u = null;
            ServerSocket t = null;
            for (int i = 0; i < 20 && t == null; i++) {
                u = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                try {
                    t = new ServerSocket(u.getLocalPort(), 5, InetAddress.getLoopbackAddress());
                } catch (IOException e) {
                    u.close();
                }
            }
            udp = u;
            tcp = t;
            Thread ut = new Thread(this::serveUdp, "fake-dns-udp");
            ut.setDaemon(true);
            ut.start();
            Thread tt = new Thread(this::serveTcp, "fake-dns-tcp");
            tt.setDaemon(true);
            tt.start();
        }

        int port() {
            return udp.getLocalPort();
        }

        private void serveUdp() {
            byte[] buf = new byte[1500];
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    udp.receive(p);
                    byte[] q = Arrays.copyOf(p.getData(), p.getLength());
                    byte[] r = answer(q, false);
                    synchronized (this) {
                        udpIn.add(q);
                        udpOut.add(r);
                    }
                    udp.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void serveTcp() {
            try {
                while (true) {
                    try (Socket s = tcp.accept()) {
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        int len = in.readUnsignedShort();
                        byte[] q = in.readNBytes(len);
                        byte[] r = answer(q, true);
                        synchronized (this) {
                            tcpIn.write(len >> 8);
                            tcpIn.write(len);
                            tcpIn.writeBytes(q);
                            tcpOut.write(r.length >> 8);
                            tcpOut.write(r.length);
                            tcpOut.writeBytes(r);
                        }
                        OutputStream out = s.getOutputStream();
                        out.write(new byte[] {(byte) (r.length >> 8), (byte) r.length});
                        out.write(r);
                        out.flush();
                    } catch (IOException e) {
                        // next connection
                    }
                }
            } catch (RuntimeException e) {
                // closed
            }
        }

        /** Answers as a DC would: a CNAME chain for the web site, SRV records (too big for UDP) for the KDCs. */
        static byte[] answer(byte[] q, boolean tcp) {
            int id = ((q[0] & 0xff) << 8) | (q[1] & 0xff);
            StringBuilder name = new StringBuilder();
            int p = 12;
            while (q[p] != 0) {
                if (name.length() > 0) {
                    name.append('.');
                }
                name.append(new String(q, p + 1, q[p], StandardCharsets.US_ASCII));
                p += 1 + q[p];
            }
            int type = ((q[p + 1] & 0xff) << 8) | (q[p + 2] & 0xff);
            String n = name.toString();
            DnsEncoder e = new DnsEncoder();
            if (type == 33 && !tcp) {
                return e.header(id, 0x8380, 1, 0, 0, 0).question(n, type).toBytes(); // TC: ask again over TCP
            }
            if (type == 33) {
                e.header(id, 0x8580, 1, 2, 0, 2).question(n, 33);
                e.rr(n, 33, 1, 600).u16(0).u16(100).u16(88).name("dc1.contoso.com").end();
                e.rr(n, 33, 1, 600).u16(0).u16(100).u16(88).name("dc2.contoso.com").end();
                e.a("dc1.contoso.com", "192.168.2.10", 3600);
                e.a("dc2.contoso.com", "2001:db8:0:0:0:0:0:10", 3600);
                return e.toBytes();
            }
            e.header(id, 0x8180, 1, 2, 0, 0).question(n, type);
            e.rr(n, 5, 1, 300).name("web01.contoso.com").end();
            e.a("web01.contoso.com", "192.168.2.104", 1200);
            return e.toBytes();
        }

        @Override
        public void close() throws IOException {
            udp.close();
            tcp.close();
        }
    }

    private static RecordingContext udpContext() {
        RecordingContext ctx = new RecordingContext();
        ctx.transport = "udp";
        ctx.src = StreamDriver.CLIENT;
        ctx.dst = StreamDriver.SERVER;
        return ctx;
    }

    private static void dissect(RecordingContext ctx, byte[] msg, long frame) {
        ctx.frame = frame;
        new DnsDissector().dissect(Pdu.ofFrame(ByteBuffer.wrap(msg), 42), ctx);
    }

    @Test
    void jdkResolverQueryAndCnameChain() throws Exception {
        try (FakeServer srv = new FakeServer()) {
            Hashtable<String, String> env = new Hashtable<>();
            env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
            env.put(Context.PROVIDER_URL, "dns://127.0.0.1:" + srv.port());
            env.put("com.sun.jndi.dns.timeout.retries", "1");
            InitialDirContext dir = new InitialDirContext(env);
            Attributes a = dir.getAttributes("iisserver.contoso.com", new String[] {"A"});
            assertNotNull(a.get("A"), "the JDK client read the fake server's answer: " + a);
            dir.close();
            RecordingContext ctx = udpContext();
            dissect(ctx, srv.udpIn.get(0), 1);
            dissect(ctx, srv.udpOut.get(0), 2);
            List<Map<String, Object>> ev = ctx.fields("dns");
            int id = ((srv.udpIn.get(0)[0] & 0xff) << 8) | (srv.udpIn.get(0)[1] & 0xff);
            Map<String, Object> q = ev.get(0);
            assertEquals("query", q.get("kind"));
            assertEquals(id, q.get("id"));
            assertEquals("iisserver.contoso.com", q.get("name"));
            assertEquals(1, q.get("type"));
            assertFalse(q.containsKey("answers"));
            Map<String, Object> r = ev.get(1);
            assertEquals("response", r.get("kind"));
            assertEquals(0, r.get("rcode"));
            assertEquals(List.of("web01.contoso.com", "192.168.2.104"), r.get("answers"));
            assertEquals(List.of(List.of("iisserver.contoso.com", "web01.contoso.com")), r.get("cnames"));
            assertEquals(300L, r.get("ttl"));
            assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        }
    }

    @Test
    void truncatedUdpAnswerIsAskedAgainOverTcp() throws Exception {
        byte[] in;
        byte[] out;
        try (FakeServer srv = new FakeServer()) {
            Hashtable<String, String> env = new Hashtable<>();
            env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
            env.put(Context.PROVIDER_URL, "dns://127.0.0.1:" + srv.port());
            InitialDirContext dir = new InitialDirContext(env);
            Attributes a = dir.getAttributes("_kerberos._tcp.contoso.com", new String[] {"SRV"});
            assertEquals(2, a.get("SRV").size(), a.toString());
            dir.close();
            RecordingContext u = udpContext();
            dissect(u, srv.udpOut.get(0), 1);
            assertEquals(Boolean.TRUE, u.fields("dns").get(0).get("truncated"));
            in = srv.tcpIn.toByteArray();
            out = srv.tcpOut.toByteArray();
        }
        // the TCP exchange, split at every position of each direction
        for (int dir = 0; dir < 2; dir++) {
            byte[] s = dir == 0 ? in : out;
            for (int k = 1; k < s.length; k++) {
                StreamDriver d = new StreamDriver(new DnsDissector());
                d.segment(true, dir == 0 ? s : in, 0, dir == 0 ? k : in.length, 1);
                if (dir == 0) {
                    d.segment(true, s, k, s.length - k, 2);
                    d.segment(false, out, 3);
                } else {
                    d.segment(false, s, 0, k, 2);
                    d.segment(false, s, k, s.length - k, 3);
                }
                List<RecordingContext.Emitted> ev = d.ctx.events;
                assertEquals(2, ev.size(), "split at " + k);
                assertEquals(dir == 0 ? 2 : 1, ev.get(0).frame());
                assertEquals(3, ev.get(1).frame());
                Map<String, Object> r = ev.get(1).fields();
                assertEquals("_kerberos._tcp.contoso.com", r.get("name"));
                assertEquals(33, r.get("type"));
                // SRV targets from the answer section, their addresses from the additional section
                assertEquals(List.of("dc1.contoso.com", "dc2.contoso.com", "192.168.2.10", "2001:db8::10"),
                        r.get("answers"));
                assertTrue(d.ctx.diagnostics.isEmpty(), d.ctx.diagnostics.toString());
            }
        }
    }

    @Test
    void recordTypesOfAnActiveDirectoryZone() {
        DnsEncoder e = new DnsEncoder().header(0x1234, 0x8583, 1, 0, 1, 1).question("www.contoso.com", 1);
        e.rr("contoso.com", 6, 1, 3600).name("dca.contoso.com").name("hostmaster.contoso.com")
                .u32(2024010101L).u32(900).u32(600).u32(86400).u32(3600).end();
        e.rr("", 41, 4000, 0x8000).u16(10).u16(8).bytes(new byte[8]).end(); // OPT with a cookie, DO set
        RecordingContext ctx = udpContext();
        ctx.tree = new FieldNode("frame", "frame", null, new ByteRange(0, 200));
        dissect(ctx, e.toBytes(), 7);
        Map<String, Object> r = ctx.fields("dns").get(0);
        assertEquals(3, r.get("rcode"), "NXDOMAIN");
        assertEquals(List.of(), r.get("answers"));
        assertEquals(Boolean.TRUE, r.get("authoritative"));
        assertNotNull(ctx.tree.find("dns.soa.mname"));
        assertEquals("hostmaster.contoso.com", ctx.tree.find("dns.soa.rname").value());
        assertEquals(4000, ctx.tree.find("dns.rr.udp_payload_size").value());
        // tree ranges are frame offsets: the PDU started at 42
        assertEquals(42, ctx.tree.find("dns.id").range().offset());

        DnsEncoder m = new DnsEncoder().header(7, 0x8180, 1, 3, 0, 1).question("contoso.com", 15);
        m.rr("contoso.com", 15, 1, 60).u16(10).name("mail.contoso.com").end();
        m.rr("contoso.com", 16, 1, 60).u8(11).bytes("v=spf1 -all".getBytes(StandardCharsets.US_ASCII)).end();
        m.rr("104.2.168.192.in-addr.arpa", 12, 1, 60).name("iisserver.contoso.com").end();
        m.a("mail.contoso.com", "192.168.2.25", 60);
        RecordingContext c2 = udpContext();
        c2.tree = new FieldNode("frame", "frame", null, new ByteRange(0, 300));
        dissect(c2, m.toBytes(), 8);
        Map<String, Object> mx = c2.fields("dns").get(0);
        // as Wireshark's dns.a: the MX glue address from the additional section counts
        assertEquals(List.of("iisserver.contoso.com", "192.168.2.25"), mx.get("answers"));
        assertEquals("v=spf1 -all", c2.tree.find("dns.txt").value());
        assertEquals("mail.contoso.com", c2.tree.find("dns.mx.mail_exchange").value());
    }

    /** A GSS-API InitialContextToken (RFC 2743 3.1) for SPNEGO around an inner token. */
    static byte[] spnegoInit(byte[] inner) {
        byte[] oid = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
        byte[] body = concat(oid, der(0xa0, der(0x30, der(0xa2, der(0x04, inner)))));
        return der(0x60, body);
    }

    static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(tag);
        int n = content.length;
        if (n < 128) {
            o.write(n);
        } else if (n < 256) {
            o.write(0x81);
            o.write(n);
        } else {
            o.write(0x82);
            o.write(n >> 8);
            o.write(n);
        }
        o.writeBytes(content);
        return o.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void gssTsigTkeyHandsTheTokenOn() {
        byte[] token = spnegoInit(new byte[300]);
        String key = "1068-ms-7.309-2c6e448.7a9463b8-b109-11ed-26a3-080027f220e5";
        DnsEncoder q = new DnsEncoder().header(0xcda0, 0x0000, 1, 0, 0, 1).question(key, 249);
        q.rr(key, 249, 255, 0).plainName("gss-tsig").u32(1676938156L).u32(1677024556L).u16(3).u16(0)
                .u16(token.length).bytes(token).u16(0).end();
        StreamDriver d = new StreamDriver(new DnsDissector());
        d.ctx.answer = c -> c.table().equals("gss.oid") ? "kerberos" : null;
        d.segment(true, q.toTcp(), 7);
        byte[] resp = der(0xa1, der(0x30, der(0xa0, new byte[] {0x0a, 0x01, 0x00})));
        DnsEncoder r = new DnsEncoder().header(0xcda0, 0x8000, 1, 1, 0, 1).question(key, 249);
        r.rr(key, 249, 255, 0).plainName("gss-tsig").u32(1676938156L).u32(1677024556L).u16(3).u16(0)
                .u16(resp.length).bytes(resp).u16(0).end();
        r.rr(key, 250, 255, 0).plainName("gss-tsig").u16(0).u32(1676938156L).u16(36000).u16(28)
                .bytes(new byte[28]).u16(0xcda0).u16(0).u16(0).end();
        d.segment(false, r.toTcp(), 8);

        assertEquals(2, d.ctx.calls.size());
        RecordingContext.Call init = d.ctx.calls.get(0);
        assertEquals("gss.oid", init.table());
        assertEquals("1.3.6.1.5.5.2", init.key());
        assertTrue(Arrays.equals(token, init.bytes()), "the whole token, with its 0x60 framing");
        RecordingContext.Call reply = d.ctx.calls.get(1);
        assertEquals("gss", reply.table(), "a NegTokenResp names no mechanism: the GSS heuristics read it");
        assertTrue(Arrays.equals(resp, reply.bytes()));
        List<Map<String, Object>> ev = d.ctx.fields("dns");
        assertEquals(249, ev.get(0).get("type"));
        @SuppressWarnings("unchecked")
        Map<String, Object> tkey = (Map<String, Object>) ev.get(0).get("tkey");
        assertEquals(3, tkey.get("mode"));
        assertEquals("gss-tsig", tkey.get("algorithm"));
        assertEquals("kerberos", tkey.get("token"));
        assertEquals(List.of(), ev.get(1).get("answers"));
        assertTrue(d.ctx.diagnostics.isEmpty(), d.ctx.diagnostics.toString());
    }

    @Test
    void compressionLoopsAndBadPointersAreReportedNotFollowed() {
        // the question name is a pointer to itself
        byte[] loop = new DnsEncoder().header(1, 0, 1, 0, 0, 0).u16(0xc00c).u16(1).u16(1).toBytes();
        // two pointers that point at each other, inside an answer's CNAME
        DnsEncoder two = new DnsEncoder().header(2, 0x8180, 1, 1, 0, 0).question("a.contoso.com", 1);
        int at = two.size() + 2 + 10;
        two.rr("a.contoso.com", 5, 1, 60).u16(0xc000 | (at + 2)).u16(0xc000 | at).end();
        // a pointer past the end, and a label longer than what is left
        byte[] far = new DnsEncoder().header(3, 0, 1, 0, 0, 0).u8(1).u8('x').u16(0xc000 | 500).u16(1).u16(1).toBytes();
        byte[] cut = new DnsEncoder().header(4, 0, 1, 0, 0, 0).u8(40).bytes("short".getBytes(StandardCharsets.US_ASCII)).toBytes();
        byte[] header = {0, 5, (byte) 0x81};
        byte[] counts = new DnsEncoder().header(6, 0x8180, 0xffff, 0xffff, 0xffff, 0xffff).toBytes();
        String[][] expect = {{"loop"}, {"loop"}, {"outside"}, {"runs past"}, {"12-byte header"}, {"more than a DNS message can hold"}};
        byte[][] cases = {loop, two.toBytes(), far, cut, header, counts};
        for (int i = 0; i < cases.length; i++) {
            RecordingContext ctx = udpContext();
            ctx.tree = new FieldNode("frame", "frame", null, new ByteRange(0, 100));
            dissect(ctx, cases[i], i + 1);
            final int n = i;
            assertTrue(ctx.diagnostics.stream().anyMatch(s -> s.contains(expect[n][0])),
                    "case " + i + ": " + ctx.diagnostics);
            assertTrue(ctx.tree.find("_ws.malformed") != null, "case " + i + " marks its bytes malformed");
        }
    }

    @Test
    void hostileBytesNeverEscape() {
        byte[] good = FakeServer.answer(new DnsEncoder().header(9, 0x0100, 1, 0, 0, 0).question("web.contoso.com", 33)
                .toBytes(), true);
        Random rnd = new Random(20240601);
        for (int i = 0; i < 5000; i++) {
            byte[] m = Arrays.copyOf(good, rnd.nextInt(good.length + 8));
            for (int k = rnd.nextInt(6); k >= 0; k--) {
                if (m.length > 0) {
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                }
            }
            RecordingContext ctx = udpContext();
            ctx.tree = new FieldNode("frame", "frame", null, new ByteRange(0, 100));
            dissect(ctx, m, i);
            if (m.length >= 12) {
                assertEquals(1, ctx.events.size(), "a message with a header is always reported");
            } else {
                assertNull(ctx.events.isEmpty() ? null : ctx.events.get(0));
            }
        }
    }
}
