package org.kerbscope.cifs.tests;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * SMB messages built from the documented structures: MS-SMB2 2.2.1 (SYNC header), 2.2.3/2.2.4 (NEGOTIATE),
 * 2.2.5/2.2.6 (SESSION_SETUP), 2.2.7/2.2.8 (LOGOFF), 2.2.9/2.2.10 (TREE_CONNECT), 2.2.2 (ERROR), 2.2.41
 * (TRANSFORM_HEADER); MS-CIFS 2.2.3.1 and MS-SMB 2.2.4 (SMB1 header, NEGOTIATE and SESSION_SETUP_ANDX with
 * extended security); RFC 1002 4.3 (NetBIOS session messages); RFC 4178 (SPNEGO NegTokenInit/NegTokenResp, DER).
 */
final class Smb {
    static final int NEGOTIATE = 0;
    static final int SESSION_SETUP = 1;
    static final int LOGOFF = 2;
    static final int TREE_CONNECT = 3;
    static final int CREATE = 5;
    static final int WRITE = 9;

    static final long SUCCESS = 0;
    static final long MORE_PROCESSING = 0xC0000016L;
    static final long LOGON_FAILURE = 0xC000006DL;
    static final long ACCOUNT_LOCKED_OUT = 0xC0000234L;
    static final long ACCOUNT_DISABLED = 0xC0000072L;
    static final long ACCESS_DENIED = 0xC0000022L;
    static final long BAD_NETWORK_NAME = 0xC00000CCL;
    static final long OBJECT_NAME_NOT_FOUND = 0xC0000034L;

    static final String SPNEGO = "1.3.6.1.5.5.2";
    static final String KRB5 = "1.2.840.113554.1.2.2";
    static final String MS_KRB5 = "1.2.840.48018.1.2.2";
    static final String NTLMSSP = "1.3.6.1.4.1.311.2.2.10";

    private static final Random RND = new Random(445);

    private Smb() {
    }

    static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RND.nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------ NetBIOS

    /** A NetBIOS session message (type 0x00) around an SMB message. */
    static byte[] nbss(byte[] msg) {
        return cat(new byte[] { 0, (byte) (msg.length >>> 16), (byte) (msg.length >>> 8), (byte) msg.length }, msg);
    }

    /** A NetBIOS session-service control message (0x81 request, 0x82 positive response, 0x85 keep-alive). */
    static byte[] nbssControl(int type, byte[] payload) {
        return cat(new byte[] { (byte) type, 0, (byte) (payload.length >>> 8), (byte) payload.length }, payload);
    }

    // ------------------------------------------------------------------ SMB2

    static byte[] header(int cmd, boolean response, long status, long msgId, long sessionId, long treeId) {
        ByteBuffer b = le(64);
        b.put(new byte[] { (byte) 0xFE, 'S', 'M', 'B' }).putShort((short) 64).putShort((short) 1).putInt((int) status)
                .putShort((short) cmd).putShort((short) 1).putInt(response ? 1 : 0).putInt(0).putLong(msgId)
                .putInt(0xFEFF).putInt((int) treeId).putLong(sessionId).put(new byte[16]);
        return b.array();
    }

    static byte[] negotiateRequest(long msgId, int... dialects) {
        ByteBuffer b = le(36 + 2 * dialects.length);
        b.putShort((short) 36).putShort((short) dialects.length).putShort((short) 1).putShort((short) 0).putInt(0x7f)
                .put(random(16)).putInt(0).putShort((short) 0).putShort((short) 0);
        for (int d : dialects) {
            b.putShort((short) d);
        }
        return cat(header(NEGOTIATE, false, 0, msgId, 0, 0), b.array());
    }

    static byte[] negotiateResponse(long msgId, int dialect, byte[] blob) {
        ByteBuffer b = le(64 + blob.length);
        b.putShort((short) 65).putShort((short) 1).putShort((short) dialect).putShort((short) 0).put(random(16))
                .putInt(0x2f).putInt(8 << 20).putInt(8 << 20).putInt(8 << 20).putLong(0x01d2000000000000L)
                .putLong(0).putShort((short) (blob.length == 0 ? 0 : 128)).putShort((short) blob.length).putInt(0)
                .put(blob);
        return cat(header(NEGOTIATE, true, SUCCESS, msgId, 0, 0), b.array());
    }

    static byte[] sessionSetupRequest(long msgId, long sessionId, byte[] blob) {
        ByteBuffer b = le(24 + blob.length);
        b.putShort((short) 25).put((byte) 0).put((byte) 1).putInt(1).putInt(0)
                .putShort((short) (blob.length == 0 ? 0 : 88)).putShort((short) blob.length).putLong(0).put(blob);
        return cat(header(SESSION_SETUP, false, 0, msgId, sessionId, 0), b.array());
    }

    /** SESSION_SETUP response; {@code flags}: 1 IS_GUEST, 2 IS_NULL, 4 ENCRYPT_DATA. */
    static byte[] sessionSetupResponse(long msgId, long sessionId, long status, int flags, byte[] blob) {
        ByteBuffer b = le(8 + blob.length);
        b.putShort((short) 9).putShort((short) flags).putShort((short) (blob.length == 0 ? 0 : 72))
                .putShort((short) blob.length).put(blob);
        return cat(header(SESSION_SETUP, true, status, msgId, sessionId, 0), b.array());
    }

    /** The ERROR response body (MS-SMB2 2.2.2) every failed command answers with. */
    static byte[] errorResponse(int cmd, long msgId, long sessionId, long treeId, long status) {
        ByteBuffer b = le(9);
        b.putShort((short) 9).put((byte) 0).put((byte) 0).putInt(0).put((byte) 0);
        return cat(header(cmd, true, status, msgId, sessionId, treeId), b.array());
    }

    static byte[] treeConnectRequest(long msgId, long sessionId, String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = le(8 + p.length);
        b.putShort((short) 9).putShort((short) 0).putShort((short) 72).putShort((short) p.length).put(p);
        return cat(header(TREE_CONNECT, false, 0, msgId, sessionId, 0), b.array());
    }

    static byte[] treeConnectResponse(long msgId, long sessionId, long treeId) {
        ByteBuffer b = le(16);
        b.putShort((short) 16).put((byte) 1).put((byte) 0).putInt(0).putInt(0).putInt(0x001f01ff);
        return cat(header(TREE_CONNECT, true, SUCCESS, msgId, sessionId, treeId), b.array());
    }

    static byte[] logoff(boolean response, long msgId, long sessionId) {
        ByteBuffer b = le(4);
        b.putShort((short) 4).putShort((short) 0);
        return cat(header(LOGOFF, response, SUCCESS, msgId, sessionId, 0), b.array());
    }

    /** A WRITE request (MS-SMB2 2.2.21) with {@code n} bytes of data: traffic the framer should pass over. */
    static byte[] write(long msgId, long sessionId, long treeId, int n) {
        ByteBuffer b = le(48 + n);
        b.putShort((short) 49).putShort((short) 112).putInt(n).putLong(0).put(new byte[16]).putInt(0).putInt(0)
                .putShort((short) 0).putShort((short) 0).putInt(0).put(new byte[n]);
        return cat(header(WRITE, false, 0, msgId, sessionId, treeId), b.array());
    }

    /** Chains PDUs into a compound: each but the last padded to 8 bytes, NextCommand pointing at the next. */
    static byte[] compound(byte[]... pdus) {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < pdus.length; i++) {
            byte[] p = pdus[i];
            if (i < pdus.length - 1) {
                int padded = (p.length + 7) & ~7;
                p = java.util.Arrays.copyOf(p, padded);
                ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(20, padded);
            }
            parts.add(p);
        }
        return cat(parts.toArray(byte[][]::new));
    }

    /** TRANSFORM_HEADER (MS-SMB2 2.2.41) around {@code n} bytes of cipher text. */
    static byte[] transform(long sessionId, int n) {
        ByteBuffer b = le(52 + n);
        b.put(new byte[] { (byte) 0xFD, 'S', 'M', 'B' }).put(random(16)).put(random(16)).putInt(n).putShort((short) 0)
                .putShort((short) 1).putLong(sessionId).put(random(n));
        return b.array();
    }

    // ------------------------------------------------------------------ SMB1

    static byte[] smb1Header(int cmd, boolean response, long status, int uid, int mid) {
        ByteBuffer b = le(32);
        b.put(new byte[] { (byte) 0xFF, 'S', 'M', 'B' }).put((byte) cmd).putInt((int) status)
                .put((byte) (0x18 | (response ? 0x80 : 0))).putShort((short) 0xC807).putShort((short) 0).put(new byte[8])
                .putShort((short) 0).putShort((short) 0xFFFF).putShort((short) 0xFEFF).putShort((short) uid)
                .putShort((short) mid);
        return b.array();
    }

    static byte[] smb1NegotiateRequest(String... dialects) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        for (String s : dialects) {
            d.write(2);
            d.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            d.write(0);
        }
        byte[] bytes = d.toByteArray();
        ByteBuffer b = le(3 + bytes.length);
        b.put((byte) 0).putShort((short) bytes.length).put(bytes);
        return cat(smb1Header(0x72, false, 0, 0, 1), b.array());
    }

    /** NT LM 0.12 NEGOTIATE response with CAP_EXTENDED_SECURITY: server GUID and the security blob. */
    static byte[] smb1NegotiateResponse(byte[] blob) {
        ByteBuffer b = le(1 + 34 + 2 + 16 + blob.length);
        b.put((byte) 17).putShort((short) 0).put((byte) 3).putShort((short) 50).putShort((short) 1).putInt(16644)
                .putInt(65536).putInt(0).putInt(0x8000e3fd).putLong(0x01c7000000000000L).putShort((short) 0)
                .put((byte) 0).putShort((short) (16 + blob.length)).put(random(16)).put(blob);
        return cat(smb1Header(0x72, true, 0, 0, 1), b.array());
    }

    static byte[] smb1SessionSetupRequest(int mid, byte[] blob) {
        ByteBuffer b = le(1 + 24 + 2 + blob.length + 2);
        b.put((byte) 12).put((byte) 0xFF).put((byte) 0).putShort((short) 0).putShort((short) 16644)
                .putShort((short) 50).putShort((short) 0).putInt(0).putShort((short) blob.length).putInt(0)
                .putInt(0x800000d4).putShort((short) (blob.length + 2)).put(blob).putShort((short) 0);
        return cat(smb1Header(0x73, false, 0, 0, mid), b.array());
    }

    static byte[] smb1SessionSetupResponse(int mid, int uid, long status, int action, byte[] blob) {
        if (blob == null) {
            return cat(smb1Header(0x73, true, status, uid, mid), new byte[3]);
        }
        ByteBuffer b = le(1 + 8 + 2 + blob.length);
        b.put((byte) 4).put((byte) 0xFF).put((byte) 0).putShort((short) 0).putShort((short) action)
                .putShort((short) blob.length).putShort((short) blob.length).put(blob);
        return cat(smb1Header(0x73, true, status, uid, mid), b.array());
    }

    // ------------------------------------------------------------------ SPNEGO (DER)

    static byte[] der(int tag, byte[]... content) {
        byte[] c = cat(content);
        int n = c.length;
        byte[] len;
        if (n < 0x80) {
            len = new byte[] { (byte) n };
        } else if (n < 0x100) {
            len = new byte[] { (byte) 0x81, (byte) n };
        } else if (n < 0x10000) {
            len = new byte[] { (byte) 0x82, (byte) (n >>> 8), (byte) n };
        } else {
            len = new byte[] { (byte) 0x83, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n };
        }
        return cat(new byte[] { (byte) tag }, len, c);
    }

    static byte[] oid(String dotted) {
        String[] p = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(p[0]) * 40 + Integer.parseInt(p[1]));
        for (int i = 2; i < p.length; i++) {
            long v = Long.parseLong(p[i]);
            byte[] tmp = new byte[10];
            int k = 0;
            do {
                tmp[k++] = (byte) (v & 0x7f);
                v >>>= 7;
            } while (v != 0);
            for (int j = k - 1; j >= 0; j--) {
                out.write(tmp[j] | (j > 0 ? 0x80 : 0));
            }
        }
        return der(0x06, out.toByteArray());
    }

    private static byte[] mechList(String... mechs) {
        List<byte[]> oids = new ArrayList<>();
        for (String m : mechs) {
            oids.add(oid(m));
        }
        return der(0xa0, der(0x30, oids.toArray(byte[][]::new)));
    }

    /** The server's NegTokenInit2 (MS-SPNG 2.2.1) of a NEGOTIATE response: mechanisms and the hint name. */
    static byte[] negTokenInit2(String... mechs) {
        byte[] hints = der(0xa3, der(0x30, der(0xa0, der(0x1b,
                "not_defined_in_RFC4178@please_ignore".getBytes(StandardCharsets.US_ASCII)))));
        return der(0x60, oid(SPNEGO), der(0xa0, der(0x30, mechList(mechs), hints)));
    }

    /** A client's NegTokenInit carrying a mechanism token. */
    static byte[] negTokenInit(byte[] token, String... mechs) {
        return der(0x60, oid(SPNEGO), der(0xa0, der(0x30, mechList(mechs), der(0xa2, der(0x04, token)))));
    }

    /** NegTokenResp: state 0 accept-completed, 1 accept-incomplete, 2 reject; mech and token optional. */
    static byte[] negTokenResp(int state, String mech, byte[] token) {
        List<byte[]> f = new ArrayList<>();
        f.add(der(0xa0, der(0x0a, new byte[] { (byte) state })));
        if (mech != null) {
            f.add(der(0xa1, oid(mech)));
        }
        if (token != null) {
            f.add(der(0xa2, der(0x04, token)));
        }
        return der(0xa1, der(0x30, f.toArray(byte[][]::new)));
    }
}
