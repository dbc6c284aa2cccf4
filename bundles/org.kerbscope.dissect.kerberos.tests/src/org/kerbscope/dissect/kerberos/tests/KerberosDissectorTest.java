package org.kerbscope.dissect.kerberos.tests;

import org.kerbscope.testing.FakeContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.dissect.kerberos.KerberosDissector;

/** The dissector on bytes a real KDC (Kerby), the JDK's Kerberos and Kerby's client exchanged. */
class KerberosDissectorTest {
    private static Exchanges x;
    private final KerberosDissector dissector = new KerberosDissector();

    @BeforeAll
    static void exchange() throws Exception {
        x = Exchanges.get();
    }

    /** Dissects UDP datagrams as the engine would hand them over (at offset 42 of their frame). */
    private List<Map<String, Object>> udp(List<KdcFixture.Captured> list, FakeContext ctx) {
        for (KdcFixture.Captured c : Exchanges.udp(list)) {
            dissector.dissect(Pdu.ofFrame(ByteBuffer.wrap(framed(c.bytes()), 42, c.bytes().length).slice(), 42), ctx);
        }
        return ctx.events("kerberos");
    }

    private static byte[] framed(byte[] payload) {
        byte[] frame = new byte[42 + payload.length];
        System.arraycopy(payload, 0, frame, 42, payload.length);
        return frame;
    }

    private static Map<String, Object> first(List<Map<String, Object>> events, String type) {
        return events.stream().filter(e -> type.equals(e.get("msgType"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " in " + events));
    }

    @Test
    void jdkLoginAndServiceTicketOverUdp() {
        FakeContext ctx = new FakeContext("kerberos", "udp");
        List<Map<String, Object>> ev = udp(x.jdkUdp, ctx);
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        Map<String, Object> asReq = first(ev, "AS-REQ");
        assertEquals("kdc-udp", asReq.get("carrier"));
        assertEquals(KdcFixture.REALM, asReq.get("realm"));
        assertEquals("alice", asReq.get("cname"));
        assertEquals("krbtgt/" + KdcFixture.REALM, asReq.get("sname"));
        assertEquals(List.of(17, 18), asReq.get("etypes"), "the etypes krb5.conf lets the JDK ask for, in order");
        assertNotNull(asReq.get("nonce"));

        Map<String, Object> asRep = first(ev, "AS-REP");
        assertEquals("alice", asRep.get("cname"));
        assertEquals("krbtgt/" + KdcFixture.REALM, asRep.get("sname"));
        assertEquals(KdcFixture.REALM, asRep.get("realm"));
        assertNull(asRep.get("etypes"), "etypes are for requests only");
        Map<?, ?> ticket = (Map<?, ?>) asRep.get("ticket");
        assertTrue(List.of(17, 18).contains(ticket.get("etype")), ticket.toString());

        Map<String, Object> tgsReq = first(ev, "TGS-REQ");
        assertEquals("HTTP/web.example.test", tgsReq.get("sname"));
        assertNull(tgsReq.get("cname"), "a TGS-REQ names its client only inside the encrypted TGT");
        assertTrue(((List<?>) tgsReq.get("padata")).contains(1), "PA-TGS-REQ");
        assertEquals(0, ev.stream().filter(e -> "AP-REQ".equals(e.get("msgType"))).count(),
                "the AP-REQ inside PA-TGS-REQ is not a message of its own");

        Map<String, Object> tgsRep = first(ev, "TGS-REP");
        assertEquals("HTTP/web.example.test", tgsRep.get("sname"));
        assertEquals("alice", tgsRep.get("cname"));
    }

    @Test
    void gssApReqAndApRepTokens() {
        FakeContext ctx = new FakeContext("kerberos", "tcp").carriedBy("http");
        dissector.dissect(Pdu.detached(ByteBuffer.wrap(x.apReqToken), "base64"), ctx);
        dissector.dissect(Pdu.detached(ByteBuffer.wrap(x.apRepToken), "base64"), ctx);
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        List<Map<String, Object>> ev = ctx.events("kerberos");
        assertEquals(2, ev.size(), ev.toString());
        Map<String, Object> ap = ev.get(0);
        assertEquals("AP-REQ", ap.get("msgType"));
        assertEquals("http", ap.get("carrier"));
        assertEquals(KdcFixture.REALM, ap.get("realm"));
        assertEquals("HTTP/web.example.test", ap.get("sname"));
        assertTrue(((List<?>) ap.get("apOptions")).contains("mutual-required"), ap.toString());
        assertNull(ap.get("decrypted"), "no keytab, nothing decrypted");
        assertEquals("AP-REP", ev.get(1).get("msgType"));
        assertEquals("http", ev.get(1).get("carrier"));
    }

    @Test
    void wrongPasswordIsAnErrorWithKerbysEText() {
        FakeContext ctx = new FakeContext("kerberos", "udp");
        List<Map<String, Object>> ev = udp(x.wrongPassword, ctx);
        Map<String, Object> err = first(ev, "KRB-ERROR");
        int code = (Integer) err.get("errorCode");
        // Kerby answers a bad PA-ENC-TIMESTAMP with 31 and e-text PREAUTH_FAILED where AD sends 24
        assertTrue(code == 31 || code == 24, err.toString());
        assertEquals(code == 31 ? "KRB_AP_ERR_BAD_INTEGRITY" : "KDC_ERR_PREAUTH_FAILED", err.get("errorName"));
        assertNotNull(err.get("stime"));
        assertTrue(((String) err.get("stime")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertEquals(KdcFixture.REALM, err.get("realm"));
        if (code == 31) {
            assertTrue(String.valueOf(err.get("eText")).contains("PREAUTH_FAILED"), err.toString());
        }
        Map<String, Object> req = ev.stream().filter(e -> "AS-REQ".equals(e.get("msgType"))
                && ((List<?>) e.getOrDefault("padata", List.of())).contains(2)).findFirst().orElseThrow();
        assertNotNull(req.get("encTimestampEtype"), "the request carried PA-ENC-TIMESTAMP");
    }

    @Test
    void unknownServiceOverTcpThroughTheFramer() {
        assertTrue(x.unknownServiceOutcome.contains("S_PRINCIPAL_UNKNOWN") || !x.unknownServiceOutcome
                .equals("issued"), x.unknownServiceOutcome);
        FakeContext ctx = new FakeContext("kerberos", "tcp");
        java.util.Random rnd = new java.util.Random(7);
        int pdus = 0;
        for (byte[][] stream : KdcFixture.streams(x.unknownServiceTcp).values()) {
            for (byte[] dir : stream) {
                pdus += feedInPieces(dir, rnd, ctx);
            }
        }
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        List<Map<String, Object>> ev = ctx.events("kerberos");
        assertEquals(pdus, ev.size());
        assertEquals("kdc-tcp", ev.get(0).get("carrier"));
        Map<String, Object> err = ev.stream().filter(e -> Integer.valueOf(7).equals(e.get("errorCode"))).findFirst()
                .orElseThrow(() -> new AssertionError(ev.toString()));
        assertEquals("KDC_ERR_S_PRINCIPAL_UNKNOWN", err.get("errorName"));
        assertEquals("HTTP/nowhere.example.test", err.get("sname"));
        assertEquals(KdcFixture.REALM, err.get("realm"));
        Map<String, Object> tgs = first(ev, "TGS-REQ");
        assertEquals("HTTP/nowhere.example.test", tgs.get("sname"));
    }

    /** Feeds a stream to a framer in random pieces, as TCP segments would arrive; returns the PDUs cut. */
    private int feedInPieces(byte[] stream, java.util.Random rnd, FakeContext ctx) {
        StreamFramer framer = dissector.newFramer(null, true);
        byte[] buf = new byte[0];
        int pos = 0;
        int pdus = 0;
        while (pos < stream.length) {
            int n = Math.min(stream.length - pos, 1 + rnd.nextInt(40));
            byte[] nb = java.util.Arrays.copyOf(buf, buf.length + n);
            System.arraycopy(stream, pos, nb, buf.length, n);
            buf = nb;
            pos += n;
            while (true) {
                long r = framer.next(ByteBuffer.wrap(buf));
                if (r == StreamFramer.NEED_MORE || r > buf.length) {
                    break;
                }
                assertTrue(r > 0, "framer result " + r);
                dissector.dissect(Pdu.detached(ByteBuffer.wrap(buf, 0, (int) r).slice(), "Reassembled TCP"), ctx);
                buf = java.util.Arrays.copyOfRange(buf, (int) r, buf.length);
                pdus++;
            }
        }
        assertEquals(0, buf.length, "nothing left over at the end of the stream");
        return pdus;
    }

    @Test
    void twoRecordsInOneSegmentAreTwoPdus() {
        byte[][] streams = KdcFixture.streams(x.unknownServiceTcp).values().iterator().next();
        byte[] c2s = streams[0];
        byte[] two = new byte[c2s.length * 2];
        System.arraycopy(c2s, 0, two, 0, c2s.length);
        System.arraycopy(c2s, 0, two, c2s.length, c2s.length);
        StreamFramer f = dissector.newFramer(null, true);
        assertEquals(c2s.length, f.next(ByteBuffer.wrap(two)), "the first record only");
        assertEquals(StreamFramer.NEED_MORE, f.next(ByteBuffer.wrap(two, 0, 3).slice()));
        // a whole segment handed over without a framer still yields both messages
        FakeContext ctx = new FakeContext("kerberos", "tcp");
        dissector.dissect(Pdu.detached(ByteBuffer.wrap(two), "segment"), ctx);
        assertEquals(2, ctx.events("kerberos").size());
    }

    @Test
    void heuristicsAcceptRealMessagesAndRejectOthers() {
        for (KdcFixture.Captured c : x.jdkUdp) {
            assertTrue(dissector.accepts(Pdu.detached(ByteBuffer.wrap(c.bytes()), "t"), c.transport()));
        }
        for (byte[][] s : KdcFixture.streams(x.unknownServiceTcp).values()) {
            assertTrue(dissector.accepts(Pdu.detached(ByteBuffer.wrap(s[0]), "t"), "tcp"), "record-marked request");
            assertTrue(dissector.accepts(Pdu.detached(ByteBuffer.wrap(s[0], 0, 30).slice(), "t"), "tcp"),
                    "the start of a record whose tail has not arrived");
        }
        assertTrue(dissector.accepts(Pdu.detached(ByteBuffer.wrap(x.apReqToken), "t"), "tcp"));
        assertFalse(dissector.accepts(Pdu.detached(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(
                StandardCharsets.US_ASCII)), "t"), "tcp"));
        // a DNS query has nothing of Kerberos
        byte[] dns = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 0, 0, 1, 0, 1 };
        assertFalse(dissector.accepts(Pdu.detached(ByteBuffer.wrap(dns), "t"), "udp"));
        // the right tag with pvno 4 is not Kerberos 5
        byte[] asReq = Exchanges.udp(x.jdkUdp).get(0).bytes().clone();
        int pv = indexOf(asReq, new byte[] { (byte) 0xa1, 3, 2, 1, 5 });
        asReq[pv + 4] = 4;
        assertFalse(dissector.accepts(Pdu.detached(ByteBuffer.wrap(asReq), "t"), "udp"));
    }

    @Test
    void treeNodesPointAtTheirBytesInTheFrame() {
        byte[] payload = Exchanges.udp(x.jdkUdp).get(0).bytes();
        byte[] frame = framed(payload);
        FakeContext ctx = new FakeContext("kerberos", "udp").withTree();
        dissector.dissect(Pdu.ofFrame(ByteBuffer.wrap(frame, 42, payload.length).slice(), 42), ctx);
        FieldNode realm = ctx.tree.find("kerberos.realm");
        assertNotNull(realm);
        int at = realm.range().offset();
        assertTrue(at >= 42, "absolute frame offset");
        // [2] { GeneralString "EXAMPLE.TEST" }: the realm's text ends the node's range
        String text = new String(frame, realm.range().end() - KdcFixture.REALM.length(), KdcFixture.REALM.length(),
                StandardCharsets.US_ASCII);
        assertEquals(KdcFixture.REALM, text);
        FieldNode cipher = ctx.tree.find("kerberos.cipher");
        if (cipher != null) {
            assertTrue(cipher.label().matches("cipher: <\\d+ bytes>"), "cipher text is shown as a length only");
        }
        List<String> names = new ArrayList<>();
        collect(ctx.tree, names);
        assertTrue(names.contains("kerberos.ENCTYPE") && names.contains("kerberos.kdc_options"), names.toString());
    }

    private static void collect(FieldNode n, List<String> out) {
        out.add(n.name());
        n.children().forEach(c -> collect(c, out));
    }

    @Test
    void truncatedAndCorruptedMessagesNeverEscape() {
        List<byte[]> samples = new ArrayList<>();
        Exchanges.udp(x.jdkUdp).forEach(c -> samples.add(c.bytes()));
        samples.add(x.apReqToken);
        java.util.Random rnd = new java.util.Random(42);
        int diagnostics = 0;
        for (byte[] s : samples) {
            for (int cut = 0; cut < s.length; cut += Math.max(1, s.length / 60)) {
                FakeContext ctx = new FakeContext("kerberos", "udp").withTree();
                dissector.dissect(Pdu.detached(ByteBuffer.wrap(s, 0, cut).slice(), "t"), ctx);
                assertFalse(ctx.diagnostics.isEmpty(), "a message cut at " + cut + " of " + s.length + " is reported");
                assertTrue(ctx.tree.find("_ws.malformed") != null);
                dissector.accepts(Pdu.detached(ByteBuffer.wrap(s, 0, cut).slice(), "t"), "udp");
                diagnostics++;
            }
            for (int i = 0; i < 300; i++) {
                byte[] c = s.clone();
                for (int k = 0; k < 3; k++) {
                    c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
                }
                FakeContext ctx = new FakeContext("kerberos", "udp").withTree();
                dissector.dissect(Pdu.detached(ByteBuffer.wrap(c), "t"), ctx);
                dissector.accepts(Pdu.detached(ByteBuffer.wrap(c), "t"), "udp");
            }
        }
        // a length field that claims far more than the PDU holds
        byte[] huge = { 0x6a, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x30, 0 };
        FakeContext ctx = new FakeContext("kerberos", "udp");
        dissector.dissect(Pdu.detached(ByteBuffer.wrap(huge), "t"), ctx);
        assertTrue(ctx.diagnostics.get(0).contains("exceeds"), ctx.diagnostics.toString());
        assertTrue(diagnostics > 0);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
