package org.kerbscope.dissect.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kerby.kerberos.kerb.KrbErrorCode;
import org.apache.kerby.kerberos.kerb.type.KerberosTime;
import org.apache.kerby.kerberos.kerb.type.KrbPriv;
import org.apache.kerby.kerberos.kerb.type.base.EncryptedData;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionType;
import org.apache.kerby.kerberos.kerb.type.base.KrbError;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.dissect.kerberos.KpasswdDissector;
import org.kerbscope.testing.FakeContext;

/**
 * The password-change protocol (RFC 3244) on port 464 around a real AP-REQ (the JDK's, from the fixture's KDC) and
 * Kerby-encoded KRB-PRIV and KRB-ERROR messages. tshark 4.0 reads the same request as AP-REQ and KRB-PRIV; it
 * flags a reply whose AP-REP length is 0 as malformed where RFC 3244 says a KRB-ERROR follows.
 */
class KpasswdDissectorTest {
    private static byte[] apReq;
    private final KpasswdDissector dissector = new KpasswdDissector();

    @BeforeAll
    static void exchange() throws Exception {
        apReq = bareApReq(Exchanges.get().apReqToken);
    }

    /** The AP-REQ inside a GSS-API krb5 token: [APPLICATION 0] { OID, TOK_ID 01 00, AP-REQ }. */
    static byte[] bareApReq(byte[] token) {
        int p = 1;
        p += (token[p] & 0x80) != 0 ? 1 + (token[p] & 0x7f) : 1; // outer length
        p += 2 + token[p + 1]; // the OID
        assertEquals(1, token[p]);
        assertEquals(0, token[p + 1]);
        assertEquals(0x6e, token[p + 2] & 0xff);
        return Arrays.copyOfRange(token, p + 2, token.length);
    }

    static byte[] krbPriv() throws Exception {
        KrbPriv priv = new KrbPriv();
        EncryptedData enc = new EncryptedData();
        enc.setEType(EncryptionType.AES256_CTS_HMAC_SHA1_96);
        byte[] cipher = new byte[60];
        new Random(3).nextBytes(cipher);
        enc.setCipher(cipher);
        priv.setEncryptedEncPart(enc);
        return priv.encode();
    }

    static byte[] krbError(int result, String text) throws Exception {
        KrbError e = new KrbError();
        e.setStime(KerberosTime.now());
        e.setSusec(0);
        e.setErrorCode(KrbErrorCode.KRB_ERR_GENERIC);
        e.setRealm(KdcFixture.REALM);
        e.setSname(new PrincipalName("kadmin/changepw@" + KdcFixture.REALM));
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[2 + t.length];
        data[0] = (byte) (result >> 8);
        data[1] = (byte) result;
        System.arraycopy(t, 0, data, 2, t.length);
        e.setEdata(data);
        return e.encode();
    }

    /** message length | version | AP length | AP message | the rest (RFC 3244 section 2). */
    static byte[] kpasswd(int version, byte[] ap, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(6 + ap.length + rest.length);
        b.putShort((short) b.capacity()).putShort((short) version).putShort((short) ap.length).put(ap).put(rest);
        return b.array();
    }

    static byte[] recordMarked(byte[] m) {
        return ByteBuffer.allocate(4 + m.length).putInt(m.length).put(m).array();
    }

    private static Pdu pdu(byte[] b) {
        return Pdu.detached(ByteBuffer.wrap(b), "t");
    }

    private static Map<?, ?> kp(Map<String, Object> ev) {
        return (Map<?, ?>) ev.get("kpasswd");
    }

    @Test
    void aChangeRequestIsItsApReqAndKrbPriv() throws Exception {
        FakeContext ctx = new FakeContext("kpasswd", "udp");
        dissector.dissect(pdu(kpasswd(1, apReq, krbPriv())), ctx);
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        List<Map<String, Object>> ev = ctx.events("kerberos");
        assertEquals(List.of("AP-REQ", "KRB-PRIV"), ev.stream().map(e -> e.get("msgType")).toList());
        assertEquals("kdc-udp", ev.get(0).get("carrier"), "Wireshark files kpasswd's messages under the KDC transports");
        assertEquals("HTTP/web.example.test", ev.get(0).get("sname"));
        assertEquals(KdcFixture.REALM, ev.get(0).get("realm"));
        assertEquals("change-password", kp(ev.get(0)).get("operation"));
        assertEquals("request", kp(ev.get(1)).get("kind"));
    }

    @Test
    void aSetRequestIsSetPassword() throws Exception {
        FakeContext ctx = new FakeContext("kpasswd", "udp");
        dissector.dissect(pdu(kpasswd(0xff80, apReq, krbPriv())), ctx);
        assertEquals("set-password", kp(ctx.events("kerberos").get(0)).get("operation"));
    }

    @Test
    void aRefusalCarriesItsResultCodeAndText() throws Exception {
        FakeContext ctx = new FakeContext("kpasswd", "udp").withTree();
        dissector.dissect(pdu(kpasswd(1, new byte[0], krbError(4, "Password is too short"))), ctx);
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        Map<String, Object> err = ctx.events("kerberos").get(0);
        assertEquals("KRB-ERROR", err.get("msgType"));
        assertEquals(60, err.get("errorCode"));
        assertEquals("kadmin/changepw", err.get("sname"));
        assertEquals(4, kp(err).get("resultCode"));
        assertEquals("KRB5_KPASSWD_SOFTERROR", kp(err).get("resultName"));
        assertEquals("Password is too short", kp(err).get("resultText"));
        assertNotNull(ctx.tree.find("kpasswd.ap_req_len"));
        // a server that answers with the KRB-ERROR alone
        FakeContext bare = new FakeContext("kpasswd", "udp");
        dissector.dissect(pdu(krbError(7, "Initial ticket required")), bare);
        assertEquals("KRB5_KPASSWD_INITIAL_FLAG_NEEDED", kp(bare.events("kerberos").get(0)).get("resultName"));
    }

    @Test
    void overTcpTheFramerCutsRecordsAndRefusesOtherStreams() throws Exception {
        byte[] req = recordMarked(kpasswd(1, apReq, krbPriv()));
        StreamFramer framer = dissector.newFramer(null, true);
        assertEquals(StreamFramer.pdu(req.length), framer.next(ByteBuffer.wrap(req)));
        assertEquals(StreamFramer.NEED_MORE, framer.next(ByteBuffer.wrap(req, 0, 5).slice()));
        assertEquals(StreamFramer.REJECT, framer.next(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))));
        FakeContext ctx = new FakeContext("kpasswd", "tcp");
        dissector.dissect(pdu(req), ctx);
        dissector.dissect(pdu(recordMarked(kpasswd(1, new byte[0], krbError(3, "Authentication failed")))), ctx);
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        assertEquals(List.of("AP-REQ", "KRB-PRIV", "KRB-ERROR"), ctx.events("kerberos").stream().map(e -> e.get("msgType")).toList());
        assertEquals("kdc-tcp", ctx.events("kerberos").get(2).get("carrier"));
    }

    @Test
    void lengthsThatDisagreeAndCutMessagesAreMalformedNeverExceptions() throws Exception {
        byte[] good = kpasswd(1, apReq, krbPriv());
        for (int cut = 0; cut < good.length; cut += 7) {
            FakeContext ctx = new FakeContext("kpasswd", "udp").withTree();
            dissector.dissect(pdu(Arrays.copyOf(good, cut)), ctx);
            assertFalse(ctx.diagnostics.isEmpty(), "cut at " + cut);
            assertNotNull(ctx.tree.find("_ws.malformed"), "cut at " + cut);
        }
        byte[] lying = good.clone();
        lying[4] = (byte) 0xff; // an AP-REQ length past the end
        FakeContext ctx = new FakeContext("kpasswd", "udp");
        dissector.dissect(pdu(lying), ctx);
        assertTrue(ctx.diagnostics.get(0).contains("exceeds"), ctx.diagnostics.toString());
        Random rnd = new Random(11);
        for (int i = 0; i < 500; i++) {
            byte[] c = good.clone();
            for (int k = 0; k < 3; k++) {
                c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
            }
            dissector.dissect(pdu(c), new FakeContext("kpasswd", i % 2 == 0 ? "udp" : "tcp"));
            dissector.newFramer(null, true).next(ByteBuffer.wrap(c));
        }
    }
}
