package org.kerbscope.dissect.http.tests;

import org.kerbscope.testing.RecordingContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.ByteRange;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.http.HttpDissector;
import org.kerbscope.dissect.http.internal.AuthHeaders;
import org.kerbscope.dissect.http.internal.AuthHeaders.Challenge;

/**
 * Authentication-header grammar (RFC 9110 section 11), token classification, the header size bound and
 * hostile streams, on byte strings built here from the RFCs.
 */
class HttpGrammarTest {

    @Test
    void severalChallengesInOneHeaderWithCommasInsideQuotes() {
        List<Challenge> cs = AuthHeaders.challenges("Digest realm=\"CONTOSO, web\", qop=\"auth,auth-int\", "
                + "nonce=\"dcd98b7102dd2f0e\", Negotiate, NTLM, Bearer realm=\"api\", error=\"invalid_token\", "
                + "Basic realm=\"intranet\"");
        assertEquals(List.of("Digest", "Negotiate", "NTLM", "Bearer", "Basic"), cs.stream().map(Challenge::scheme).toList());
        assertEquals("CONTOSO, web", cs.get(0).params().get("realm"));
        assertEquals("auth,auth-int", cs.get(0).params().get("qop"));
        assertEquals("invalid_token", cs.get(3).params().get("error"));
        List<Challenge> tok = AuthHeaders.challenges("Negotiate oYG2MIGzoAMKAQA=");
        assertEquals("oYG2MIGzoAMKAQA=", tok.get(0).token68());
        Challenge cred = AuthHeaders.credentials("Digest username=\"John\", realm=\"a,b\", response=\"6629fae4\"");
        assertEquals("John", cred.params().get("username"));
        assertEquals("a,b", cred.params().get("realm"));
    }

    /** DER: tag, definite length, content. */
    static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            c.writeBytes(p);
        }
        byte[] content = c.toByteArray();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(tag);
        if (content.length < 128) {
            o.write(content.length);
        } else {
            o.write(0x82);
            o.write(content.length >> 8);
            o.write(content.length);
        }
        o.writeBytes(content);
        return o.toByteArray();
    }

    private static final byte[] KRB5 = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x12, 1, 2, 2};
    private static final byte[] SPNEGO = {0x06, 0x06, 0x2b, 6, 1, 5, 5, 2};

    /** A NegTokenInit (RFC 4178 4.2.1) offering Kerberos, its mechToken an RFC 4121 AP-REQ shape. */
    static byte[] negTokenInitKerberos() {
        byte[] apReq = der(0x60, KRB5, new byte[] {1, 0}, der(0x6e, der(0x30, der(0xa0, new byte[] {2, 1, 5}))));
        return der(0x60, SPNEGO, der(0xa0, der(0x30, der(0xa0, der(0x30, KRB5)), der(0xa2, der(0x04, apReq)))));
    }

    private static List<Map<String, Object>> run(String... segments) {
        StreamDriver d = new StreamDriver(new HttpDissector());
        long f = 1;
        for (String s : segments) {
            boolean client = !s.startsWith("HTTP/");
            d.segment(client, Recordings.ascii(s), f++);
        }
        return Recordings.withFrames(d.ctx);
    }

    @Test
    void tokenKindsWithoutNestedDissectors() {
        String krb = Base64.getEncoder().encodeToString(negTokenInitKerberos());
        String resp = Base64.getEncoder().encodeToString(der(0xa1, der(0x30, der(0xa0, new byte[] {0x0a, 1, 1}))));
        List<Map<String, Object>> ev = run(
                "GET / HTTP/1.1\r\nHost: iisserver.contoso.com\r\nAuthorization: Negotiate " + krb + "\r\n\r\n",
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate " + resp + "\r\nContent-Length: 0\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\nProxy-Authorization: Negotiate " + resp + "\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic Sm9objpQYXNzdzByZA==\r\n\r\n");
        assertEquals(Map.of("scheme", "Negotiate", "token", "kerberos"), ev.get(0).get("authorization"));
        assertEquals("spnego-response", ev.get(1).get("negotiateTokenKind"));
        assertEquals(Map.of("scheme", "Negotiate", "token", "spnego-response"), ev.get(2).get("authorization"));
        assertEquals("Proxy-Authorization", ev.get(2).get("authorizationHeader"));
        assertEquals(Map.of("scheme", "Basic"), ev.get(4).get("authorization"));
    }

    @Test
    void nestedDissectorDecidesTheKind() {
        StreamDriver d = new StreamDriver(new HttpDissector());
        d.ctx.answer = c -> "ntlmssp";
        d.segment(true, Recordings.ascii("GET / HTTP/1.1\r\nAuthorization: Negotiate "
                + Base64.getEncoder().encodeToString(new byte[] {0x60, 5, 1, 2, 3, 4, 5}) + "\r\n\r\n"), 1);
        assertEquals("ntlm", ((Map<?, ?>) d.ctx.fields("http").get(0).get("authorization")).get("token"));
        assertEquals("negotiate", d.ctx.calls.get(0).key());
    }

    @Test
    void basicCredentialsAreNotShown() {
        RecordingContext ctx = new RecordingContext();
        ctx.tree = new FieldNode("frame", "frame", null, new ByteRange(0, 200));
        new HttpDissector().dissect(Pdu.ofFrame(ByteBuffer.wrap(Recordings.ascii(
                "GET / HTTP/1.1\r\nAuthorization: Basic Sm9objpQYXNzdzByZA==\r\n\r\n")), 54), ctx);
        FieldNode a = ctx.tree.find("http.authorization");
        assertFalse(a.label().contains("Sm9objpQYXNzdzByZA"), a.label());
        assertEquals(54 + 16, a.range().offset(), "the header line's frame offset");
    }

    @Test
    void oversizedHeaderBlockIsReportedAndTheDirectionGivenUp() {
        StringBuilder big = new StringBuilder("GET /big HTTP/1.1\r\nHost: a\r\nAuthorization: Negotiate ");
        while (big.length() < 300_000) {
            big.append("YIIHGwYGKwYBBQUCoIIHDzCCBwugMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYK");
        }
        StreamDriver d = new StreamDriver(new HttpDissector());
        byte[] b = Recordings.ascii(big.toString());
        for (int i = 0; i < b.length; i += 1460) {
            d.segment(true, b, i, Math.min(1460, b.length - i), 1 + i / 1460);
        }
        assertTrue(d.ctx.diagnostics.stream().anyMatch(s -> s.contains("larger than")), d.ctx.diagnostics.toString());
        assertEquals("/big", d.ctx.fields("http").get(0).get("uri"));
        assertTrue(d.rejected(true));
        assertTrue(d.maxBuffered < 300_000);
    }

    @Test
    void bytesThatAreNotHttpAreNotTakenForHttp() {
        HttpDissector h = new HttpDissector();
        assertFalse(h.accepts(Pdu.detached(ByteBuffer.wrap(new byte[] {0x16, 3, 1, 0, 0x50, 1}), "x"), "tcp"));
        assertFalse(h.accepts(Pdu.detached(ByteBuffer.wrap(Recordings.ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")), "x"), "tcp"));
        assertTrue(h.accepts(Pdu.detached(ByteBuffer.wrap(Recordings.ascii("RPC_IN_DATA /rpc/rpcproxy.dll?x HTTP/1.1\r\n")), "x"), "tcp"));
        assertTrue(h.accepts(Pdu.detached(ByteBuffer.wrap(Recordings.ascii("HTTP/1.1 401 Unauthorized\r\n")), "x"), "tcp"));
        assertFalse(h.accepts(Pdu.detached(ByteBuffer.wrap(Recordings.ascii("GET / HTTP/1.1\r\n")), "x"), "udp"));
    }

    @Test
    void hostileStreamsNeverEscape() {
        byte[] good = Recordings.ascii("GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: NTLM TlRMTVNTUAABAAAAB4IIog==\r\n\r\n"
                + "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"
                + "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate, NTLM\r\nContent-Length: 3\r\n\r\nabc");
        Random rnd = new Random(7);
        int events = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] m = good.clone();
            for (int k = rnd.nextInt(8); k >= 0; k--) {
                m[rnd.nextInt(m.length)] = (byte) "\r\n :,0123456789abcdefGHTP/=\"".charAt(rnd.nextInt(27));
            }
            StreamDriver d = new StreamDriver(new HttpDissector());
            d.ctx.tree = new FieldNode("frame", "frame", null, new ByteRange(0, 400));
            int pos = 0;
            while (pos < m.length) {
                int n = 1 + rnd.nextInt(40);
                n = Math.min(n, m.length - pos);
                d.segment(rnd.nextBoolean(), m, pos, n, pos);
                if (rnd.nextInt(50) == 0) {
                    d.gap(rnd.nextBoolean(), 1 + rnd.nextInt(100));
                }
                pos += n;
            }
            for (Map<String, Object> e : d.ctx.fields("http")) {
                assertTrue(e.get("kind").equals("request") ? e.get("method") != null : e.get("status") != null, e.toString());
                events++;
            }
        }
        assertTrue(events > 3000, "damaged streams still yield what can be read: " + events);
    }
}
