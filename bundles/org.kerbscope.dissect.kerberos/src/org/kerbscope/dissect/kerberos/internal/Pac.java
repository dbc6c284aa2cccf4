package org.kerbscope.dissect.kerberos.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Windows PAC (MS-PAC) of a decrypted ticket: the logon information (user and group SIDs, logon domain)
 * from the NDR-encoded KERB_VALIDATION_INFO, the client info name and the UPN. Every read is bounds-checked
 * against the buffer; what cannot be read becomes {@link Der.Malformed}.
 */
public final class Pac {
    private Pac() {
    }

    /** The facts a troubleshooter reads from a PAC, by name; empty when nothing could be read. */
    public static Map<String, Object> read(byte[] pac) {
        Map<String, Object> out = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(pac).order(ByteOrder.LITTLE_ENDIAN);
        need(b, 0, 8);
        long count = b.getInt(0) & 0xffffffffL;
        if (count > 64 || 8 + count * 16 > pac.length) {
            throw new Der.Malformed(0, "PAC with " + count + " buffers does not fit its " + pac.length + " bytes");
        }
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = 8 + i * 16;
            int type = b.getInt(at);
            long size = b.getInt(at + 4) & 0xffffffffL;
            long off = b.getLong(at + 8);
            types.add(type);
            if (off < 0 || size > pac.length || off + size > pac.length) {
                throw new Der.Malformed(at, "PAC buffer " + type + " lies outside the PAC");
            }
            ByteBuffer part = b.slice((int) off, (int) size).order(ByteOrder.LITTLE_ENDIAN);
            switch (type) {
                case 1 -> logonInfo(part, out);
                case 10 -> clientInfo(part, out);
                case 12 -> upnInfo(part, out);
                default -> {
                    // signatures, delegation info, claims: listed by type only
                }
            }
        }
        out.put("bufferTypes", types);
        return out;
    }

    private static void clientInfo(ByteBuffer b, Map<String, Object> out) {
        need(b, 0, 10);
        int len = b.getShort(8) & 0xffff;
        need(b, 10, len);
        out.put("clientName", utf16(b, 10, len));
    }

    private static void upnInfo(ByteBuffer b, Map<String, Object> out) {
        need(b, 0, 12);
        int upnLen = b.getShort(0) & 0xffff;
        int upnOff = b.getShort(2) & 0xffff;
        int dnsLen = b.getShort(4) & 0xffff;
        int dnsOff = b.getShort(6) & 0xffff;
        need(b, upnOff, upnLen);
        need(b, dnsOff, dnsLen);
        out.put("upn", utf16(b, upnOff, upnLen));
        out.put("dnsDomain", utf16(b, dnsOff, dnsLen));
    }

    /** KERB_VALIDATION_INFO after the NDR type-serialization headers (MS-PAC 2.5, MS-RPCE 2.2.6). */
    private static void logonInfo(ByteBuffer b, Map<String, Object> out) {
        Ndr n = new Ndr(b, 16);
        n.u32(); // referent of the top-level pointer
        n.skip(48); // six FILETIMEs: logon, logoff, kick-off, password set / can change / must change
        int[] strings = new int[6];
        for (int i = 0; i < 6; i++) {
            strings[i] = n.unicodeStringHeader();
        }
        n.skip(4); // logon count, bad password count
        long userId = n.u32();
        long primaryGroup = n.u32();
        long groupCount = n.u32();
        long groupPtr = n.u32();
        n.u32(); // user flags
        n.skip(16); // user session key: not shown
        int logonServer = n.unicodeStringHeader();
        int logonDomain = n.unicodeStringHeader();
        long domainSidPtr = n.u32();
        n.skip(8);
        n.u32(); // user account control
        n.skip(4 + 16 + 4 + 4);
        long sidCount = n.u32();
        long extraSidPtr = n.u32();
        long resourceDomainPtr = n.u32();
        long resourceCount = n.u32();
        long resourcePtr = n.u32();
        // deferred data, in field order
        String effectiveName = strings[0] != 0 ? n.string() : null;
        for (int i = 1; i < 6; i++) {
            if (strings[i] != 0) {
                n.string();
            }
        }
        List<Long> rids = new ArrayList<>();
        if (groupPtr != 0) {
            long max = n.u32();
            if (max != groupCount || max > 4096) {
                throw new Der.Malformed(n.pos, "group count " + max + " does not match " + groupCount);
            }
            for (long i = 0; i < max; i++) {
                rids.add(n.u32());
                n.u32();
            }
        }
        if (logonServer != 0) {
            n.string();
        }
        String domain = logonDomain != 0 ? n.string() : null;
        String domainSid = domainSidPtr != 0 ? n.sid() : null;
        List<String> extra = new ArrayList<>();
        if (extraSidPtr != 0) {
            long max = n.u32();
            if (max != sidCount || max > 4096) {
                throw new Der.Malformed(n.pos, "extra SID count " + max + " does not match " + sidCount);
            }
            long[] ptrs = new long[(int) max];
            for (int i = 0; i < max; i++) {
                ptrs[i] = n.u32();
                n.u32();
            }
            for (int i = 0; i < max; i++) {
                if (ptrs[i] != 0) {
                    extra.add(n.sid());
                }
            }
        }
        if (resourceDomainPtr != 0 && resourceCount > 0 && resourcePtr != 0) {
            n.sid(); // resource group domain: its RIDs are not listed (rarely relevant to logon failures)
        }
        if (effectiveName != null) {
            out.put("effectiveName", effectiveName);
        }
        if (domain != null) {
            out.put("logonDomain", domain);
        }
        if (domainSid != null) {
            out.put("userSid", domainSid + "-" + userId);
            List<String> groups = new ArrayList<>();
            for (Long rid : rids) {
                groups.add(domainSid + "-" + rid);
            }
            groups.addAll(extra);
            out.put("groupSids", groups);
            out.put("primaryGroupSid", domainSid + "-" + primaryGroup);
        }
    }

    private static void need(ByteBuffer b, int off, int len) {
        if (off < 0 || len < 0 || off + len > b.limit()) {
            throw new Der.Malformed(off, "PAC field runs past its buffer");
        }
    }

    private static String utf16(ByteBuffer b, int off, int len) {
        byte[] raw = new byte[len];
        b.get(off, raw);
        return new String(raw, StandardCharsets.UTF_16LE);
    }

    /** Reads NDR (little-endian, 4-byte aligned for what the validation info holds). */
    private static final class Ndr {
        final ByteBuffer b;
        int pos;

        Ndr(ByteBuffer b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        long u32() {
            need(b, pos, 4);
            long v = b.getInt(pos) & 0xffffffffL;
            pos += 4;
            return v;
        }

        void skip(int n) {
            need(b, pos, n);
            pos += n;
        }

        /** RPC_UNICODE_STRING header: length, maximum length, and the referent (0 = null). */
        int unicodeStringHeader() {
            skip(4);
            return (int) u32();
        }

        String string() {
            long max = u32();
            u32();
            long actual = u32();
            if (actual > max || actual > 32768) {
                throw new Der.Malformed(pos, "NDR string of " + actual + " characters");
            }
            need(b, pos, (int) actual * 2);
            String s = utf16(b, pos, (int) actual * 2);
            pos += (int) actual * 2;
            pos = (pos + 3) & ~3;
            return s;
        }

        String sid() {
            long count = u32();
            need(b, pos, 8);
            int rev = b.get(pos) & 0xff;
            int n = b.get(pos + 1) & 0xff;
            if (n != count || n > 15) {
                throw new Der.Malformed(pos, "SID with " + n + " sub-authorities");
            }
            long auth = 0;
            for (int i = 2; i < 8; i++) {
                auth = (auth << 8) | (b.get(pos + i) & 0xff);
            }
            pos += 8;
            StringBuilder sb = new StringBuilder("S-").append(rev).append('-').append(auth);
            for (int i = 0; i < n; i++) {
                sb.append('-').append(u32());
            }
            return sb.toString();
        }
    }
}
