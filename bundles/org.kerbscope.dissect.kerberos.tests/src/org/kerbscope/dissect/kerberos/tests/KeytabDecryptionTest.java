package org.kerbscope.dissect.kerberos.tests;

import org.kerbscope.testing.FakeContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.keytab.KeytabEntry;
import org.apache.kerby.kerberos.kerb.type.KerberosTime;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionType;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.kerberos.KerberosDissector;

/** Decryption with keys the test KDC made, the evidence a wrong key leaves, and the corpus keytab. */
class KeytabDecryptionTest {
    private static Exchanges x;
    private final KerberosDissector dissector = new KerberosDissector();

    @BeforeAll
    static void exchange() throws Exception {
        x = Exchanges.get();
    }

    private Map<String, Object> dissectToken(byte[] token, FakeContext ctx) {
        int before = ctx.events("kerberos").size();
        dissector.dissect(Pdu.detached(ByteBuffer.wrap(token), "base64"), ctx);
        List<Map<String, Object>> ev = ctx.events("kerberos");
        assertEquals(before + 1, ev.size(), ctx.diagnostics.toString());
        return ev.get(ev.size() - 1);
    }

    @Test
    void everyKdcKeyOpensTheWholeExchange() {
        FakeContext ctx = new FakeContext("kerberos", "udp").withKeytabs(List.of(x.kdc.allKeytab));
        for (KdcFixture.Captured c : Exchanges.udp(x.jdkUdp)) {
            dissector.dissect(Pdu.detached(ByteBuffer.wrap(c.bytes()), "udp"), ctx);
        }
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        Map<String, Object> asRep = ctx.events("kerberos").stream().filter(e -> "AS-REP".equals(e.get("msgType")))
                .findFirst().orElseThrow();
        Map<?, ?> dec = (Map<?, ?>) asRep.get("decrypted");
        assertNotNull(dec, asRep.toString());
        assertEquals("alice", dec.get("cname"), "the TGT, opened with the krbtgt key");
        assertTrue(((List<?>) dec.get("flags")).contains("initial"));
        assertNotNull(dec.get("sessionEtype"), "the reply part, opened with alice's key");
        Map<String, Object> tgsRep = ctx.events("kerberos").stream().filter(e -> "TGS-REP".equals(e.get("msgType")))
                .findFirst().orElseThrow();
        Map<?, ?> tdec = (Map<?, ?>) tgsRep.get("decrypted");
        assertEquals("alice", tdec.get("cname"), "the service ticket, opened with the service key");
        assertNotNull(tdec.get("replyNonce"), "the reply part, opened with the TGT session key learned before");
        Map<String, Object> tgsReq = ctx.events("kerberos").stream().filter(e -> "TGS-REQ".equals(e.get("msgType")))
                .findFirst().orElseThrow();
        assertNotNull(((Map<?, ?>) tgsReq.get("decrypted")).get("ctime"), "the TGS authenticator");
    }

    @Test
    void serviceKeytabOpensTicketAuthenticatorAndApRep() {
        FakeContext ctx = new FakeContext("kerberos", "tcp").carriedBy("http").withKeytabs(List.of(x.kdc.serviceKeytab));
        Map<String, Object> ap = dissectToken(x.apReqToken, ctx);
        Map<?, ?> dec = (Map<?, ?>) ap.get("decrypted");
        assertNotNull(dec, ap.toString());
        assertNull(ap.get("decryptError"));
        assertEquals("alice", dec.get("cname"));
        assertEquals(KdcFixture.REALM, dec.get("crealm"));
        Instant ctime = Instant.parse((String) dec.get("ctime"));
        assertTrue(Duration.between(ctime, Instant.now()).abs().toMinutes() < 30, "authenticator time " + ctime);
        Instant.parse((String) dec.get("authtime"));
        Instant.parse((String) dec.get("endtime"));
        assertTrue(((List<?>) dec.get("gssFlags")).contains("mutual"), dec.toString());
        assertTrue(((List<?>) dec.get("gssFlags")).contains("confidentiality"), dec.toString());
        String all = ap.toString();
        assertTrue(!all.contains("keyvalue") && !all.contains("cipher"), "no key or cipher bytes in the event");
        Map<String, Object> rep = dissectToken(x.apRepToken, ctx);
        assertNotNull(rep.get("decrypted"), "the AP-REP, opened with the session key the ticket gave");
        Instant.parse((String) ((Map<?, ?>) rep.get("decrypted")).get("ctime"));
    }

    @Test
    void aStaleKvnoIsReportedAsSuch(@TempDir Path dir) throws IOException {
        FakeContext probe = new FakeContext("kerberos", "tcp");
        int kvno = (Integer) ((Map<?, ?>) dissectToken(x.apReqToken, probe).get("ticket")).get("kvno");
        int etype = (Integer) ((Map<?, ?>) dissectToken(x.apReqToken, probe).get("ticket")).get("etype");
        Path stale = keytab(dir.resolve("stale.keytab"), kvno + 1, etype);
        Map<String, Object> ap = dissectToken(x.apReqToken, new FakeContext("kerberos", "tcp").withKeytabs(List.of(stale)));
        assertNull(ap.get("decrypted"));
        assertEquals("kvno mismatch: ticket kvno " + kvno + ", keytab has " + (kvno + 1), ap.get("decryptError"));

        Path wrong = keytab(dir.resolve("wrong.keytab"), kvno, etype);
        ap = dissectToken(x.apReqToken, new FakeContext("kerberos", "tcp").withKeytabs(List.of(wrong)));
        assertEquals("integrity check failed", ap.get("decryptError"));

        int other = etype == 17 ? 18 : 17;
        Path otherEtype = keytab(dir.resolve("other.keytab"), kvno, other);
        ap = dissectToken(x.apReqToken, new FakeContext("kerberos", "tcp").withKeytabs(List.of(otherEtype)));
        assertEquals("no key for etype " + etype + " kvno " + kvno, ap.get("decryptError"));
    }

    @Test
    void anUnreadableKeytabIsADiagnostic(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.keytab"), "not a keytab");
        FakeContext ctx = new FakeContext("kerberos", "tcp").withKeytabs(List.of(junk));
        Map<String, Object> ap = dissectToken(x.apReqToken, ctx);
        assertEquals("AP-REQ", ap.get("msgType"));
        assertTrue(ctx.diagnostics.stream().anyMatch(d -> d.contains("junk.keytab")), ctx.diagnostics.toString());
    }

    /** A keytab holding one random key of this kvno and etype for the test service. */
    private static Path keytab(Path file, int kvno, int etype) throws IOException {
        EncryptionType et = EncryptionType.fromValue(etype);
        byte[] key = new byte[et == EncryptionType.AES128_CTS_HMAC_SHA1_96 ? 16 : 32];
        new SecureRandom().nextBytes(key);
        Keytab kt = new Keytab();
        kt.addEntry(new KeytabEntry(new PrincipalName(KdcFixture.SERVICE), new KerberosTime(), kvno,
                new EncryptionKey(et, key, kvno)));
        kt.store(file.toFile());
        return file;
    }

    /**
     * The corpus's smb2_krb.keytab holds a host/ key that decrypts a cifs/ ticket: keys are matched by etype
     * and value when the names differ.
     */
    @Test
    void corpusKeytabOpensTheCifsTicket() throws Exception {
        Path shared = RepoRoot.shared();
        Assumptions.assumeTrue(shared != null, "the reference corpus (../shared) is not here: skipped");
        Path dir = shared.resolve("corpus/captures/zeek/krb");
        Path keytab = dir.resolve("smb2_krb.keytab");
        Assumptions.assumeTrue(Files.exists(keytab), "smb2_krb.keytab absent: skipped");
        byte[] blob = securityBlob(dir.resolve("smb2_krb.pcap"));
        Assumptions.assumeTrue(blob != null, "tshark is not installed or found no AP-REQ: skipped");
        int at = KerberosDissectorTest.indexOf(blob, HexFormat.of().parseHex("06092a864886f71201020201006e"));
        assertTrue(at > 0, "the SPNEGO blob carries a krb5 AP-REQ");
        byte[] apReq = java.util.Arrays.copyOfRange(blob, at + 13, blob.length);
        FakeContext ctx = new FakeContext("kerberos", "tcp").carriedBy("smb2").withKeytabs(List.of(keytab));
        dissector.dissect(Pdu.detached(ByteBuffer.wrap(apReq), "smb2"), ctx);
        Map<String, Object> ap = ctx.events("kerberos").get(0);
        assertEquals("cifs/phxlabbal821.techlab.susq.com", ap.get("sname"));
        Map<?, ?> dec = (Map<?, ?>) ap.get("decrypted");
        assertNotNull(dec, ap + " " + ctx.diagnostics);
        assertTrue(String.valueOf(dec.get("key")).startsWith("host/"), "decrypted by the host/ key: " + dec);
        assertNotNull(dec.get("cname"));
        assertNotNull(dec.get("ctime"));
        Map<?, ?> pac = (Map<?, ?>) dec.get("pac");
        assertNotNull(pac, "an Active Directory ticket carries a PAC: " + dec);
        assertTrue(String.valueOf(pac.get("userSid")).startsWith("S-1-5-21-"), pac.toString());
        System.out.println("smb2_krb AP-REQ decrypted: cname=" + dec.get("cname") + " logonDomain="
                + pac.get("logonDomain") + " groups=" + ((List<?>) pac.get("groupSids")).size());
    }

    private static byte[] securityBlob(Path capture) {
        try {
            Process p = new ProcessBuilder("tshark", "-r", capture.toString(), "-Y", "kerberos.ap_req_element",
                    "-T", "fields", "-e", "smb2.security_blob").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            if (out.isEmpty()) {
                return null;
            }
            return HexFormat.of().parseHex(out.split("\n")[0].replace(":", "").trim());
        } catch (IOException | InterruptedException | IllegalArgumentException e) {
            return null;
        }
    }
}
