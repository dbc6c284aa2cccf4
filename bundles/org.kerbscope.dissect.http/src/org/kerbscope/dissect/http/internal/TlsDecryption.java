package org.kerbscope.dissect.http.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Removes the record protection of one TLS connection whose secrets were logged ({@link TlsKeyLog}): TLS 1.3 (RFC 8446
 * 5.2, 7.1, 7.3: the handshake then the application traffic secrets of each side, and KeyUpdate) and TLS 1.2 with AES-GCM
 * (RFC 5288, 5289), ChaCha20-Poly1305 (RFC 7905) or AES-CBC with HMAC (RFC 5246 6.2.3.2, MAC then encrypt; RFC 7366
 * encrypt then MAC when both hellos asked for it), keys from the master secret by the PRF of RFC 5246 5 and 6.3. Each
 * record is opened with the JDK's ciphers; a record whose tag or MAC does not verify is refused, never guessed at.
 */
public final class TlsDecryption {
    /** A cipher suite this class reads: its AEAD, key and IV lengths, and its hash. */
    record Suite(int id, boolean chacha, int keyLength, int ivLength, String hmac, String mac, int macLength) {
        Suite(int id, boolean chacha, int keyLength, int ivLength, String hmac) {
            this(id, chacha, keyLength, ivLength, hmac, null, 0);
        }

        int hashLength() {
            return "HmacSHA384".equals(hmac) ? 48 : 32;
        }

        /** AES-CBC with an HMAC of its own ({@link #mac}), not an AEAD. */
        boolean cbc() {
            return mac != null;
        }
    }

    /** What a protected record held: its real content type (TLS 1.3 hides it inside) and bytes. */
    public record Plain(int type, byte[] data) {
    }

    /** One direction's record protection. */
    static final class Direction {
        /** TLS 1.2: after this side's ChangeCipherSpec; TLS 1.3: from the ServerHello on. */
        boolean protectedRecords;
        /** TLS 1.3: the traffic secret in use, and the application one to switch to after Finished. */
        byte[] secret;
        byte[] applicationSecret;
        boolean application;
        byte[] key;
        byte[] iv;
        byte[] macKey;
        /** CBC: the record MAC, keyed once. */
        Mac mac;
        long seq;
    }

    private final boolean tls13;
    private final Suite suite;
    private final Direction client = new Direction();
    private final Direction server = new Direction();
    private final Cipher cipher;
    /** CBC: the MAC covers the cipher text (RFC 7366), not the plaintext. */
    private final boolean encryptThenMac;

    private TlsDecryption(boolean tls13, Suite suite, boolean encryptThenMac) throws GeneralSecurityException {
        this.tls13 = tls13;
        this.suite = suite;
        this.encryptThenMac = encryptThenMac;
        this.cipher = Cipher.getInstance(suite.chacha() ? "ChaCha20-Poly1305" : suite.cbc() ? "AES/CBC/NoPadding"
                : "AES/GCM/NoPadding");
    }

    /**
     * The decryption of a connection that negotiated {@code version} and {@code suite}, or a sentence that says why it
     * cannot be decrypted (thrown as IllegalArgumentException's message).
     */
    public static TlsDecryption of(int version, int suiteId, byte[] clientRandom, byte[] serverRandom, TlsKeyLog.Secrets s) {
        return of(version, suiteId, false, clientRandom, serverRandom, s);
    }

    /** @param encryptThenMac the ServerHello granted encrypt_then_mac (RFC 7366; it matters to CBC suites only) */
    public static TlsDecryption of(int version, int suiteId, boolean encryptThenMac, byte[] clientRandom, byte[] serverRandom,
            TlsKeyLog.Secrets s) {
        boolean tls13 = version == 0x0304;
        Suite suite = suite(suiteId, tls13);
        if (suite == null) {
            throw new IllegalArgumentException(String.format("the cipher suite 0x%04x is not decrypted (only AES-GCM,"
                    + " ChaCha20-Poly1305 and AES-CBC with HMAC)", suiteId));
        }
        try {
            TlsDecryption d = new TlsDecryption(tls13, suite, encryptThenMac && suite.cbc());
            if (tls13) {
                if (s.clientApplication == null || s.serverApplication == null) {
                    throw new IllegalArgumentException("the key log has no CLIENT_TRAFFIC_SECRET_0 and SERVER_TRAFFIC_SECRET_0"
                            + " for this TLS 1.3 connection");
                }
                d.start13(d.client, s.clientHandshake, s.clientApplication);
                d.start13(d.server, s.serverHandshake, s.serverApplication);
                d.client.protectedRecords = true;
                d.server.protectedRecords = true;
            } else {
                if (s.master == null || s.master.length != 48) {
                    throw new IllegalArgumentException("the key log has no CLIENT_RANDOM master secret for this TLS 1.2 connection");
                }
                if (version != 0x0303) {
                    throw new IllegalArgumentException("only TLS 1.2 and 1.3 are decrypted, not " + String.format("0x%04x", version));
                }
                byte[] seed = concat(serverRandom, clientRandom);
                int m = suite.macLength();
                int k = suite.keyLength();
                int iv = suite.ivLength();
                // client and server MAC keys (CBC only), keys, then the fixed IVs (AEAD only)
                byte[] block = prf(suite.hmac(), s.master, "key expansion", seed, 2 * m + 2 * k + 2 * iv);
                d.client.macKey = Arrays.copyOfRange(block, 0, m);
                d.server.macKey = Arrays.copyOfRange(block, m, 2 * m);
                d.client.key = Arrays.copyOfRange(block, 2 * m, 2 * m + k);
                d.server.key = Arrays.copyOfRange(block, 2 * m + k, 2 * m + 2 * k);
                d.client.iv = Arrays.copyOfRange(block, 2 * m + 2 * k, 2 * m + 2 * k + iv);
                d.server.iv = Arrays.copyOfRange(block, 2 * m + 2 * k + iv, 2 * m + 2 * k + 2 * iv);
            }
            return d;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("this Java cannot decrypt the suite's cipher: " + e);
        }
    }

    private static Suite suite(int id, boolean tls13) {
        if (tls13) {
            return switch (id) {
                case 0x1301 -> new Suite(id, false, 16, 12, "HmacSHA256");
                case 0x1302 -> new Suite(id, false, 32, 12, "HmacSHA384");
                case 0x1303 -> new Suite(id, true, 32, 12, "HmacSHA256");
                default -> null;
            };
        }
        return switch (id) {
            case 0x009C, 0x009E, 0x00A2, 0xC02B, 0xC02F -> new Suite(id, false, 16, 4, "HmacSHA256");
            case 0x009D, 0x009F, 0x00A3, 0xC02C, 0xC030 -> new Suite(id, false, 32, 4, "HmacSHA384");
            case 0xCCA8, 0xCCA9, 0xCCAA -> new Suite(id, true, 32, 12, "HmacSHA256");
            // AES-CBC: _SHA suites MAC with HMAC-SHA1, _SHA256 with SHA-256, _SHA384 with SHA-384 (also their PRF)
            case 0x002F, 0x0033, 0xC009, 0xC013 -> new Suite(id, false, 16, 0, "HmacSHA256", "HmacSHA1", 20);
            case 0x0035, 0x0039, 0xC00A, 0xC014 -> new Suite(id, false, 32, 0, "HmacSHA256", "HmacSHA1", 20);
            case 0x003C, 0x0067, 0xC023, 0xC027 -> new Suite(id, false, 16, 0, "HmacSHA256", "HmacSHA256", 32);
            case 0x003D, 0x006B -> new Suite(id, false, 32, 0, "HmacSHA256", "HmacSHA256", 32);
            case 0xC024, 0xC028 -> new Suite(id, false, 32, 0, "HmacSHA384", "HmacSHA384", 48);
            default -> null;
        };
    }

    private void start13(Direction d, byte[] handshake, byte[] application) throws GeneralSecurityException {
        d.applicationSecret = application;
        if (handshake != null) {
            keys13(d, handshake);
        } else {
            // no handshake secret logged: the handshake records stay closed, the application data opens
            keys13(d, application);
            d.application = true;
        }
    }

    private void keys13(Direction d, byte[] secret) throws GeneralSecurityException {
        d.secret = secret;
        d.key = expandLabel(suite.hmac(), secret, "key", new byte[0], suite.keyLength());
        d.iv = expandLabel(suite.hmac(), secret, "iv", new byte[0], 12);
        d.seq = 0;
    }

    /** The side's ChangeCipherSpec: in TLS 1.2 its records are protected from the next one on. */
    public void changeCipherSpec(boolean fromClient) {
        Direction d = fromClient ? client : server;
        if (!tls13 && !d.protectedRecords) {
            d.protectedRecords = true;
            d.seq = 0;
        }
    }

    /** Whether a record of {@code type} from this side is protected (and so for {@link #open}). */
    public boolean isProtected(boolean fromClient, int type) {
        Direction d = fromClient ? client : server;
        return d.protectedRecords && (tls13 ? type == 23 : type != 20);
    }

    /**
     * Opens one protected record ({@code record}: its 5-byte header and body). Returns null when it does not open
     * with this side's keys (the tag does not verify): the caller reports it and reads no further.
     */
    public Plain open(boolean fromClient, byte[] record) {
        Direction d = fromClient ? client : server;
        try {
            if (!tls13) {
                return open12(d, record);
            }
            Plain p = open13(d, record);
            if (p == null && !d.application && d.applicationSecret != null) {
                // the side finished its handshake in a record this reader did not see as such: try the application keys
                keys13(d, d.applicationSecret);
                d.application = true;
                p = open13(d, record);
            }
            if (p != null && p.type() == 22) {
                afterHandshake13(d, p.data());
            }
            return p;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private Plain open13(Direction d, byte[] record) throws GeneralSecurityException {
        int len = record.length - 5;
        if (len < 17) {
            return null;
        }
        byte[] nonce = nonce(d.iv, d.seq);
        byte[] out;
        try {
            init(d.key, nonce);
            cipher.updateAAD(record, 0, 5);
            out = cipher.doFinal(record, 5, len);
        } catch (javax.crypto.AEADBadTagException e) {
            return null;
        }
        d.seq++;
        // TLSInnerPlaintext: content, the real type, zero padding
        int end = out.length;
        while (end > 0 && out[end - 1] == 0) {
            end--;
        }
        if (end == 0) {
            return new Plain(0, new byte[0]);
        }
        return new Plain(out[end - 1] & 0xff, Arrays.copyOf(out, end - 1));
    }

    /** Finished ends a side's handshake keys; KeyUpdate (RFC 8446 4.6.3) moves its application keys on. */
    private void afterHandshake13(Direction d, byte[] messages) throws GeneralSecurityException {
        for (int p = 0; p + 4 <= messages.length; ) {
            int type = messages[p] & 0xff;
            int len = (messages[p + 1] & 0xff) << 16 | (messages[p + 2] & 0xff) << 8 | (messages[p + 3] & 0xff);
            if (type == 20 && !d.application && d.applicationSecret != null) {
                keys13(d, d.applicationSecret);
                d.application = true;
            } else if (type == 24 && d.application) {
                keys13(d, expandLabel(suite.hmac(), d.secret, "traffic upd", new byte[0], suite.hashLength()));
            }
            p += 4 + len;
        }
    }

    private Plain open12(Direction d, byte[] record) throws GeneralSecurityException {
        if (suite.cbc()) {
            return openCbc(d, record);
        }
        int type = record[0] & 0xff;
        int len = record.length - 5;
        byte[] nonce;
        int from;
        int plainLength;
        if (suite.chacha()) {
            nonce = nonce(d.iv, d.seq);
            from = 5;
            plainLength = len - 16;
        } else {
            // GCM: a 4-byte salt from the key block, then the record's 8-byte explicit nonce
            if (len < 8 + 16) {
                return null;
            }
            nonce = concat(d.iv, Arrays.copyOfRange(record, 5, 13));
            from = 13;
            plainLength = len - 8 - 16;
        }
        if (plainLength < 0) {
            return null;
        }
        byte[] aad = ByteBuffer.allocate(13).putLong(d.seq).put((byte) type).put(record[1]).put(record[2])
                .putShort((short) plainLength).array();
        byte[] out;
        try {
            init(d.key, nonce);
            cipher.updateAAD(aad);
            out = cipher.doFinal(record, from, record.length - from);
        } catch (javax.crypto.AEADBadTagException e) {
            return null;
        }
        d.seq++;
        return new Plain(type, out);
    }

    /**
     * A CBC record of TLS 1.2: the explicit IV, the cipher text of content, MAC and padding (RFC 5246 6.2.3.2); with
     * encrypt_then_mac the MAC follows the cipher text and covers it (RFC 7366 3).
     */
    private Plain openCbc(Direction d, byte[] record) throws GeneralSecurityException {
        int type = record[0] & 0xff;
        int body = record.length - 5;
        int m = suite.macLength();
        int cipherLength = encryptThenMac ? body - 16 - m : body - 16;
        if (cipherLength < 16 || cipherLength % 16 != 0) {
            return null;
        }
        if (d.mac == null) {
            d.mac = Mac.getInstance(suite.mac());
            d.mac.init(new SecretKeySpec(d.macKey, suite.mac()));
        }
        Mac mac = d.mac;
        if (encryptThenMac) {
            mac.update(macHeader(d.seq, record, 16 + cipherLength));
            mac.update(record, 5, 16 + cipherLength);
            byte[] tag = Arrays.copyOfRange(record, 5 + 16 + cipherLength, record.length);
            if (!java.security.MessageDigest.isEqual(mac.doFinal(), tag)) {
                return null;
            }
        }
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(d.key, "AES"), new IvParameterSpec(record, 5, 16));
        byte[] out = cipher.doFinal(record, 5 + 16, cipherLength);
        int pad = out[out.length - 1] & 0xff;
        int content = out.length - 1 - pad - (encryptThenMac ? 0 : m);
        if (content < 0) {
            return null;
        }
        for (int i = out.length - 1 - pad; i < out.length - 1; i++) {
            if ((out[i] & 0xff) != pad) {
                return null;
            }
        }
        if (!encryptThenMac) {
            mac.update(macHeader(d.seq, record, content));
            mac.update(out, 0, content);
            if (!java.security.MessageDigest.isEqual(mac.doFinal(), Arrays.copyOfRange(out, content, content + m))) {
                return null;
            }
        }
        d.seq++;
        return new Plain(type, Arrays.copyOf(out, content));
    }

    /** What the record MAC covers before the bytes: seq_num, type, version, length (RFC 5246 6.2.3.1). */
    private static byte[] macHeader(long seq, byte[] record, int length) {
        return ByteBuffer.allocate(13).putLong(seq).put(record[0]).put(record[1]).put(record[2]).putShort((short) length)
                .array();
    }

    private void init(byte[] key, byte[] nonce) throws GeneralSecurityException {
        if (suite.chacha()) {
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        } else {
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        }
    }

    /** The per-record nonce: the IV with the sequence number, left-padded to its length, XORed in. */
    private static byte[] nonce(byte[] iv, long seq) {
        byte[] n = iv.clone();
        for (int i = 0; i < 8; i++) {
            n[n.length - 1 - i] ^= (byte) (seq >>> (8 * i));
        }
        return n;
    }

    /** HKDF-Expand-Label (RFC 8446 7.1) over HKDF-Expand (RFC 5869 2.3). */
    static byte[] expandLabel(String hmac, byte[] secret, String label, byte[] context, int length)
            throws GeneralSecurityException {
        byte[] l = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = ByteBuffer.allocate(2 + 1 + l.length + 1 + context.length).putShort((short) length)
                .put((byte) l.length).put(l).put((byte) context.length).put(context).array();
        Mac mac = Mac.getInstance(hmac);
        mac.init(new SecretKeySpec(secret, hmac));
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int i = 1, done = 0; done < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }

    /** The TLS 1.2 PRF (RFC 5246 5): P_hash(secret, label + seed) with the suite's hash. */
    static byte[] prf(String hmac, byte[] secret, String label, byte[] seed, int length) throws GeneralSecurityException {
        byte[] labelSeed = concat(label.getBytes(StandardCharsets.US_ASCII), seed);
        Mac mac = Mac.getInstance(hmac);
        mac.init(new SecretKeySpec(secret, hmac));
        byte[] out = new byte[length];
        byte[] a = labelSeed;
        for (int done = 0; done < length; ) {
            a = mac.doFinal(a);
            mac.update(a);
            mac.update(labelSeed);
            byte[] t = mac.doFinal();
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
