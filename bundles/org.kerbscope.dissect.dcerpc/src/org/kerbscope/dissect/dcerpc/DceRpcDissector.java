package org.kerbscope.dissect.dcerpc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;

/**
 * Connection-oriented DCE/RPC (C706 chapter 12, MS-RPCE 2.2.2): frames PDUs by their fragment length and hands the
 * authentication token of bind, bind_ack, alter_context(_resp) and auth3 PDUs (the sec_trailer's auth value) to
 * the GSS dissectors, so Kerberos and NTLMSSP carried by RPC (DRSUAPI, SVCCTL, DCOM activation) are read with
 * carrier {@code dcerpc}. Request and response verifiers are signatures, not tokens, and are left alone.
 */
public final class DceRpcDissector implements Dissector {
    private static final int HEADER = 16;
    private static final int TRAILER = 8;
    /** The largest fragment MS-RPCE lets peers negotiate; more means these bytes are not DCE/RPC. */
    private static final int MAX_FRAG = 65535;

    static String ptype(int t) {
        return switch (t) {
            case 0 -> "request";
            case 2 -> "response";
            case 3 -> "fault";
            case 11 -> "bind";
            case 12 -> "bind_ack";
            case 13 -> "bind_nak";
            case 14 -> "alter_context";
            case 15 -> "alter_context_resp";
            case 16 -> "auth3";
            case 17 -> "shutdown";
            case 18 -> "co_cancel";
            case 19 -> "orphaned";
            default -> "unknown (" + t + ")";
        };
    }

    static String authType(int t) {
        return switch (t) {
            case 0 -> "none";
            case 9 -> "spnego";
            case 10 -> "ntlmssp";
            case 14 -> "schannel";
            case 16 -> "kerberos";
            case 0x44 -> "netlogon";
            default -> "unknown (" + t + ")";
        };
    }

    /** Whether these bytes start a plausible connection-oriented PDU header. */
    static boolean header(ByteBuffer b) {
        if (b.limit() < HEADER) {
            return false;
        }
        int vers = b.get(0) & 0xff, minor = b.get(1) & 0xff, type = b.get(2) & 0xff, drep = b.get(4) & 0xff;
        if (vers != 5 || minor > 1 || type > 19 || (drep & 0xe0) != 0 && (drep & 0xf0) != 0x10) {
            return false;
        }
        int frag = fragLength(b);
        return frag >= HEADER && frag <= MAX_FRAG && (b.get(5) & 0xff) <= 3 && b.get(6) == 0 && b.get(7) == 0;
    }

    private static boolean little(ByteBuffer b) {
        return (b.get(4) & 0x10) != 0;
    }

    private static int u16(ByteBuffer b, int off) {
        int x = b.get(off) & 0xff, y = b.get(off + 1) & 0xff;
        return little(b) ? x | y << 8 : x << 8 | y;
    }

    private static int fragLength(ByteBuffer b) {
        return u16(b, 8);
    }

    @Override
    public boolean accepts(Pdu pdu, String transport) {
        try {
            return "tcp".equals(transport) && header(pdu.data()) && fragLength(pdu.data()) <= pdu.length()
                    || "tcp".equals(transport) && header(pdu.data()) && (pdu.data().get(2) & 0xff) == 11;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public StreamFramer newFramer(ConversationState conversation, boolean fromClient) {
        return buffered -> {
            if (buffered.limit() < HEADER) {
                return StreamFramer.NEED_MORE;
            }
            if (!header(buffered)) {
                return StreamFramer.REJECT;
            }
            return StreamFramer.pdu(fragLength(buffered));
        };
    }

    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        ByteBuffer b = pdu.data().duplicate().order(ByteOrder.BIG_ENDIAN);
        FieldNode tree = ctx.tree();
        if (!header(b)) {
            ctx.diagnostic("dcerpc", "malformed: not a DCE/RPC connection-oriented header");
            if (tree != null) {
                tree.malformed("not a DCE/RPC header", pdu.abs(0), pdu.length());
            }
            return;
        }
        int type = b.get(2) & 0xff;
        int frag = fragLength(b);
        int authLen = u16(b, 10);
        int end = Math.min(frag, pdu.length());
        FieldNode node = tree == null ? null
                : tree.add("dcerpc", "DCE/RPC " + ptype(type) + ", fragment " + frag + " bytes", type, pdu.abs(0), end);
        if (node != null) {
            node.add("dcerpc.ptype", "Packet type: " + ptype(type) + " (" + type + ")", type, pdu.abs(2), 1);
            node.add("dcerpc.frag_length", "Fragment length: " + frag, frag, pdu.abs(8), 2);
            node.add("dcerpc.auth_length", "Auth length: " + authLen, authLen, pdu.abs(10), 2);
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("ptype", ptype(type));
        if (authLen > 0) {
            int trailer = end - authLen - TRAILER;
            if (trailer < HEADER || authLen > end) {
                ctx.diagnostic("dcerpc", "malformed: auth length " + authLen + " does not fit the " + end + "-byte fragment");
                if (node != null) {
                    node.malformed("auth length exceeds the fragment", pdu.abs(10), 2);
                }
            } else {
                int at = b.get(trailer) & 0xff;
                int level = b.get(trailer + 1) & 0xff;
                ev.put("authType", authType(at));
                ev.put("authLevel", level);
                FieldNode auth = node == null ? null
                        : node.add("dcerpc.auth", "Auth: " + authType(at) + ", level " + level + ", " + authLen + " bytes",
                                at, pdu.abs(trailer), TRAILER + authLen);
                boolean token = type == 11 || type == 12 || type == 14 || type == 15 || type == 16;
                if (token && at != 0 && at != 14 && at != 0x44) {
                    String inner = ctx.callHeuristic("gss", pdu.slice(trailer + TRAILER, authLen), auth);
                    if (inner != null) {
                        ev.put("token", inner);
                    }
                }
            }
        }
        ctx.emit("dcerpc", ev);
    }
}
