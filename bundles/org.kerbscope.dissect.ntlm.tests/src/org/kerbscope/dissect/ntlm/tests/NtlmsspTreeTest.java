package org.kerbscope.dissect.ntlm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.ntlm.NtlmsspDissector;
import org.kerbscope.testing.FakeContext;

/**
 * What the workbench shows for NTLMSSP, label by label, and the text of the times in events. The dissector
 * builds labels apart from the fast path that the analysis takes; these tests pin the text it must keep.
 */
class NtlmsspTreeTest {
    private static final long FILETIME_2024_05_01_093000 = (1_714_555_800L + 11_644_473_600L) * 10_000_000L;

    private final NtlmsspDissector dissector = new NtlmsspDissector();

    @Test
    void authenticateTreeLabels() {
        int flags = NtlmMessages.UNICODE | NtlmMessages.NTLM | NtlmMessages.VERSION | NtlmMessages.KEY_EXCH
                | NtlmMessages.EXTENDED_SESSIONSECURITY | NtlmMessages.TARGET_INFO | NtlmMessages.ALWAYS_SIGN
                | 0x400;
        byte[] av = NtlmMessages.avPairs(2, "CONTOSO", 1, "IISSERVER", 6, NtlmMessages.u32(0x2), 7,
                NtlmMessages.u64(FILETIME_2024_05_01_093000), 9, "HTTP/iisserver.contoso.com", 10, new byte[16],
                0x77, new byte[3]);
        byte[] msg = NtlmMessages.authenticate(flags, "CONTOSO", "John", "CLIENT1", true, av, true);
        FakeContext ctx = new FakeContext("ntlmssp", "tcp").carriedBy("http").withTree();
        dissector.dissect(Pdu.detached(ByteBuffer.wrap(msg), "base64"), ctx);
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        assertEquals(List.of(
                "ntlmssp | NTLM Secure Service Provider | null | 0+359",
                " ntlmssp.messagetype | NTLM Message Type: AUTHENTICATE (0x3) | null | 8+4",
                " ntlmssp.auth.domain | Domain name: CONTOSO | CONTOSO | 307+14",
                " ntlmssp.auth.username | User name: John | John | 321+8",
                " ntlmssp.auth.hostname | Host name: CLIENT1 | CLIENT1 | 329+14",
                " ntlmssp.auth.lmresponse | LMv2/LM Response: <24 bytes> | null | 88+24",
                " ntlmssp.auth.ntresponse | NTLM Response: <195 bytes> | null | 112+195",
                "  ntlmssp.avpair | nbDomainName: CONTOSO | CONTOSO | 156+18",
                "  ntlmssp.avpair | nbComputerName: IISSERVER | IISSERVER | 174+22",
                "  ntlmssp.avpair | flags: 2 | 2 | 196+8",
                "  ntlmssp.avpair | timestamp: 2024-05-01T09:30:00Z | 2024-05-01T09:30:00Z | 204+12",
                "  ntlmssp.avpair | targetName: HTTP/iisserver.contoso.com | HTTP/iisserver.contoso.com | 216+56",
                "  ntlmssp.avpair | channelBindings: true | true | 272+20",
                "  ntlmssp.avpair | av119: 3 | 3 | 292+7",
                " ntlmssp.auth.sesskey | Session Key: <16 bytes> | null | 343+16",
                " ntlmssp.negotiateflags | Negotiate Flags: 0x42888601 [NEGOTIATE_UNICODE, NEGOTIATE_NTLM, 0x400,"
                        + " NEGOTIATE_ALWAYS_SIGN, NEGOTIATE_EXTENDED_SESSIONSECURITY, NEGOTIATE_TARGET_INFO,"
                        + " NEGOTIATE_VERSION, NEGOTIATE_KEY_EXCH] | null | 60+4",
                " ntlmssp.version | Version 10.0.19041 (NTLM revision 15) | null | 64+8",
                " ntlmssp.mic | MIC: <16 bytes> | null | 72+16"), lines(ctx.tree.children().get(0)));
        Map<String, Object> ev = ctx.events("ntlm").get(0);
        assertEquals(List.of("NEGOTIATE_UNICODE", "NEGOTIATE_NTLM", "0x400", "NEGOTIATE_ALWAYS_SIGN",
                "NEGOTIATE_EXTENDED_SESSIONSECURITY", "NEGOTIATE_TARGET_INFO", "NEGOTIATE_VERSION",
                "NEGOTIATE_KEY_EXCH"), ev.get("flags"));
        assertEquals("2024-05-01T09:30:00Z", ((Map<?, ?>) ev.get("avPairs")).get("timestamp"));
    }

    @Test
    void negotiateTreeLabelsWithHighFlagBit() {
        int flags = NtlmMessages.OEM | NtlmMessages.DOMAIN_SUPPLIED | NtlmMessages.WORKSTATION_SUPPLIED
                | NtlmMessages.VERSION | 0x80000000;
        FakeContext ctx = new FakeContext("ntlmssp", "tcp").withTree();
        dissector.dissect(Pdu.detached(ByteBuffer.wrap(NtlmMessages.negotiate(flags, "", "WS")), "t"), ctx);
        assertEquals(List.of(
                "ntlmssp | NTLM Secure Service Provider | null | 0+42",
                " ntlmssp.messagetype | NTLM Message Type: NEGOTIATE (0x1) | null | 8+4",
                " ntlmssp.negotiateflags | Negotiate Flags: 0x82003002 [NEGOTIATE_OEM,"
                        + " NEGOTIATE_OEM_DOMAIN_SUPPLIED, NEGOTIATE_OEM_WORKSTATION_SUPPLIED, NEGOTIATE_VERSION,"
                        + " NEGOTIATE_56] | null | 12+4",
                " ntlmssp.negotiate.domain | Calling workstation domain: NULL |  | 16+8",
                " ntlmssp.negotiate.workstation | Calling workstation name: WS | WS | 40+2",
                " ntlmssp.version | Version 10.0.19041 (NTLM revision 15) | null | 32+8"),
                lines(ctx.tree.children().get(0)));
    }

    /** Times are written as Instant.toString writes them, for any 64 bits a FILETIME can hold. */
    @Test
    void timestampsReadAsInstantWritesThem() {
        Random rnd = new Random(20_240_501);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE,
                FILETIME_2024_05_01_093000, filetimeOf(-62_167_219_200L), filetimeOf(-62_167_219_201L),
                filetimeOf(253_402_300_799L), filetimeOf(253_402_300_800L), filetimeOf(951_782_400L),
                filetimeOf(4_107_542_400L), filetimeOf(-11_644_473_600L + 86_399L)));
        for (int i = 0; i < 3000; i++) {
            values.add(switch (i % 3) {
                case 0 -> rnd.nextLong();
                case 1 -> filetimeOf(rnd.nextLong(-11_644_473_600L, 253_402_300_800L)) + rnd.nextInt(10_000_000);
                default -> filetimeOf(rnd.nextLong(0, 4_102_444_800L));
            });
        }
        for (long ft : values) {
            byte[] msg = NtlmMessages.challenge(NtlmMessages.UNICODE | NtlmMessages.TARGET_INFO, "T",
                    NtlmMessages.avPairs(7, NtlmMessages.u64(ft)));
            FakeContext ctx = new FakeContext("ntlmssp", "tcp");
            dissector.dissect(Pdu.detached(ByteBuffer.wrap(msg), "t"), ctx);
            String expected = Instant.ofEpochSecond(Math.floorDiv(ft, 10_000_000L) - 11_644_473_600L).toString();
            assertEquals(expected, ((Map<?, ?>) ctx.events("ntlm").get(0).get("avPairs")).get("timestamp"),
                    "FILETIME " + Long.toUnsignedString(ft));
        }
    }

    private static long filetimeOf(long epochSecond) {
        return (epochSecond + 11_644_473_600L) * 10_000_000L;
    }

    /** One line per node, depth by leading spaces: name | label | value | offset+length. */
    static List<String> lines(FieldNode root) {
        List<String> out = new ArrayList<>();
        walk(root, "", out);
        return out;
    }

    private static void walk(FieldNode n, String indent, List<String> out) {
        out.add(indent + n.name() + " | " + n.label() + " | " + n.value() + " | " + n.range().offset() + "+"
                + n.range().length());
        for (FieldNode c : n.children()) {
            walk(c, indent + " ", out);
        }
    }
}
