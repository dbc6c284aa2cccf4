package org.kerbscope.ldap.tests;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** NTLMSSP messages laid out as MS-NLMP 2.2.1 describes them (little-endian, Unicode strings, no version). */
final class Ntlm {
    private Ntlm() {
    }

    private static final byte[] SIGNATURE = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
    /** UNICODE | REQUEST_TARGET | NTLM | EXTENDED_SESSIONSECURITY | TARGET_INFO | 128 | 56. */
    static final int FLAGS = 0x00000001 | 0x00000004 | 0x00000200 | 0x00080000 | 0x00800000 | 0x20000000 | 0x80000000;

    private static ByteBuffer header(int size, int type) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SIGNATURE).putInt(type);
        return b;
    }

    /** NEGOTIATE_MESSAGE (2.2.1.1): no domain or workstation supplied. */
    static byte[] negotiate() {
        ByteBuffer b = header(32, 1);
        b.putInt(FLAGS).putShort((short) 0).putShort((short) 0).putInt(32).putShort((short) 0).putShort((short) 0)
                .putInt(32);
        return b.array();
    }

    /** CHALLENGE_MESSAGE (2.2.1.2) with the target name and a target info list of the domain's names. */
    static byte[] challenge(String domain, String dnsDomain) {
        byte[] target = utf16(domain);
        ByteBuffer info = ByteBuffer.allocate(4 + target.length + 4 + utf16(dnsDomain).length + 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        info.putShort((short) 2).putShort((short) target.length).put(target);
        info.putShort((short) 4).putShort((short) utf16(dnsDomain).length).put(utf16(dnsDomain));
        info.putShort((short) 0).putShort((short) 0);
        byte[] ti = info.array();
        int off = 48;
        ByteBuffer b = header(off + target.length + ti.length, 2);
        b.putShort((short) target.length).putShort((short) target.length).putInt(off);
        b.putInt(FLAGS | 0x00010000);
        b.put(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }).putLong(0);
        b.putShort((short) ti.length).putShort((short) ti.length).putInt(off + target.length);
        b.put(target).put(ti);
        return b.array();
    }

    /** AUTHENTICATE_MESSAGE (2.2.1.3) naming the domain, user and workstation, with NTLMv1-sized responses. */
    static byte[] authenticate(String domain, String user, String workstation) {
        byte[] d = utf16(domain), u = utf16(user), w = utf16(workstation);
        byte[] lm = new byte[24], nt = new byte[24];
        for (int i = 0; i < 24; i++) {
            nt[i] = (byte) (i * 7 + 1);
        }
        int off = 64;
        ByteBuffer b = header(off + d.length + u.length + w.length + lm.length + nt.length, 3);
        int p = off;
        int dOff = p; p += d.length;
        int uOff = p; p += u.length;
        int wOff = p; p += w.length;
        int lmOff = p; p += lm.length;
        int ntOff = p; p += nt.length;
        field(b, lm.length, lmOff);
        field(b, nt.length, ntOff);
        field(b, d.length, dOff);
        field(b, u.length, uOff);
        field(b, w.length, wOff);
        field(b, 0, p);
        b.putInt(FLAGS);
        b.put(d).put(u).put(w).put(lm).put(nt);
        return b.array();
    }

    private static void field(ByteBuffer b, int len, int off) {
        b.putShort((short) len).putShort((short) len).putInt(off);
    }

    private static byte[] utf16(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE);
    }
}
