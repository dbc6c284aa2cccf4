package org.kerbscope.dissect.ntlm.tests;

import org.kerbscope.testing.FakeContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.ntlm.NtlmsspDissector;

/** The three NTLMSSP messages, built from MS-NLMP's structures, as HTTP would hand them over. */
class NtlmsspDissectorTest {
    private final NtlmsspDissector dissector = new NtlmsspDissector();

    private Map<String, Object> dissect(byte[] msg, FakeContext ctx) {
        dissector.dissect(Pdu.detached(ByteBuffer.wrap(msg), "base64"), ctx);
        List<Map<String, Object>> ev = ctx.events("ntlm");
        assertFalse(ev.isEmpty(), ctx.diagnostics.toString());
        return ev.get(ev.size() - 1);
    }

    @Test
    void negotiateNamesItsOemDomainAndWorkstation() {
        int flags = NtlmMessages.UNICODE | NtlmMessages.OEM | NtlmMessages.REQUEST_TARGET | NtlmMessages.NTLM
                | NtlmMessages.DOMAIN_SUPPLIED | NtlmMessages.WORKSTATION_SUPPLIED | NtlmMessages.VERSION;
        FakeContext ctx = new FakeContext("ntlmssp", "tcp").carriedBy("http");
        Map<String, Object> ev = dissect(NtlmMessages.negotiate(flags, "CONTOSO", "CLIENT1"), ctx);
        assertEquals("http", ev.get("carrier"));
        assertEquals("NEGOTIATE", ev.get("messageType"));
        assertEquals("CONTOSO", ev.get("domain"));
        assertEquals("CLIENT1", ev.get("workstation"));
        assertEquals("10.0.19041", ev.get("version"));
        assertTrue(((List<?>) ev.get("flags")).containsAll(List.of("NEGOTIATE_UNICODE", "NEGOTIATE_NTLM",
                "NEGOTIATE_VERSION")));
        assertTrue(ctx.diagnostics.isEmpty());
    }

    @Test
    void challengeListsTargetAndAvPairs() {
        int flags = NtlmMessages.UNICODE | NtlmMessages.NTLM | NtlmMessages.TARGET_INFO | NtlmMessages.VERSION
                | NtlmMessages.EXTENDED_SESSIONSECURITY;
        long now = System.currentTimeMillis();
        byte[] ti = NtlmMessages.avPairs(2, "CONTOSO", 1, "IISSERVER", 4, "contoso.com", 3, "iisserver.contoso.com",
                7, NtlmMessages.u64(NtlmMessages.filetime(now)));
        Map<String, Object> ev = dissect(NtlmMessages.challenge(flags, "CONTOSO", ti), new FakeContext("ntlmssp", "tcp")
                .carriedBy("http"));
        assertEquals("CHALLENGE", ev.get("messageType"));
        assertEquals("CONTOSO", ev.get("targetName"));
        Map<?, ?> av = (Map<?, ?>) ev.get("avPairs");
        assertEquals("iisserver.contoso.com", av.get("dnsComputerName"));
        assertEquals("contoso.com", av.get("dnsDomainName"));
        assertEquals("IISSERVER", av.get("nbComputerName"));
        Instant t = Instant.parse((String) av.get("timestamp"));
        assertTrue(Duration.between(t, Instant.ofEpochMilli(now)).abs().getSeconds() <= 1);
        assertFalse(ev.toString().contains("challenge="), "the server challenge is not an event value");
    }

    @Test
    void authenticateV2WithMicInUnicode() {
        int flags = NtlmMessages.UNICODE | NtlmMessages.NTLM | NtlmMessages.VERSION | NtlmMessages.KEY_EXCH
                | NtlmMessages.EXTENDED_SESSIONSECURITY | NtlmMessages.TARGET_INFO;
        byte[] av = NtlmMessages.avPairs(2, "CONTOSO", 6, NtlmMessages.u32(0x2), 9, "HTTP/iisserver.contoso.com",
                10, new byte[16]);
        FakeContext ctx = new FakeContext("ntlmssp", "tcp").carriedBy("http").withTree();
        Map<String, Object> ev = dissect(NtlmMessages.authenticate(flags, "CONTOSO", "John", "CLIENT1", true, av,
                true), ctx);
        assertEquals("AUTHENTICATE", ev.get("messageType"));
        assertEquals("CONTOSO", ev.get("domain"));
        assertEquals("John", ev.get("user"));
        assertEquals("CLIENT1", ev.get("workstation"));
        assertEquals("v2", ev.get("ntlmVersion"));
        assertEquals(Boolean.TRUE, ev.get("mic"));
        Map<?, ?> pairs = (Map<?, ?>) ev.get("avPairs");
        assertEquals("HTTP/iisserver.contoso.com", pairs.get("targetName"));
        assertEquals(Boolean.TRUE, pairs.get("channelBindings"));
        assertEquals(24, ev.get("lmResponseLength"));
        assertTrue((Integer) ev.get("ntResponseLength") > 48);
        FieldNode nt = ctx.tree.find("ntlmssp.auth.ntresponse");
        assertTrue(nt.label().matches("NTLM Response: <\\d+ bytes>"), "responses are shown as lengths only");
        FieldNode user = ctx.tree.find("ntlmssp.auth.username");
        assertEquals(8, user.range().length(), "\"John\" in UTF-16");
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
    }

    @Test
    void authenticateV1InOem() {
        int flags = NtlmMessages.OEM | NtlmMessages.NTLM;
        Map<String, Object> ev = dissect(NtlmMessages.authenticate(flags, "WORKGROUP", "mikeg", "KALI", false,
                new byte[0], false), new FakeContext("ntlmssp", "tcp").carriedBy("smb2"));
        assertEquals("smb2", ev.get("carrier"));
        assertEquals("WORKGROUP", ev.get("domain"));
        assertEquals("mikeg", ev.get("user"));
        assertEquals("KALI", ev.get("workstation"));
        assertEquals("v1", ev.get("ntlmVersion"));
        assertEquals(Boolean.FALSE, ev.get("mic"));
        assertNull(ev.get("version"), "no NEGOTIATE_VERSION flag, no version");
    }

    @Test
    void anonymousAuthenticateHasEmptyNames() {
        Map<String, Object> ev = dissect(NtlmMessages.authenticate(NtlmMessages.UNICODE, "", "", "", false,
                new byte[0], false), new FakeContext("ntlmssp", "tcp"));
        assertEquals("", ev.get("user"));
        assertEquals("", ev.get("domain"));
        assertEquals("tcp", ev.get("carrier"), "with no carrier, the transport");
    }

    @Test
    void heuristicAndBrokenMessages() {
        byte[] good = NtlmMessages.negotiate(NtlmMessages.OEM, "D", "W");
        assertTrue(dissector.accepts(Pdu.detached(ByteBuffer.wrap(good), "t"), "tcp"));
        assertFalse(dissector.accepts(Pdu.detached(ByteBuffer.wrap(new byte[] { 0x60, 3, 6, 1, 0 }), "t"), "tcp"));
        byte[] auth = NtlmMessages.authenticate(NtlmMessages.UNICODE, "CONTOSO", "John", "CLIENT1", true,
                NtlmMessages.avPairs(6, NtlmMessages.u32(2)), true);
        for (int cut = 0; cut < auth.length; cut++) {
            FakeContext ctx = new FakeContext("ntlmssp", "tcp").withTree();
            dissector.dissect(Pdu.detached(ByteBuffer.wrap(auth, 0, cut).slice(), "t"), ctx);
            dissector.accepts(Pdu.detached(ByteBuffer.wrap(auth, 0, cut).slice(), "t"), "tcp");
            assertFalse(ctx.diagnostics.isEmpty(), "cut at " + cut);
        }
        // a user name field pointing far outside the message
        byte[] bad = auth.clone();
        ByteBuffer.wrap(bad).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(36 + 4, 0x7fff0000);
        FakeContext ctx = new FakeContext("ntlmssp", "tcp");
        dissector.dissect(Pdu.detached(ByteBuffer.wrap(bad), "t"), ctx);
        assertTrue(ctx.diagnostics.get(0).contains("runs past"), ctx.diagnostics.toString());
        Map<String, Object> partial = ctx.events("ntlm").get(0);
        assertEquals("AUTHENTICATE", partial.get("messageType"));
        assertNotNull(partial.get("malformed"));
    }
}
