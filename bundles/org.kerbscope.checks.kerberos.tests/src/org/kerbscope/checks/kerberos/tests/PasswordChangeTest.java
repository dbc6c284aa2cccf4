package org.kerbscope.checks.kerberos.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;
import org.kerbscope.lab.record.LabEndpoint;
import org.kerbscope.lab.record.Recorder;

/**
 * A password change refused by the kpasswd service (port 464, RFC 3244), over UDP and TCP, written by the lab's
 * recorder. The messages are DER written here after RFC 4120's ASN.1 (an AP-REQ for kadmin/changepw whose ticket and
 * authenticator are opaque cipher text, a KRB-PRIV, a KRB-ERROR whose e-data holds the result).
 */
class PasswordChangeTest {

    private static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            c.writeBytes(p);
        }
        int n = c.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(c.toByteArray());
        return out.toByteArray();
    }

    private static byte[] integer(int v) {
        return der(0x02, new byte[] {(byte) v});
    }

    private static byte[] string(String s) {
        return der(0x1b, s.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] field(int n, byte[] v) {
        return der(0xa0 | n, v);
    }

    private static byte[] encrypted(int length) {
        return der(0x30, field(0, integer(18)), field(2, der(0x04, new byte[length])));
    }

    private static final byte[] CHANGEPW = der(0x30, field(0, integer(2)), field(1, der(0x30, string("kadmin"), string("changepw"))));

    static byte[] apReq() {
        byte[] ticket = der(0x61, der(0x30, field(0, integer(5)), field(1, string("CONTOSO.COM")), field(2, CHANGEPW),
                field(3, encrypted(200))));
        return der(0x6e, der(0x30, field(0, integer(5)), field(1, integer(14)), field(2, der(0x03, new byte[] {0, 0, 0, 0, 0})),
                field(3, ticket), field(4, encrypted(120))));
    }

    static byte[] krbPriv() {
        return der(0x75, der(0x30, field(0, integer(5)), field(1, integer(21)), field(3, encrypted(60))));
    }

    static byte[] krbError(int result, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] data = ByteBuffer.allocate(2 + t.length).putShort((short) result).put(t).array();
        return der(0x7e, der(0x30, field(0, integer(5)), field(1, integer(30)), field(4, der(0x18,
                "20221128005930Z".getBytes(StandardCharsets.US_ASCII))), field(5, integer(0)), field(6, integer(60)),
                field(9, string("CONTOSO.COM")), field(10, CHANGEPW), field(12, der(0x04, data))));
    }

    static byte[] kpasswd(byte[] ap, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(6 + ap.length + rest.length);
        return b.putShort((short) b.capacity()).putShort((short) 1).putShort((short) ap.length).put(ap).put(rest).array();
    }

    @Test
    void aRefusedChangeNamesTheResultTheServerGave(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("kpasswd.pcapng");
        LabEndpoint dc = new LabEndpoint("192.168.2.10", 464);
        LabEndpoint alice = new LabEndpoint("192.168.2.101", 51000);
        LabEndpoint bob = new LabEndpoint("192.168.2.102", 51001);
        try (Recorder r = new Recorder(capture, "kpasswd refused")) {
            byte[] req = kpasswd(apReq(), krbPriv());
            r.udp(alice, dc, req, 0, req.length);
            byte[] rep = kpasswd(new byte[0], krbError(4, "The password does not meet the password policy requirements"));
            r.udp(dc, alice, rep, 0, rep.length);
            Recorder.TcpFlow flow = r.connect(bob, dc);
            byte[] tcpReq = ByteBuffer.allocate(4 + req.length).putInt(req.length).put(req).array();
            flow.data(true, tcpReq, 0, tcpReq.length);
            byte[] refused = kpasswd(new byte[0], krbError(7, "Password change requires an initial ticket"));
            byte[] tcpRep = ByteBuffer.allocate(4 + refused.length).putInt(refused.length).put(refused).array();
            flow.data(false, tcpRep, 0, tcpRep.length);
        }
        Analysis a = new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(capture, capture.toString(),
                List.of(), Progress.NONE);
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        List<Event> krb = a.events("kerberos");
        assertEquals(List.of("AP-REQ", "KRB-PRIV", "KRB-ERROR", "AP-REQ", "KRB-PRIV", "KRB-ERROR"),
                krb.stream().map(e -> e.string("msgType")).toList());
        assertEquals("kadmin/changepw", krb.get(0).string("sname"));
        assertEquals("kdc-tcp", krb.get(5).string("carrier"));

        List<Finding> f = a.findings().stream().filter(x -> x.id().equals("kerberos.password-change-refused")).toList();
        assertEquals(2, f.size(), a.findings().toString());
        assertEquals("The password change from 192.168.2.101 was refused: KRB5_KPASSWD_SOFTERROR", f.get(0).title());
        assertTrue(f.get(0).explanation().contains("password policy"), f.get(0).explanation());
        assertTrue(f.get(0).explanation().contains("\"The password does not meet the password policy requirements\""));
        assertEquals(List.of(krb.get(0).frame(), krb.get(2).frame()), f.get(0).evidence().stream().map(Finding.Evidence::frame).toList());
        assertEquals("The password change from 192.168.2.102 was refused: KRB5_KPASSWD_INITIAL_FLAG_NEEDED", f.get(1).title());
        assertEquals(Map.of("kind", "reply", "version", 1, "resultCode", 7, "resultName", "KRB5_KPASSWD_INITIAL_FLAG_NEEDED",
                "resultText", "Password change requires an initial ticket"), krb.get(5).fields().get("kpasswd"));
    }
}
