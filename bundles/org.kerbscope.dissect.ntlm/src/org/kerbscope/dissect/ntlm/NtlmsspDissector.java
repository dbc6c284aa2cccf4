package org.kerbscope.dissect.ntlm;

import java.nio.ByteBuffer;
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
import org.kerbscope.core.spi.IsoTime;
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
        List<String> out = new ArrayList<>(Integer.bitCount(flags));
        // only the set bits: a message sets about a dozen of the 32
        for (int rest = flags; rest != 0; rest &= rest - 1) {
            int i = Integer.numberOfTrailingZeros(rest);
            String name = FLAG_NAMES[i];
            out.add(name != null ? name : unnamedFlag(i));
        }
        return out;
    }

    private static String unnamedFlag(int bit) {
        return "0x" + Integer.toHexString(1 << bit);
    }

    /*
     * Speed: the analysis reads every message without a display tree (ctx.tree() == null). On that path the
     * methods below compute only what the event needs; every label is built in a separate small method that
     * runs only when a tree node exists. That keeps the hot methods small, so that the JIT compiles them
     * quickly and does not pull String.format, java.time's formatters or string concatenation into them.
     * The tree (node order, labels, values and ranges, also for a message that breaks off half-way) is the
     * same as when the labels were built inline.
     */

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
            if (r.b[r.base + i] != SIGNATURE[i]) {
                throw new Bad(0, "no NTLMSSP signature");
            }
        }
        int type = r.u32(8);
        if (node != null) {
            typeNode(node, r, type);
        }
        switch (type) {
            case 1 -> negotiate(r, node, ev);
            case 2 -> challenge(r, node, ev);
            case 3 -> authenticate(r, node, ev);
            default -> throw unknownType(type);
        }
    }

    private static Bad unknownType(int type) {
        return new Bad(8, "unknown message type " + type);
    }

    private static void typeNode(FieldNode node, Reader r, int type) {
        add(node, r, "ntlmssp.messagetype", "NTLM Message Type: " + typeName(type) + " (0x"
                + Integer.toHexString(type) + ")", 8, 4);
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
        if (r.length >= 32) {
            String domain = r.string(16, false, node, "ntlmssp.negotiate.domain", "Calling workstation domain");
            String ws = r.string(24, false, node, "ntlmssp.negotiate.workstation", "Calling workstation name");
            if (!domain.isEmpty()) {
                ev.put("domain", domain);
            }
            if (!ws.isEmpty()) {
                ev.put("workstation", ws);
            }
        }
        if ((flags & VERSION) != 0 && r.length >= 40) {
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
        if (node != null) {
            add(node, r, "ntlmssp.ntlmserverchallenge", "NTLM Server Challenge: <8 bytes>", 24, 8);
        }
        if (r.length >= 48) {
            int[] ti = r.field(40);
            if (ti[0] > 0) {
                FieldNode tn = node != null ? targetInfoNode(node, r, ti) : null;
                ev.put("avPairs", avPairs(r, ti[1], ti[0], tn));
            }
        }
        if ((flags & VERSION) != 0 && r.length >= 56) {
            version(r, 48, node, ev);
        }
    }

    private static FieldNode targetInfoNode(FieldNode node, Reader r, int[] ti) {
        return add(node, r, "ntlmssp.challenge.target_info", "Target Info (" + ti[0] + " bytes)", ti[1], ti[0]);
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
        FieldNode ntn = null;
        if (node != null) {
            lengthNode(node, r, "ntlmssp.auth.lmresponse", "LMv2/LM Response", lm);
            ntn = lengthNode(node, r, "ntlmssp.auth.ntresponse", "NTLM Response", nt);
        }
        ev.put("lmResponseLength", lm[0]);
        ev.put("ntResponseLength", nt[0]);
        boolean mic = nt[0] >= 48 ? ntlmV2(r, nt, ntn, ev) : ntlmOther(nt[0], ev);
        int[] key = r.field(52);
        if (node != null) {
            lengthNode(node, r, "ntlmssp.auth.sesskey", "Session Key", key);
        }
        flags(r, node, ev, flags, 60);
        if ((flags & VERSION) != 0 && r.length >= 72) {
            version(r, 64, node, ev);
        }
        if (mic && r.length >= 88 && node != null) {
            add(node, r, "ntlmssp.mic", "MIC: <16 bytes>", 72, 16);
        }
        ev.put("mic", mic);
    }

    /** An NT response too short for NTLMv2: none (anonymous), NTLMv1 or unknown. There is no MIC then. */
    private static boolean ntlmOther(int ntLength, Map<String, Object> ev) {
        if (ntLength == 0) {
            ev.put("anonymous", true);
        } else if (ntLength == 24) {
            ev.put("ntlmVersion", "v1");
        } else {
            ev.put("ntlmVersion", "unknown");
        }
        return false;
    }

    /** An NTLMv2 response (MS-NLMP 2.2.2.8); returns whether its AV pairs announce a MIC. */
    private boolean ntlmV2(Reader r, int[] nt, FieldNode ntn, Map<String, Object> ev) {
        ev.put("ntlmVersion", "v2");
        // NTProofStr (16), then NTLMv2_CLIENT_CHALLENGE: type 1, hi-type 1, reserved (6), time (8),
        // client challenge (8), reserved (4), then the AV pairs
        int cc = nt[1] + 16;
        boolean mic = false;
        if (r.u8(cc) == 1 && r.u8(cc + 1) == 1) {
            Map<String, Object> av = avPairs(r, cc + 28, nt[0] - 16 - 28, ntn);
            ev.put("avPairs", av);
            if (av.get("flags") instanceof Number f && (f.intValue() & 0x2) != 0) {
                mic = true;
            }
            ev.put("clientTime", filetime(r.u64(cc + 8)));
        }
        return mic;
    }

    /** A response or key shown by its length only: "label: <n bytes>". */
    private static FieldNode lengthNode(FieldNode node, Reader r, String name, String label, int[] f) {
        return add(node, r, name, label + ": <" + f[0] + " bytes>", f[1], f[0]);
    }

    private void flags(Reader r, FieldNode node, Map<String, Object> ev, int flags, int at) {
        List<String> names = flagNames(flags);
        if (node != null) {
            flagsNode(node, r, flags, names, at);
        }
        ev.put("flags", names);
    }

    private static void flagsNode(FieldNode node, Reader r, int flags, List<String> names, int at) {
        add(node, r, "ntlmssp.negotiateflags", "Negotiate Flags: 0x" + hex8(flags) + " " + names, at, 4);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Eight lower-case hex digits, as {@code String.format("%08x", v)} writes them. */
    static String hex8(int v) {
        char[] c = new char[8];
        for (int i = 7; i >= 0; i--) {
            c[i] = HEX[v & 0xf];
            v >>>= 4;
        }
        return new String(c);
    }

    private void version(Reader r, int at, FieldNode node, Map<String, Object> ev) {
        r.need(at, 8);
        String v = new StringBuilder(12).append(r.u8(at)).append('.').append(r.u8(at + 1)).append('.')
                .append(r.u16(at + 2)).toString();
        if (node != null) {
            add(node, r, "ntlmssp.version", "Version " + v + " (NTLM revision " + r.u8(at + 7) + ")", at, 8);
        }
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
                throw avPastEnd(p, id);
            }
            int v = p + 4;
            String name = avName(id);
            Object value = switch (id) {
                case 1, 2, 3, 4, 5, 9 -> r.utf16(v, l);
                case 6 -> l >= 4 ? r.u32(v) : 0;
                case 7 -> l >= 8 ? filetime(r.u64(v)) : null;
                case 8, 10 -> Boolean.TRUE;
                default -> l;
            };
            if (value != null) {
                out.put(name, value);
            }
            if (parent != null) {
                avNode(parent, r, name, value, p, l);
            }
            p = v + l;
        }
        return out;
    }

    private static String avName(int id) {
        return switch (id) {
            case 1 -> "nbComputerName";
            case 2 -> "nbDomainName";
            case 3 -> "dnsComputerName";
            case 4 -> "dnsDomainName";
            case 5 -> "dnsTreeName";
            case 6 -> "flags";
            case 7 -> "timestamp";
            case 8 -> "singleHost";
            case 9 -> "targetName";
            case 10 -> "channelBindings";
            default -> "av" + id;
        };
    }

    private static Bad avPastEnd(int p, int id) {
        return new Bad(p, "AV pair " + id + " runs past the target information");
    }

    private static void avNode(FieldNode parent, Reader r, String name, Object value, int p, int l) {
        parent.add("ntlmssp.avpair", name + ": " + value, value, r.pdu.abs(p), 4 + l);
    }

    /**
     * A FILETIME (100 ns since 1601) to the second, as {@code Instant.toString()} writes it
     * ({@code 2024-05-01T09:30:00Z}), for a value of every AUTHENTICATE; other years than 0000-9999 (a FILETIME with
     * the top bit set reads as negative) go through Instant.
     */
    static String filetime(long ft) {
        long seconds = Math.floorDiv(ft, 10_000_000L) - 11_644_473_600L;
        String s = IsoTime.dateAndTime(seconds);
        return s != null ? s + "Z" : Instant.ofEpochSecond(seconds).toString();
    }

    private static FieldNode add(FieldNode parent, Reader r, String name, String label, int off, int len) {
        return parent == null ? null : parent.add(name, label, null, r.pdu.abs(off), len);
    }

    /**
     * Bounds-checked little-endian reads over one message. The reads go to a byte array (the buffer's own when
     * it has one, else a copy of the message, which is a token of at most a few kilobytes): plain array reads
     * keep the compiled code of the message methods small, where ByteBuffer gets are checked and dispatched
     * between heap and direct buffers at every byte.
     */
    private static final class Reader {
        final Pdu pdu;
        final byte[] b;
        /** Where the message starts in {@link #b}. */
        final int base;
        final int length;

        Reader(Pdu pdu) {
            this.pdu = pdu;
            ByteBuffer data = pdu.data();
            this.length = pdu.length();
            if (data.hasArray()) {
                this.b = data.array();
                this.base = data.arrayOffset();
            } else {
                this.b = pdu.bytes(0, length);
                this.base = 0;
            }
        }

        void need(int off, int len) {
            if (off < 0 || len < 0 || (long) off + len > length) {
                throw pastEnd(off, len);
            }
        }

        private Bad pastEnd(int off, int len) {
            return new Bad(Math.max(0, off), "field at " + off + " of " + len + " bytes runs past the "
                    + length + "-byte message");
        }

        int u8(int at) {
            need(at, 1);
            return b[base + at] & 0xff;
        }

        int u16(int at) {
            need(at, 2);
            return b[base + at] & 0xff | (b[base + at + 1] & 0xff) << 8;
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
            if (len > 0 && off + len > length) {
                throw fieldPastEnd(at, off, len);
            }
            return new int[] { len, (int) off };
        }

        private Bad fieldPastEnd(int at, long off, int len) {
            return new Bad(at, "field at offset " + off + " of " + len + " bytes runs past the "
                    + length + "-byte message");
        }

        String string(int at, boolean unicode, FieldNode node, String name, String label) {
            int[] f = field(at);
            String s = f[0] == 0 ? "" : unicode ? utf16(f[1], f[0]) : text(f[1], f[0], StandardCharsets.ISO_8859_1);
            if (node != null) {
                stringNode(node, at, f, s, name, label);
            }
            return s;
        }

        private void stringNode(FieldNode node, int at, int[] f, String s, String name, String label) {
            node.add(name, label + ": " + (s.isEmpty() ? "NULL" : s), s, pdu.abs(f[0] > 0 ? f[1] : at),
                    f[0] > 0 ? f[0] : 8);
        }

        String utf16(int off, int len) {
            return text(off, len & ~1, StandardCharsets.UTF_16LE);
        }

        String text(int off, int len, Charset cs) {
            need(off, len);
            return new String(b, base + off, len, cs);
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
