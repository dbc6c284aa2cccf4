package org.kerbscope.dissect.ntlm;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;

/**
 * NTLMSSP (MS-NLMP 2.2): NEGOTIATE, CHALLENGE and AUTHENTICATE. Emits one {@code ntlm} event per message with
 * the contract's fields (carrier, messageType, domain, user, workstation) and what a troubleshooter needs
 * besides: flags, version, target name, NTLMv1 or v2, whether a MIC is present, the target info AV pairs.
 * LM/NT responses, the server challenge and the session key are shown as lengths only.
 */
public final class NtlmsspDissector implements Dissector {
    private static final byte[] SIGNATURE = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
    private static final int UNICODE = 0x1;
    private static final int VERSION = 0x02000000;

    private static final String[] FLAG_NAMES = new String[32];
    static {
        String[][] f = { { "0", "NEGOTIATE_UNICODE" }, { "1", "NEGOTIATE_OEM" }, { "2", "REQUEST_TARGET" },
                { "4", "NEGOTIATE_SIGN" }, { "5", "NEGOTIATE_SEAL" }, { "6", "NEGOTIATE_DATAGRAM" },
                { "7", "NEGOTIATE_LM_KEY" }, { "9", "NEGOTIATE_NTLM" }, { "11", "ANONYMOUS" },
                { "12", "NEGOTIATE_OEM_DOMAIN_SUPPLIED" }, { "13", "NEGOTIATE_OEM_WORKSTATION_SUPPLIED" },
                { "15", "NEGOTIATE_ALWAYS_SIGN" }, { "16", "TARGET_TYPE_DOMAIN" }, { "17", "TARGET_TYPE_SERVER" },
                { "19", "NEGOTIATE_EXTENDED_SESSIONSECURITY" }, { "20", "NEGOTIATE_IDENTIFY" },
                { "22", "REQUEST_NON_NT_SESSION_KEY" }, { "23", "NEGOTIATE_TARGET_INFO" },
                { "25", "NEGOTIATE_VERSION" }, { "29", "NEGOTIATE_128" }, { "30", "NEGOTIATE_KEY_EXCH" },
                { "31", "NEGOTIATE_56" } };
        for (String[] e : f) {
            FLAG_NAMES[Integer.parseInt(e[0])] = e[1];
        }
    }

    /** A field runs outside the message. */
    private static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int offset;

        Bad(int offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }

    /** Names of the set negotiate flags, lowest bit first. */
    public static List<String> flagNames(int flags) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if ((flags & (1 << i)) != 0) {
                out.add(FLAG_NAMES[i] != null ? FLAG_NAMES[i] : "0x" + Integer.toHexString(1 << i));
            }
        }
        return out;
    }

    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        FieldNode tree = ctx.tree();
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("carrier", ctx.carrier() != null ? ctx.carrier() : ctx.transport());
        FieldNode node = tree != null ? tree.add("ntlmssp", "NTLM Secure Service Provider", null, pdu.abs(0),
                pdu.length()) : null;
        try {
            read(new Reader(pdu), node, ev);
            ctx.emit("ntlm", ev);
        } catch (Bad e) {
            report(pdu, ctx, node, ev, e.getMessage(), e.offset);
        } catch (RuntimeException e) {
            report(pdu, ctx, node, ev, "unreadable (" + e.getClass().getSimpleName() + ")", 0);
        }
    }

    private static void report(Pdu pdu, DissectionContext ctx, FieldNode node, Map<String, Object> ev, String why,
            int off) {
        ctx.diagnostic("ntlm", "malformed: " + why);
        if (node != null) {
            int o = Math.max(0, Math.min(off, pdu.length()));
            node.malformed(why, pdu.abs(o), pdu.length() - o);
        }
        if (ev.containsKey("messageType")) {
            ev.put("malformed", why);
            ctx.emit("ntlm", ev);
        }
    }

    private void read(Reader r, FieldNode node, Map<String, Object> ev) {
        r.need(0, 12);
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (r.pdu.data().get(i) != SIGNATURE[i]) {
                throw new Bad(0, "no NTLMSSP signature");
            }
        }
        int type = r.u32(8);
        add(node, r, "ntlmssp.messagetype", "NTLM Message Type: " + typeName(type) + " (0x"
                + Integer.toHexString(type) + ")", 8, 4);
        switch (type) {
            case 1 -> negotiate(r, node, ev);
            case 2 -> challenge(r, node, ev);
            case 3 -> authenticate(r, node, ev);
            default -> throw new Bad(8, "unknown message type " + type);
        }
    }

    private static String typeName(int type) {
        return switch (type) {
            case 1 -> "NEGOTIATE";
            case 2 -> "CHALLENGE";
            case 3 -> "AUTHENTICATE";
            default -> "unknown";
        };
    }

    private void negotiate(Reader r, FieldNode node, Map<String, Object> ev) {
        ev.put("messageType", "NEGOTIATE");
        r.need(0, 16);
        int flags = r.u32(12);
        flags(r, node, ev, flags, 12);
        // older clients send a 16-byte NEGOTIATE without the name fields
        if (r.pdu.length() >= 32) {
            String domain = r.string(16, false, node, "ntlmssp.negotiate.domain", "Calling workstation domain");
            String ws = r.string(24, false, node, "ntlmssp.negotiate.workstation", "Calling workstation name");
            if (!domain.isEmpty()) {
                ev.put("domain", domain);
            }
            if (!ws.isEmpty()) {
                ev.put("workstation", ws);
            }
        }
        if ((flags & VERSION) != 0 && r.pdu.length() >= 40) {
            version(r, 32, node, ev);
        }
    }

    private void challenge(Reader r, FieldNode node, Map<String, Object> ev) {
        ev.put("messageType", "CHALLENGE");
        r.need(0, 32);
        int flags = r.u32(20);
        flags(r, node, ev, flags, 20);
        boolean unicode = (flags & UNICODE) != 0;
        String target = r.string(12, unicode, node, "ntlmssp.challenge.target_name", "Target name");
        ev.put("targetName", target);
        add(node, r, "ntlmssp.ntlmserverchallenge", "NTLM Server Challenge: <8 bytes>", 24, 8);
        if (r.pdu.length() >= 48) {
            int[] ti = r.field(40);
            if (ti[0] > 0) {
                FieldNode tn = add(node, r, "ntlmssp.challenge.target_info", "Target Info (" + ti[0] + " bytes)",
                        ti[1], ti[0]);
                ev.put("avPairs", avPairs(r, ti[1], ti[0], tn));
            }
        }
        if ((flags & VERSION) != 0 && r.pdu.length() >= 56) {
            version(r, 48, node, ev);
        }
    }

    private void authenticate(Reader r, FieldNode node, Map<String, Object> ev) {
        ev.put("messageType", "AUTHENTICATE");
        r.need(0, 64);
        int flags = r.u32(60);
        boolean unicode = (flags & UNICODE) != 0;
        ev.put("domain", r.string(28, unicode, node, "ntlmssp.auth.domain", "Domain name"));
        ev.put("user", r.string(36, unicode, node, "ntlmssp.auth.username", "User name"));
        ev.put("workstation", r.string(44, unicode, node, "ntlmssp.auth.hostname", "Host name"));
        int[] lm = r.field(12);
        int[] nt = r.field(20);
        add(node, r, "ntlmssp.auth.lmresponse", "LMv2/LM Response: <" + lm[0] + " bytes>", lm[1], lm[0]);
        FieldNode ntn = add(node, r, "ntlmssp.auth.ntresponse", "NTLM Response: <" + nt[0] + " bytes>", nt[1],
                nt[0]);
        ev.put("lmResponseLength", lm[0]);
        ev.put("ntResponseLength", nt[0]);
        boolean mic = false;
        if (nt[0] == 0) {
            ev.put("anonymous", true);
        } else if (nt[0] == 24) {
            ev.put("ntlmVersion", "v1");
        } else if (nt[0] >= 48) {
            ev.put("ntlmVersion", "v2");
            // NTProofStr (16), then NTLMv2_CLIENT_CHALLENGE: type 1, hi-type 1, reserved (6), time (8),
            // client challenge (8), reserved (4), then the AV pairs
            int cc = nt[1] + 16;
            if (r.u8(cc) == 1 && r.u8(cc + 1) == 1) {
                Map<String, Object> av = avPairs(r, cc + 28, nt[0] - 16 - 28, ntn);
                ev.put("avPairs", av);
                if (av.get("flags") instanceof Number f && (f.intValue() & 0x2) != 0) {
                    mic = true;
                }
                ev.put("clientTime", filetime(r.u64(cc + 8)));
            }
        } else {
            ev.put("ntlmVersion", "unknown");
        }
        int[] key = r.field(52);
        add(node, r, "ntlmssp.auth.sesskey", "Session Key: <" + key[0] + " bytes>", key[1], key[0]);
        flags(r, node, ev, flags, 60);
        if ((flags & VERSION) != 0 && r.pdu.length() >= 72) {
            version(r, 64, node, ev);
        }
        if (mic && r.pdu.length() >= 88) {
            add(node, r, "ntlmssp.mic", "MIC: <16 bytes>", 72, 16);
        }
        ev.put("mic", mic);
    }

    private void flags(Reader r, FieldNode node, Map<String, Object> ev, int flags, int at) {
        List<String> names = flagNames(flags);
        add(node, r, "ntlmssp.negotiateflags", "Negotiate Flags: 0x" + String.format("%08x", flags) + " " + names, at,
                4);
        ev.put("flags", names);
    }

    private void version(Reader r, int at, FieldNode node, Map<String, Object> ev) {
        r.need(at, 8);
        String v = r.u8(at) + "." + r.u8(at + 1) + "." + (r.u16(at + 2));
        String label = v + " (NTLM revision " + r.u8(at + 7) + ")";
        add(node, r, "ntlmssp.version", "Version " + label, at, 8);
        ev.put("version", v);
    }

    /** MS-NLMP 2.2.2.1 AV_PAIRs, summarised by name; a channel binding is reported by presence only. */
    private Map<String, Object> avPairs(Reader r, int off, int len, FieldNode parent) {
        Map<String, Object> out = new LinkedHashMap<>();
        int end = off + len;
        int p = off;
        int n = 0;
        while (p + 4 <= end && n++ < 64) {
            int id = r.u16(p);
            int l = r.u16(p + 2);
            if (id == 0) {
                break;
            }
            if (p + 4 + l > end) {
                throw new Bad(p, "AV pair " + id + " runs past the target information");
            }
            int v = p + 4;
            String name;
            Object value;
            switch (id) {
                case 1 -> { name = "nbComputerName"; value = r.utf16(v, l); }
                case 2 -> { name = "nbDomainName"; value = r.utf16(v, l); }
                case 3 -> { name = "dnsComputerName"; value = r.utf16(v, l); }
                case 4 -> { name = "dnsDomainName"; value = r.utf16(v, l); }
                case 5 -> { name = "dnsTreeName"; value = r.utf16(v, l); }
                case 6 -> { name = "flags"; value = l >= 4 ? r.u32(v) : 0; }
                case 7 -> {
                    name = "timestamp";
                    value = l >= 8 ? filetime(r.u64(v)) : null;
                }
                case 8 -> { name = "singleHost"; value = true; }
                case 9 -> { name = "targetName"; value = r.utf16(v, l); }
                case 10 -> { name = "channelBindings"; value = true; }
                default -> { name = "av" + id; value = l; }
            }
            if (value != null) {
                out.put(name, value);
            }
            if (parent != null) {
                parent.add("ntlmssp.avpair", name + ": " + value, value, r.pdu.abs(p), 4 + l);
            }
            p = v + l;
        }
        return out;
    }

    private static String filetime(long ft) {
        long seconds = Math.floorDiv(ft, 10_000_000L) - 11_644_473_600L;
        return Instant.ofEpochSecond(seconds).toString();
    }

    private static FieldNode add(FieldNode parent, Reader r, String name, String label, int off, int len) {
        return parent == null ? null : parent.add(name, label, null, r.pdu.abs(off), len);
    }

    /** Bounds-checked little-endian reads over one message. */
    private static final class Reader {
        final Pdu pdu;

        Reader(Pdu pdu) {
            this.pdu = pdu;
        }

        void need(int off, int len) {
            if (off < 0 || len < 0 || (long) off + len > pdu.length()) {
                throw new Bad(Math.max(0, off), "field at " + off + " of " + len + " bytes runs past the "
                        + pdu.length() + "-byte message");
            }
        }

        int u8(int at) {
            need(at, 1);
            return pdu.u8(at);
        }

        int u16(int at) {
            need(at, 2);
            return pdu.u8(at) | pdu.u8(at + 1) << 8;
        }

        int u32(int at) {
            need(at, 4);
            return u16(at) | u16(at + 2) << 16;
        }

        long u64(int at) {
            return (u32(at) & 0xffffffffL) | (long) u32(at + 4) << 32;
        }

        /** A {Len, MaxLen, Offset} field: [length, offset], checked against the message. */
        int[] field(int at) {
            int len = u16(at);
            long off = u32(at + 4) & 0xffffffffL;
            if (len > 0 && off + len > pdu.length()) {
                throw new Bad(at, "field at offset " + off + " of " + len + " bytes runs past the "
                        + pdu.length() + "-byte message");
            }
            return new int[] { len, (int) off };
        }

        String string(int at, boolean unicode, FieldNode node, String name, String label) {
            int[] f = field(at);
            String s = f[0] == 0 ? "" : unicode ? utf16(f[1], f[0]) : text(f[1], f[0], StandardCharsets.ISO_8859_1);
            if (node != null) {
                node.add(name, label + ": " + (s.isEmpty() ? "NULL" : s), s, pdu.abs(f[0] > 0 ? f[1] : at),
                        f[0] > 0 ? f[0] : 8);
            }
            return s;
        }

        String utf16(int off, int len) {
            return text(off, len & ~1, StandardCharsets.UTF_16LE);
        }

        String text(int off, int len, Charset cs) {
            need(off, len);
            return new String(pdu.bytes(off, len), cs);
        }
    }

    /** "NTLMSSP\0" followed by message type 1, 2 or 3. Never throws. */
    @Override
    public boolean accepts(Pdu pdu, String transport) {
        if (pdu.length() < 12) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (pdu.data().get(i) != SIGNATURE[i]) {
                return false;
            }
        }
        int t = pdu.u8(8);
        return t >= 1 && t <= 3 && pdu.u8(9) == 0 && pdu.u8(10) == 0 && pdu.u8(11) == 0;
    }
}
