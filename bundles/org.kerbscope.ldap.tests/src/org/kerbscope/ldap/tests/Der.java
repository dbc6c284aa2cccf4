package org.kerbscope.ldap.tests;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A tiny BER writer (definite lengths, as RFC 4511 §5.1 asks) to build LDAP messages in tests. */
final class Der {
    private Der() {
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] tlv(int tag, byte[]... parts) {
        byte[] body = cat(parts);
        int n = body.length;
        byte[] len;
        if (n < 0x80) {
            len = new byte[] { (byte) n };
        } else if (n < 0x100) {
            len = new byte[] { (byte) 0x81, (byte) n };
        } else if (n < 0x10000) {
            len = new byte[] { (byte) 0x82, (byte) (n >> 8), (byte) n };
        } else {
            len = new byte[] { (byte) 0x84, (byte) (n >> 24), (byte) (n >> 16), (byte) (n >> 8), (byte) n };
        }
        return cat(new byte[] { (byte) tag }, len, body);
    }

    static byte[] seq(byte[]... parts) {
        return tlv(0x30, parts);
    }

    static byte[] octets(String s) {
        return tlv(0x04, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] octets(byte[] b) {
        return tlv(0x04, b);
    }

    static byte[] integer(long v) {
        return number(0x02, v);
    }

    static byte[] enumerated(long v) {
        return number(0x0a, v);
    }

    private static byte[] number(int tag, long v) {
        int n = 1;
        while (n < 8 && (v >> (8 * n - 1)) != 0 && (v >> (8 * n - 1)) != -1) {
            n++;
        }
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[n - 1 - i] = (byte) (v >> (8 * i));
        }
        return tlv(tag, b);
    }

    static byte[] bool(boolean v) {
        return tlv(0x01, new byte[] { (byte) (v ? 0xff : 0) });
    }
}
