package org.kerbscope.cifs.tests;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * NTLMSSP messages from MS-NLMP 2.2.1.1–2.2.1.3 (NEGOTIATE, CHALLENGE, AUTHENTICATE with an NTLMv2 response of
 * the documented shape). Response values are random: the dissectors read the structure, not the proof.
 */
final class Ntlm {
    private static final byte[] SIG = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
    private static final int FLAGS = 0xE2088297; // UNICODE, REQUEST_TARGET, SIGN, NTLM, ALWAYS_SIGN, EXT_SESSIONSECURITY, TARGET_INFO, VERSION, 128, KEY_EXCH, 56

    private Ntlm() {
    }

    private static byte[] version() {
        return new byte[] { 10, 0, 0x61, 0x4a, 0, 0, 0, 15 };
    }

    static byte[] negotiate() {
        ByteBuffer b = Smb.le(40);
        b.put(SIG).putInt(1).putInt(FLAGS).putShort((short) 0).putShort((short) 0).putInt(40).putShort((short) 0)
                .putShort((short) 0).putInt(40).put(version());
        return b.array();
    }

    static byte[] challenge(String target) {
        byte[] t = target.getBytes(StandardCharsets.UTF_16LE);
        byte[] info = Smb.cat(avPair(2, target), avPair(1, "FILES"), new byte[4]);
        ByteBuffer b = Smb.le(56 + t.length + info.length);
        b.put(SIG).putInt(2).putShort((short) t.length).putShort((short) t.length).putInt(56).putInt(FLAGS)
                .put(Smb.random(8)).put(new byte[8]).putShort((short) info.length).putShort((short) info.length)
                .putInt(56 + t.length).put(version()).put(t).put(info);
        return b.array();
    }

    static byte[] authenticate(String domain, String user, String workstation) {
        byte[] d = domain.getBytes(StandardCharsets.UTF_16LE);
        byte[] u = user.getBytes(StandardCharsets.UTF_16LE);
        byte[] w = workstation.getBytes(StandardCharsets.UTF_16LE);
        byte[] lm = new byte[24];
        ByteBuffer c = Smb.le(16 + 28 + 4);
        c.put(Smb.random(16)).put((byte) 1).put((byte) 1).putShort((short) 0).putInt(0).putLong(0x01d9000000000000L)
                .put(Smb.random(8)).putInt(0).putInt(0);
        byte[] nt = c.array();
        byte[] key = Smb.random(16);
        int p = 88;
        ByteBuffer b = Smb.le(p + lm.length + nt.length + d.length + u.length + w.length + key.length);
        b.put(SIG).putInt(3);
        p = field(b, lm.length, p);
        p = field(b, nt.length, p);
        p = field(b, d.length, p);
        p = field(b, u.length, p);
        p = field(b, w.length, p);
        field(b, key.length, p);
        b.putInt(FLAGS).put(version()).put(new byte[16]);
        b.put(lm).put(nt).put(d).put(u).put(w).put(key);
        return b.array();
    }

    private static int field(ByteBuffer b, int len, int off) {
        b.putShort((short) len).putShort((short) len).putInt(off);
        return off + len;
    }

    private static byte[] avPair(int id, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = Smb.le(4 + v.length);
        b.putShort((short) id).putShort((short) v.length).put(v);
        return b.array();
    }
}
