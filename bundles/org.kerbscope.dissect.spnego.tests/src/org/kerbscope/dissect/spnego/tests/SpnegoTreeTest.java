package org.kerbscope.dissect.spnego.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.ntlm.NtlmsspDissector;
import org.kerbscope.dissect.spnego.SpnegoDissector;
import org.kerbscope.testing.FakeContext;

/**
 * What the workbench shows for SPNEGO, label by label. The dissector builds labels apart from the fast path
 * that the analysis takes; these tests pin the text it must keep. Tokens are built from RFC 4178 and MS-SPNG.
 */
class SpnegoTreeTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] OID_SPNEGO = HEX.parseHex("06062b0601050502");
    private static final byte[] OID_KRB5 = HEX.parseHex("06092a864886f712010202");
    private static final byte[] OID_MS_KRB5 = HEX.parseHex("06092a864882f712010202");
    private static final byte[] OID_NTLM = HEX.parseHex("060a2b06010401823702020a");
    private static final byte[] OID_NEGOEX = HEX.parseHex("060a2b06010401823702021e");
    /** 1.2.752.43.14.2, a mechanism this dissector has no name for. */
    private static final byte[] OID_OTHER = HEX.parseHex("06062a85702b0e02");

    private final SpnegoDissector spnego = new SpnegoDissector();

    private FakeContext context() {
        FakeContext ctx = new FakeContext("spnego", "tcp").carriedBy("http").withTree();
        ctx.table.put("gss.oid=1.3.6.1.4.1.311.2.2.10", new NtlmsspDissector());
        return ctx;
    }

    @Test
    void negTokenInitTreeLabels() {
        // mechTypes, reqFlags (mutual, replay, integ), an NTLM NEGOTIATE as mechToken, a 16-byte mechListMIC
        byte[] token = tlv(0x60, OID_SPNEGO, tlv(0xa0, tlv(0x30,
                tlv(0xa0, tlv(0x30, OID_MS_KRB5, OID_KRB5, OID_NTLM, OID_NEGOEX, OID_OTHER)),
                tlv(0xa1, tlv(0x03, new byte[] { 1, 0x62 })),
                tlv(0xa2, tlv(0x04, ntlmNegotiate())),
                tlv(0xa3, tlv(0x04, new byte[16])))));
        FakeContext ctx = context();
        spnego.dissect(Pdu.detached(ByteBuffer.wrap(token), "base64"), ctx);
        assertTrue(ctx.diagnostics.isEmpty(), ctx.diagnostics.toString());
        assertEquals(List.of(
                "frame | Frame | 0+0",
                " spnego.thisMech | thisMech: 1.3.6.1.5.5.2 (SPNEGO) | 3+8",
                " spnego.negTokenInit_element | negTokenInit | 11+124",
                "  spnego.mechTypes | mechTypes | 15+58",
                "   spnego.MechType | MechType: 1.2.840.48018.1.2.2 (MS Kerberos 5) | 19+11",
                "   spnego.MechType | MechType: 1.2.840.113554.1.2.2 (Kerberos 5) | 30+11",
                "   spnego.MechType | MechType: 1.3.6.1.4.1.311.2.2.10 (NTLMSSP) | 41+12",
                "   spnego.MechType | MechType: 1.3.6.1.4.1.311.2.2.30 (NEGOEX) | 53+12",
                "   spnego.MechType | MechType: 1.2.752.43.14.2 (1.2.752.43.14.2) | 65+8",
                "  spnego.reqFlags | reqFlags: [mutualFlag, replayFlag, integFlag] | 73+6",
                // the mechToken is handed on after the whole sequence is read, so it comes last
                "  spnego.mechListMIC | mechListMIC: <16 bytes> | 115+20",
                "  spnego.mechToken | mechToken: <32 bytes> | 81+34",
                // a detached token (base64 from HTTP): the nested ranges are relative to the mechToken
                "   ntlmssp | NTLM Secure Service Provider | 0+32",
                "    ntlmssp.messagetype | NTLM Message Type: NEGOTIATE (0x1) | 8+4",
                "    ntlmssp.negotiateflags | Negotiate Flags: 0x00000202 [NEGOTIATE_OEM, NEGOTIATE_NTLM] | 12+4",
                "    ntlmssp.negotiate.domain | Calling workstation domain: NULL | 16+8",
                "    ntlmssp.negotiate.workstation | Calling workstation name: NULL | 24+8"), lines(ctx.tree));
        Map<String, Object> ev = ctx.events("spnego").get(0);
        assertEquals(List.of("MS Kerberos 5", "Kerberos 5", "NTLMSSP", "NEGOEX", "1.2.752.43.14.2"),
                ev.get("mechTypes"));
        assertEquals(List.of("mutualFlag", "replayFlag", "integFlag"), ev.get("reqFlags"));
        assertEquals("NTLMSSP", ev.get("innerMech"));
    }

    @Test
    void negTokenInit2AndRespTreeLabels() {
        byte[] init2 = tlv(0xa0, tlv(0x30, tlv(0xa0, tlv(0x30, OID_KRB5)),
                tlv(0xa3, tlv(0x30, tlv(0xa0, tlv(0x1b, "host/dc@EXAMPLE".getBytes(StandardCharsets.US_ASCII))),
                        tlv(0xa1, tlv(0x30, new byte[4]))))));
        byte[] resp = tlv(0xa1, tlv(0x30, tlv(0xa0, new byte[] { 0x0a, 1, 7 }), tlv(0xa1, OID_NTLM),
                tlv(0xa3, tlv(0x04, new byte[16]))));
        FakeContext ctx = context();
        spnego.dissect(Pdu.detached(ByteBuffer.wrap(init2), "t"), ctx);
        spnego.dissect(Pdu.detached(ByteBuffer.wrap(resp), "t"), ctx);
        spnego.dissect(Pdu.detached(ByteBuffer.wrap(new byte[] { (byte) 0xa5, 2, 0x30, 0 }), "t"), ctx);
        assertEquals(List.of(
                "frame | Frame | 0+0",
                " spnego.negTokenInit_element | negTokenInit | 0+50",
                "  spnego.mechTypes | mechTypes | 4+15",
                "   spnego.MechType | MechType: 1.2.840.113554.1.2.2 (Kerberos 5) | 8+11",
                "  spnego.negHints_element | negHints | 21+29",
                "   spnego.hintName | hintName: host/dc@EXAMPLE | 23+19",
                "   spnego.hintAddress | hintAddress: <6 bytes> | 42+8",
                " spnego.negTokenTarg_element | negTokenTarg | 0+43",
                "  spnego.negResult | negResult: unknown (7) (7) | 4+5",
                "  spnego.supportedMech | supportedMech: 1.3.6.1.4.1.311.2.2.10 (NTLMSSP) | 9+14",
                "  spnego.mechListMIC | mechListMIC: <16 bytes> | 23+20",
                " _ws.malformed | [Malformed: NegotiationToken expected, found tag 0xa5] | 0+4"), lines(ctx.tree));
    }

    private static List<String> lines(FieldNode root) {
        List<String> out = new ArrayList<>();
        walk(root, "", out);
        return out;
    }

    private static void walk(FieldNode n, String indent, List<String> out) {
        out.add(indent + n.name() + " | " + n.label() + " | " + n.range().offset() + "+" + n.range().length());
        for (FieldNode c : n.children()) {
            walk(c, indent + " ", out);
        }
    }

    /** A 32-byte NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1): NTLM | OEM, no names. */
    private static byte[] ntlmNegotiate() {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(0x00000202);
        b.putShort((short) 0).putShort((short) 0).putInt(32).putShort((short) 0).putShort((short) 0).putInt(32);
        return b.array();
    }

    private static byte[] tlv(int tag, byte[]... parts) {
        return SpnegoDissectorTest.tlv(tag, parts); // DER, definite lengths
    }
}
