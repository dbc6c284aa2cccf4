package org.kerbscope.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The records of a TLS 1.3 connection (TLS_AES_128_GCM_SHA256) made by hand, sealed as a peer seals them (RFC 8446 5.2,
 * 7.1, 7.3), with a key log that holds only its application traffic secrets: for tests and fuzzing that need records
 * which open, carrying bytes of their own choosing, in an order of their own choosing. Each side keeps its record
 * sequence number and moves its keys on after a KeyUpdate it sends.
 */
public final class Tls13Records {
    private final byte[] clientRandom = new byte[32];
    private final byte[][] secret = new byte[2][];
    private final long[] seq = new long[2];

    public Tls13Records() {
        Arrays.fill(clientRandom, (byte) 0xc1);
        secret[0] = new byte[32];
        secret[1] = new byte[32];
        Arrays.fill(secret[0], (byte) 0x11);
        Arrays.fill(secret[1], (byte) 0x22);
    }

    /** The NSS key log lines of the connection: CLIENT_TRAFFIC_SECRET_0 and SERVER_TRAFFIC_SECRET_0. */
    public String keyLog() {
        HexFormat h = HexFormat.of();
        return "CLIENT_TRAFFIC_SECRET_0 " + h.formatHex(clientRandom) + " " + h.formatHex(secret[0]) + "\n"
                + "SERVER_TRAFFIC_SECRET_0 " + h.formatHex(clientRandom) + " " + h.formatHex(secret[1]) + "\n";
    }

    /** The ClientHello record: TLS 1.3, TLS_AES_128_GCM_SHA256, and ALPN with these protocols when any. */
    public byte[] clientHello(String... alpn) {
        return hello(1, clientRandom, alpn);
    }

    /** The ServerHello record (ALPN, which TLS 1.3 puts in EncryptedExtensions, only when a test wants it here). */
    public byte[] serverHello(String... alpn) {
        byte[] random = new byte[32];
        Arrays.fill(random, (byte) 0x5e);
        return hello(2, random, alpn);
    }

    /** One sealed record of {@code content} from a side, of inner content type 23 (data) or 22 (handshake). */
    public byte[] seal(boolean fromServer, byte[] content, int type) {
        int side = fromServer ? 1 : 0;
        try {
            byte[] rec = seal13(secret[side], seq[side]++, content, type);
            // a KeyUpdate among the record's handshake messages moves the sender's keys on (RFC 8446 4.6.3)
            for (int q = 0; type == 22 && q + 4 <= content.length; ) {
                if ((content[q] & 0xff) == 24) {
                    secret[side] = expandLabel(secret[side], "traffic upd", 32);
                    seq[side] = 0;
                }
                q += 4 + ((content[q + 1] & 0xff) << 16 | (content[q + 2] & 0xff) << 8 | (content[q + 3] & 0xff));
            }
            return rec;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot seal a TLS 1.3 record", e);
        }
    }

    private static byte[] hello(int type, byte[] random, String... alpn) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {3, 3});
        b.writeBytes(random);
        b.write(0);                                    // legacy session id
        b.writeBytes(type == 1 ? new byte[] {0, 2, 0x13, 0x01, 1, 0} : new byte[] {0x13, 0x01, 0});
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        ext.writeBytes(type == 1 ? new byte[] {0, 43, 0, 3, 2, 3, 4} : new byte[] {0, 43, 0, 2, 3, 4});
        if (alpn.length > 0) {
            ByteArrayOutputStream list = new ByteArrayOutputStream();
            for (String a : alpn) {
                list.write(a.length());
                list.writeBytes(a.getBytes(StandardCharsets.US_ASCII));
            }
            ext.writeBytes(new byte[] {0, 16, 0, (byte) (list.size() + 2), 0, (byte) list.size()});
            ext.writeBytes(list.toByteArray());
        }
        b.writeBytes(new byte[] {0, (byte) ext.size()});
        b.writeBytes(ext.toByteArray());
        byte[] body = b.toByteArray();
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        rec.writeBytes(new byte[] {22, 3, 1, 0, (byte) (body.length + 4), (byte) type, 0, 0, (byte) body.length});
        rec.writeBytes(body);
        return rec.toByteArray();
    }

    /** RFC 8446 5.2: the inner plaintext (content, then its type) sealed with AES-128-GCM under the traffic secret. */
    private static byte[] seal13(byte[] secret, long seq, byte[] content, int type) throws GeneralSecurityException {
        byte[] key = expandLabel(secret, "key", 16);
        byte[] iv = expandLabel(secret, "iv", 12);
        for (int i = 0; i < 8; i++) {
            iv[11 - i] ^= (byte) (seq >>> (8 * i));
        }
        int len = content.length + 1 + 16;
        byte[] header = {23, 3, 3, (byte) (len >> 8), (byte) len};
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        c.updateAAD(header);
        byte[] inner = Arrays.copyOf(content, content.length + 1);
        inner[content.length] = (byte) type;
        byte[] sealed = c.doFinal(inner);
        byte[] rec = Arrays.copyOf(header, 5 + sealed.length);
        System.arraycopy(sealed, 0, rec, 5, sealed.length);
        return rec;
    }

    /** RFC 8446 7.1, HKDF-Expand-Label with SHA-256 and an empty context, for outputs of one hash block or less. */
    private static byte[] expandLabel(byte[] secret, String label, int length) throws GeneralSecurityException {
        byte[] l = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + l.length + 1 + 1];
        info[1] = (byte) length;
        info[2] = (byte) l.length;
        System.arraycopy(l, 0, info, 3, l.length);
        info[info.length - 1] = 1; // HKDF-Expand's counter: T(1)
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return Arrays.copyOf(mac.doFinal(info), length);
    }
}
