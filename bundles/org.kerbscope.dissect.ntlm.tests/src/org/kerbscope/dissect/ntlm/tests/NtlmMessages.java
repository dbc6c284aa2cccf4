package org.kerbscope.dissect.ntlm.tests;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * NTLMSSP messages built from the structures of MS-NLMP 2.2.1 (NEGOTIATE_MESSAGE, CHALLENGE_MESSAGE,
 * AUTHENTICATE_MESSAGE) and 2.2.2 (AV_PAIR, NTLMv2_CLIENT_CHALLENGE, VERSION). The responses are random bytes
 * of the right shape: the dissector must read their structure, never their value.
 */
final class NtlmMessages {
    static final int UNICODE = 0x1;
    static final int OEM = 0x2;
    static final int REQUEST_TARGET = 0x4;
    static final int NTLM = 0x200;
    static final int DOMAIN_SUPPLIED = 0x1000;
    static final int WORKSTATION_SUPPLIED = 0x2000;
    static final int ALWAYS_SIGN = 0x8000;
    static final int EXTENDED_SESSIONSECURITY = 0x80000;
    static final int TARGET_INFO = 0x800000;
    static final int VERSION = 0x02000000;
    static final int KEY_EXCH = 0x40000000;

    private static final byte[] SIG = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RND = new SecureRandom();

    private NtlmMessages() {
    }

    /** Windows 10 build 19041, NTLM revision 15. */
    static byte[] version() {
        return new byte[] { 10, 0, 0x61, 0x4a, 0, 0, 0, 15 };
    }

    static byte[] negotiate(int flags, String domain, String workstation) {
        byte[] d = domain.getBytes(StandardCharsets.ISO_8859_1);
        byte[] w = workstation.getBytes(StandardCharsets.ISO_8859_1);
        int payload = 40;
        ByteBuffer b = le(payload + d.length + w.length);
        b.put(SIG).putInt(1).putInt(flags);
        field(b, d.length, payload);
        field(b, w.length, payload + d.length);
        b.put(version());
        b.put(d).put(w);
        return b.array();
    }

    static byte[] challenge(int flags, String target, byte[] targetInfo) {
        byte[] t = text(target, (flags & UNICODE) != 0);
        int payload = 56;
        ByteBuffer b = le(payload + t.length + targetInfo.length);
        b.put(SIG).putInt(2);
        field(b, t.length, payload);
        b.putInt(flags);
        b.put(random(8)).put(new byte[8]);
        field(b, targetInfo.length, payload + t.length);
        b.put(version());
        b.put(t).put(targetInfo);
        return b.array();
    }

    /**
     * AUTHENTICATE_MESSAGE; with {@code ntV2} the NT response is an NTLMv2 one (NTProofStr + client challenge
     * with these AV pairs), else a 24-byte NTLMv1 response. {@code withMic} reserves the 16-byte MIC field.
     */
    static byte[] authenticate(int flags, String domain, String user, String workstation, boolean ntV2,
            byte[] avPairs, boolean withMic) {
        boolean u = (flags & UNICODE) != 0;
        byte[] d = text(domain, u);
        byte[] us = text(user, u);
        byte[] w = text(workstation, u);
        byte[] lm = random(24);
        byte[] nt;
        if (ntV2) {
            ByteBuffer c = le(16 + 28 + avPairs.length + 4);
            c.put(random(16)); // NTProofStr
            c.put((byte) 1).put((byte) 1).putShort((short) 0).putInt(0);
            c.putLong(filetime(System.currentTimeMillis()));
            c.put(random(8)).putInt(0);
            c.put(avPairs).putInt(0);
            nt = c.array();
        } else {
            nt = random(24);
        }
        byte[] key = random(16);
        int payload = withMic ? 88 : 72;
        ByteBuffer b = le(payload + lm.length + nt.length + d.length + us.length + w.length + key.length);
        b.put(SIG).putInt(3);
        int p = payload;
        field(b, lm.length, p);
        p += lm.length;
        field(b, nt.length, p);
        p += nt.length;
        field(b, d.length, p);
        p += d.length;
        field(b, us.length, p);
        p += us.length;
        field(b, w.length, p);
        p += w.length;
        field(b, key.length, p);
        b.putInt(flags);
        b.put(version());
        if (withMic) {
            b.put(random(16));
        }
        b.put(lm).put(nt).put(d).put(us).put(w).put(key);
        return b.array();
    }

    /** AV_PAIRs, ending with MsvAvEOL: pairs of (id, value), value a String (UTF-16) or byte[]. */
    static byte[] avPairs(Object... idValue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < idValue.length; i += 2) {
            int id = (Integer) idValue[i];
            byte[] v = idValue[i + 1] instanceof String s ? s.getBytes(StandardCharsets.UTF_16LE)
                    : (byte[]) idValue[i + 1];
            out.write(id & 0xff);
            out.write(id >> 8);
            out.write(v.length & 0xff);
            out.write(v.length >> 8);
            out.writeBytes(v);
        }
        out.writeBytes(new byte[4]);
        return out.toByteArray();
    }

    static byte[] u32(int v) {
        return le(4).putInt(v).array();
    }

    static byte[] u64(long v) {
        return le(8).putLong(v).array();
    }

    static long filetime(long millis) {
        return (millis / 1000 + 11_644_473_600L) * 10_000_000L;
    }

    private static void field(ByteBuffer b, int len, int offset) {
        b.putShort((short) len).putShort((short) len).putInt(offset);
    }

    private static byte[] text(String s, boolean unicode) {
        return s.getBytes(unicode ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] random(int n) {
        byte[] r = new byte[n];
        RND.nextBytes(r);
        return r;
    }
}
