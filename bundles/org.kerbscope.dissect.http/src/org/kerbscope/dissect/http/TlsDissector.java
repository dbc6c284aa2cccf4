package org.kerbscope.dissect.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.dissect.http.internal.TlsDecryption;
import org.kerbscope.dissect.http.internal.TlsKeyLog;

/**
 * The clear part of a TLS connection (RFC 8446, RFC 5246): the client's ClientHello and the server's ServerHello or
 * alert, which say which site an HTTPS connection was for (the server_name extension) while the HTTP messages and
 * their Negotiate tokens are encrypted, and the alerts sent in clear while shaking hands (why a handshake failed). The
 * rest of the handshake is passed over, and from the first encrypted record on everything, without being buffered.
 * <p>
 * Event fields ({@code tls}): {@code kind} ({@code clientHello}, {@code serverHello}, {@code alert}, and with the key log
 * TLS 1.3's {@code encryptedExtensions}, whose {@code alpn} is the protocol the server chose); hellos
 * {@code version} (the negotiated one for a ServerHello: its supported_versions extension, else its legacy version)
 * and {@code alpn} (offered, or selected); the ClientHello {@code sni}; the ServerHello {@code cipherSuite} and
 * {@code helloRetry}; an alert {@code level}, {@code description}, {@code code}, and {@code afterApplicationData} when decrypted
 * application data went before it (with the key log: the end of a connection that worked, not of a handshake).
 */
public final class TlsDissector implements Dissector {
    static final String ID = "tls";
    /** The largest record a peer may send (RFC 8446 5.2: 2^14 + 2048 of ciphertext). */
    static final int MAX_RECORD = (1 << 14) + 2048;
    /** A hello larger than this (it would span many records) is not put together. */
    static final int MAX_HELLO = 1 << 16;

    /** What one direction has shown so far. */
    static final class Side {
        /** Its hello was read: later handshake records are passed over, alerts still read. */
        boolean hello;
        /** Encrypted application data began (or a fatal alert ended the handshake): the rest is passed over. */
        boolean done;
        /** Handshake bytes of a hello that spans records; null when there are none (released once it is read). */
        ByteArrayOutputStream handshake;

        int pending() {
            return handshake == null ? 0 : handshake.size();
        }
    }

    static final class Conversation {
        static final String KEY = "tls.conversation";
        final Side fromClient = new Side();
        final Side fromServer = new Side();
        /** The connection's secrets are in the user's TLS key log: every record is read, and opened. */
        boolean readAll;
        TlsKeyLog.Secrets secrets;
        byte[] clientRandom;
        TlsDecryption decryption;
        PlaintextReader clientPlain;
        PlaintextReader serverPlain;
        /** Decrypted application data went either way: an alert after it ends the connection, not the handshake. */
        boolean applicationData;
        /** The server chose HTTP/2 (ALPN h2), or the client's first data was the HTTP/2 connection preface. */

        boolean http2;
    }

    /** Opens the records of connections whose secrets the user logged; the HTTP they carry is read as in clear. */
    private static final HttpDissector HTTP = new HttpDissector();

    private static Conversation state(ConversationState c) {
        return c.attribute(Conversation.KEY, Conversation::new);
    }

    /** A ClientHello record: handshake (22), version 3.x, a record length in bounds, handshake type 1. */
    @Override
    public boolean accepts(Pdu pdu, String transport) {
        if (!"tcp".equals(transport) || pdu.length() < 6) {
            return false;
        }
        int len = (pdu.u8(3) << 8) | pdu.u8(4);
        return pdu.u8(0) == 22 && pdu.u8(1) == 3 && pdu.u8(2) <= 4 && len >= 4 && len <= MAX_RECORD && pdu.u8(5) == 1;
    }

    @Override
    public StreamFramer newFramer(ConversationState conversation, boolean fromClient) {
        Conversation c = state(conversation);
        Side side = fromClient ? c.fromClient : c.fromServer;
        return buffered -> {
            if (side.done) {
                return StreamFramer.skipRest();
            }
            int n = buffered.limit();
            int type = n >= 1 ? buffered.get(0) & 0xff : 20;
            // a record's type is 20 to 24 and its major version 3: anything else is not (or no longer) TLS
            if (type < 20 || type > 24 || n >= 2 && buffered.get(1) != 3) {
                return StreamFramer.REJECT;
            }
            if (n < 5) {
                return StreamFramer.NEED_MORE;
            }
            int len = ((buffered.get(3) & 0xff) << 8) | (buffered.get(4) & 0xff);
            if (len > MAX_RECORD) {
                return StreamFramer.REJECT;
            }
            if (c.readAll) {
                // the connection's secrets are logged: every record is read (and opened) until the end
                return StreamFramer.pdu(5 + len);
            }
            if (type == 23) {
                // application data: the handshake is over, everything from here on is encrypted
                side.done = true;
                side.handshake = null;
                return StreamFramer.skipRest();
            }
            // the hello and the alerts of the handshake (a TLS 1.2 client refusing the certificate says so in clear)
            // are read; other handshake messages, ChangeCipherSpec and heartbeats are passed over
            return type == 21 || type == 22 && !side.hello ? StreamFramer.pdu(5 + len) : StreamFramer.skip(5 + len);
        };
    }

    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        ConversationState cs = ctx.conversation();
        boolean fromClient = cs == null || cs.client() == null || cs.client().equals(ctx.src());
        Side side = cs == null ? new Side() : fromClient ? state(cs).fromClient : state(cs).fromServer;
        FieldNode tree = ctx.tree();
        int n = pdu.length();
        if (n < 5) {
            malformed(ctx, tree, pdu, "a TLS record shorter than its 5-byte header", 0, n);
            return;
        }
        int type = pdu.u8(0);
        int len = (pdu.u8(3) << 8) | pdu.u8(4);
        if (len > n - 5) {
            malformed(ctx, tree, pdu, "a TLS record of " + len + " bytes holds only " + (n - 5), 0, n);
            return;
        }
        FieldNode rec = tree == null ? null : tree.add("tls.record", "TLS record: " + contentType(type) + ", "
                + version(pdu.u8(1) << 8 | pdu.u8(2)) + ", " + len + " bytes", type, pdu.abs(0), 5 + len);
        Conversation conv = cs == null ? null : state(cs);
        TlsDecryption dec = conv == null ? null : conv.decryption;
        if (dec != null && type == 20) {
            dec.changeCipherSpec(fromClient);
            return;
        }
        if (dec != null && dec.isProtected(fromClient, type)) {
            decrypted(conv, dec, pdu, ctx, rec, side, fromClient, len);
            return;
        }
        if (type == 21) {
            alert(pdu, ctx, rec, side, len);
            return;
        }
        if (type != 22 || side.hello) {
            return;
        }
        // the handshake message may continue a previous record's (a hello larger than one record)
        Pdu hs;
        if (side.pending() > 0 || len < 4 || 4 + u24(pdu, 6) > len) {
            if (side.pending() + len > MAX_HELLO) {
                ctx.diagnostic(ID, "a TLS handshake message larger than " + (MAX_HELLO >> 10) + " KiB: not read");
                side.handshake = null;
                side.hello = true;
                return;
            }
            if (side.handshake == null) {
                side.handshake = new ByteArrayOutputStream(len + 64);
            }
            side.handshake.write(pdu.bytes(5, len), 0, len);
            byte[] sofar = side.handshake.toByteArray();
            if (sofar.length < 4 || 4 + u24(sofar, 1) > sofar.length) {
                if (rec != null) {
                    rec.add("tls.handshake.fragment", "Handshake fragment (" + len + " bytes; the message continues)",
                            null, pdu.abs(5), len);
                }
                return;
            }
            side.handshake = null;
            hs = Pdu.detached(ByteBuffer.wrap(sofar), "Reassembled TLS handshake");
            if (rec != null) {
                rec = rec.add("tls.handshake.reassembled", "Handshake message put together from several records ("
                        + sofar.length + " bytes)", null, pdu.abs(5), len);
                rec.setSource("Reassembled TLS handshake");
            }
        } else {
            hs = pdu.slice(5, len);
        }
        int msgType = hs.u8(0);
        int msgLen = u24(hs, 1);
        Pdu body = hs.slice(4, Math.min(msgLen, hs.length() - 4));
        FieldNode h = rec == null ? null : rec.add("tls.handshake.type", "Handshake: " + handshakeType(msgType)
                + " (" + msgLen + " bytes)", msgType, hs.abs(0), 4 + body.length());
        try {
            if (msgType == 1) {
                side.hello = true;
                clientHello(body, ctx, h, conv);
            } else if (msgType == 2) {
                side.hello = true;
                serverHello(body, ctx, h, conv);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            malformed(ctx, h, body, "a " + handshakeType(msgType) + " cut short or with a length past its end", 0,
                    body.length());
        }
    }

    private static void alert(Pdu pdu, DissectionContext ctx, FieldNode rec, Side side, int len) {
        if (len != 2) {
            // after the handshake an alert is encrypted: its length is not 2 and it cannot be read
            return;
        }
        alert(pdu.u8(5), pdu.u8(6), ctx, rec, side, pdu.abs(5), false);
    }

    /**
     * A record of a connection whose secrets are logged: opened, and its content read as if it had been in clear (the
     * HTTP of application data, an alert). A record that does not open ends the reading of its direction.
     */
    private static void decrypted(Conversation conv, TlsDecryption dec, Pdu pdu, DissectionContext ctx, FieldNode rec,
            Side side, boolean fromClient, int len) {
        TlsDecryption.Plain p = dec.open(fromClient, pdu.bytes(0, 5 + len));
        if (p == null) {
            side.done = true;
            String why = "a TLS record from the " + (fromClient ? "client" : "server") + " does not decrypt with the"
                    + " secrets of the key log: the rest of this direction is not read";
            ctx.diagnostic(ID, why);
            if (rec != null) {
                rec.malformed(why, pdu.abs(5), len);
            }
            return;
        }
        FieldNode node = null;
        if (rec != null) {
            // its range is in the decrypted bytes, a data source of its own (the frame holds only the cipher text)
            node = rec.add("tls.decrypted", "Decrypted " + contentType(p.type()) + " (" + p.data().length + " bytes)",
                    p.type(), 0, p.data().length);
            node.setSource(TlsPlaintext.SOURCE);
        }
        if (p.type() == 23) {
            conv.applicationData = true;
            if (fromClient && conv.clientPlain == null && Http2Plaintext.preface(p.data())) {
                conv.http2 = true; // no ALPN seen, but the client's first bytes are HTTP/2's
            }
            PlaintextReader stream = fromClient ? conv.clientPlain : conv.serverPlain;
            if (stream == null && !fromClient && !conv.http2 && Http2Plaintext.settingsFrame(p.data())) {
                // the server's SETTINGS before the client's preface, and its ALPN choice not read (a key log without
                // the handshake secrets): HTTP/2 all the same (an HTTP/1.x answer begins with "HTTP/")
                conv.http2 = true;
            }
            if (stream == null) {
                stream = conv.http2 ? new Http2Plaintext(HTTP, fromClient)
                        : new TlsPlaintext(HTTP, ctx.conversation(), fromClient);
                if (fromClient) {
                    conv.clientPlain = stream;
                } else {
                    conv.serverPlain = stream;
                }
            }
            stream.feed(p.data(), ctx, node);
        } else if (p.type() == 21 && p.data().length == 2) {
            alert(p.data()[0] & 0xff, p.data()[1] & 0xff, ctx, node, side, 0, conv.applicationData);
        } else if (p.type() == 22 && !fromClient) {
            Pdu hs = Pdu.detached(ByteBuffer.wrap(p.data()), TlsPlaintext.SOURCE);
            try {
                encryptedExtensions(hs, ctx, node, conv);
            } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                malformed(ctx, node, hs, "a decrypted handshake message cut short or with a length past its end", 0,
                        hs.length());
            }
        }
    }

    /**
     * TLS 1.3's EncryptedExtensions (RFC 8446 4.3.1), the server's first encrypted handshake message: the ALPN protocol
     * it chose is there, not in the ServerHello. A server that chose h2 may send its HTTP/2 SETTINGS before the client's
     * connection preface, so the connection is known to be HTTP/2 from here. One event, {@code encryptedExtensions}.
     */
    private static void encryptedExtensions(Pdu b, DissectionContext ctx, FieldNode node, Conversation conv) {
        for (int p = 0; p + 4 <= b.length(); ) {
            int type = b.u8(p);
            int end = p + 4 + u24(b, p + 1);
            if (end > b.length()) {
                return; // a message that goes on in the next record (a Certificate): EncryptedExtensions comes first
            }
            if (type == 8 && end - p >= 6) {
                FieldNode h = node == null ? null : node.add("tls.handshake.type", "Handshake: Encrypted Extensions ("
                        + (end - p - 4) + " bytes)", type, p, end - p);
                List<String> alpn = null;
                int extEnd = checkedEnd(b, p + 6, u16(b, p + 4));
                if (extEnd > end) {
                    throw new IllegalArgumentException("extensions past the message's end");
                }
                for (int q = p + 6; q + 4 <= extEnd; ) {
                    int len = u16(b, q + 2);
                    int dEnd = checkedEnd(b, q + 4, len);
                    if (u16(b, q) == 16 && len >= 2) {
                        alpn = protocols(b, q + 6, dEnd, h);
                    }
                    q = dEnd;
                }
                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("kind", "encryptedExtensions");
                if (alpn != null) {
                    ev.put("alpn", alpn);
                    conv.http2 |= alpn.contains("h2");
                }
                ctx.emit(ID, ev);
            }
            p = end;
        }
    }

    /** @param afterData decrypted application data went either way before it: the alert ends a connection that worked */
    private static void alert(int level, int code, DissectionContext ctx, FieldNode rec, Side side, int at,
            boolean afterData) {
        // a fatal alert ends the connection's TLS; a warning (close_notify before the handshake) reads on
        side.done |= level == 2;
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("kind", "alert");
        ev.put("level", level == 2 ? "fatal" : level == 1 ? "warning" : "unknown (" + level + ")");
        ev.put("description", alertName(code));
        ev.put("code", code);
        if (afterData) {
            ev.put("afterApplicationData", true);
        }
        if (rec != null) {
            rec.add("tls.alert_message.level", "Level: " + ev.get("level"), level, at, 1);
            rec.add("tls.alert_message.desc", "Description: " + ev.get("description") + " (" + code + ")", code, at + 1, 1);
        }
        ctx.emit(ID, ev);
    }

    /** RFC 8446 4.1.2: legacy_version, random, legacy_session_id, cipher_suites, compression methods, extensions. */
    private static void clientHello(Pdu b, DissectionContext ctx, FieldNode h, Conversation conv) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("kind", "clientHello");
        int legacy = u16(b, 0);
        if (conv != null && ctx.options() != null && !ctx.options().tlsKeylogs().isEmpty()) {
            // the user's key log may hold this connection's secrets, filed under the hello's random
            byte[] random = b.bytes(2, 32);
            TlsKeyLog.Secrets secrets = keyLog(ctx).secrets(random);
            if (secrets != null) {
                conv.secrets = secrets;
                conv.clientRandom = random;
                conv.readAll = true;
            }
        }
        int p = 2 + 32;
        p += 1 + b.u8(p);                 // session id
        p += 2 + u16(b, p);               // cipher suites
        p += 1 + b.u8(p);                 // compression methods
        String version = version(legacy);
        List<String> alpn = null;
        String sni = null;
        if (p + 2 <= b.length()) {
            int end = checkedEnd(b, p + 2, u16(b, p));
            for (int q = p + 2; q + 4 <= end; ) {
                int type = u16(b, q);
                int len = u16(b, q + 2);
                int d = q + 4;
                int dEnd = checkedEnd(b, d, len);
                if (type == 0 && len >= 2) {
                    // ServerNameList: name_type 0 (host_name) with a 2-byte length
                    for (int r = d + 2; r + 3 <= dEnd; ) {
                        int nl = u16(b, r + 1);
                        checkedEnd(b, r + 3, nl);
                        if (b.u8(r) == 0 && sni == null) {
                            sni = new String(b.bytes(r + 3, nl), StandardCharsets.US_ASCII);
                            if (h != null) {
                                h.add("tls.handshake.extensions_server_name", "Server Name: " + sni, sni, b.abs(r + 3), nl);
                            }
                        }
                        r += 3 + nl;
                    }
                } else if (type == 16 && len >= 2) {
                    alpn = protocols(b, d + 2, dEnd, h);
                } else if (type == 43 && len >= 1) {
                    // supported_versions: the highest offered is what a TLS 1.3 client asks for
                    int best = 0;
                    for (int r = d + 1; r + 2 <= Math.min(dEnd, d + 1 + b.u8(d)); r += 2) {
                        int v = u16(b, r);
                        if ((v & 0x0f0f) != 0x0a0a && v > best) { // GREASE values (RFC 8701) are not versions
                            best = v;
                        }
                    }
                    if (best != 0) {
                        version = version(best);
                    }
                }
                q = dEnd;
            }
        }
        ev.put("version", version);
        if (sni != null) {
            ev.put("sni", sni);
        }
        if (alpn != null) {
            ev.put("alpn", alpn);
        }
        if (h != null) {
            h.add("tls.handshake.version", "Version: " + version, legacy, b.abs(0), 2);
        }
        ctx.emit(ID, ev);
    }

    /** RFC 8446 4.1.3: legacy_version, random, legacy_session_id_echo, cipher_suite, compression, extensions. */
    private static void serverHello(Pdu b, DissectionContext ctx, FieldNode h, Conversation conv) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("kind", "serverHello");
        int legacy = u16(b, 0);
        boolean retry = java.util.Arrays.equals(b.bytes(2, 32), HELLO_RETRY_RANDOM);
        int p = 2 + 32;
        p += 1 + b.u8(p);
        int suite = u16(b, p);
        p += 2 + 1;
        String version = version(legacy);
        List<String> alpn = null;
        boolean encryptThenMac = false;
        if (p + 2 <= b.length()) {
            int end = checkedEnd(b, p + 2, u16(b, p));
            for (int q = p + 2; q + 4 <= end; ) {
                int type = u16(b, q);
                int len = u16(b, q + 2);
                int dEnd = checkedEnd(b, q + 4, len);
                if (type == 43 && len == 2) {
                    version = version(u16(b, q + 4));
                } else if (type == 16 && len >= 2) {
                    alpn = protocols(b, q + 6, dEnd, h);
                } else if (type == 22) {
                    encryptThenMac = true; // RFC 7366: granted, so CBC records carry their MAC after the cipher text
                }
                q = dEnd;
            }
        }
        ev.put("version", version);
        if (alpn != null) {
            ev.put("alpn", alpn);
        }
        ev.put("cipherSuite", suite);
        if (retry) {
            ev.put("helloRetry", true);
        }
        if (conv != null && alpn != null && alpn.contains("h2")) {
            conv.http2 = true; // RFC 9113 3.2: the server's data may come before the client's preface
        }
        if (conv != null && conv.secrets != null && conv.decryption == null) {
            int negotiated = version.equals("TLS 1.3") ? 0x0304 : legacy;
            try {
                conv.decryption = TlsDecryption.of(negotiated, suite, encryptThenMac, conv.clientRandom, b.bytes(2, 32),
                        conv.secrets);
                ev.put("decrypted", true);
            } catch (IllegalArgumentException e) {
                conv.readAll = false;
                ctx.diagnostic(ID, "the TLS connection's secrets are in the key log, but it is not decrypted: " + e.getMessage());
            }
            conv.secrets = null;
        }
        if (h != null) {
            h.add("tls.handshake.version", "Version: " + version, legacy, b.abs(0), 2);
            h.add("tls.handshake.ciphersuite", String.format("Cipher suite: 0x%04x", suite), suite, b.abs(p - 3), 2);
        }
        ctx.emit(ID, ev);
    }

    /** The user's TLS key logs, read once per analysis; what could not be read is said once. */
    private static TlsKeyLog keyLog(DissectionContext ctx) {
        return ctx.service(TlsKeyLog.class, () -> {
            TlsKeyLog k = TlsKeyLog.load(ctx.options().tlsKeylogs());
            for (String p : k.problems()) {
                ctx.diagnostic(ID, p);
            }
            return k;
        });
    }

    /** The SHA-256 of "HelloRetryRequest" a ServerHello carries as its random when it is one (RFC 8446 4.1.3). */
    private static final byte[] HELLO_RETRY_RANDOM = java.util.HexFormat.of()
            .parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    /** ProtocolNameList entries (1-byte lengths) from {@code p} to {@code end}. */
    private static List<String> protocols(Pdu b, int p, int end, FieldNode h) {
        List<String> out = new ArrayList<>();
        while (p + 1 <= end) {
            int l = b.u8(p);
            checkedEnd(b, p + 1, l);
            if (p + 1 + l > end) {
                break;
            }
            String s = new String(b.bytes(p + 1, l), StandardCharsets.US_ASCII);
            out.add(s);
            if (h != null) {
                h.add("tls.handshake.extensions_alpn_str", "ALPN protocol: " + s, s, b.abs(p + 1), l);
            }
            p += 1 + l;
        }
        return out;
    }

    /** {@code start + len}, or an exception when that is past the PDU's end (the caller reports it as malformed). */
    private static int checkedEnd(Pdu b, int start, int len) {
        if (len < 0 || start + len > b.length()) {
            throw new IndexOutOfBoundsException("length " + len + " at " + start + " past " + b.length());
        }
        return start + len;
    }

    private static void malformed(DissectionContext ctx, FieldNode tree, Pdu pdu, String why, int off, int len) {
        ctx.diagnostic(ID, why);
        if (tree != null) {
            tree.malformed(why, pdu.abs(off), len);
        }
    }

    private static int u16(Pdu b, int i) {
        return b.u8(i) << 8 | b.u8(i + 1);
    }

    private static int u24(Pdu b, int i) {
        return b.u8(i) << 16 | b.u8(i + 1) << 8 | b.u8(i + 2);
    }

    private static int u24(byte[] b, int i) {
        return (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff);
    }

    static String version(int v) {
        return switch (v) {
            case 0x0300 -> "SSL 3.0";
            case 0x0301 -> "TLS 1.0";
            case 0x0302 -> "TLS 1.1";
            case 0x0303 -> "TLS 1.2";
            case 0x0304 -> "TLS 1.3";
            default -> String.format("unknown (0x%04x)", v);
        };
    }

    private static String contentType(int t) {
        return switch (t) {
            case 20 -> "ChangeCipherSpec";
            case 21 -> "Alert";
            case 22 -> "Handshake";
            case 23 -> "Application Data";
            case 24 -> "Heartbeat";
            default -> "unknown (" + t + ")";
        };
    }

    private static String handshakeType(int t) {
        return switch (t) {
            case 1 -> "ClientHello";
            case 2 -> "ServerHello";
            case 4 -> "NewSessionTicket";
            case 8 -> "EncryptedExtensions";
            case 11 -> "Certificate";
            case 12 -> "ServerKeyExchange";
            case 13 -> "CertificateRequest";
            case 14 -> "ServerHelloDone";
            case 15 -> "CertificateVerify";
            case 16 -> "ClientKeyExchange";
            case 20 -> "Finished";
            default -> "unknown (" + t + ")";
        };
    }

    /** RFC 8446 6 and the IANA TLS Alerts registry. */
    static String alertName(int code) {
        return switch (code) {
            case 0 -> "close_notify";
            case 10 -> "unexpected_message";
            case 20 -> "bad_record_mac";
            case 22 -> "record_overflow";
            case 40 -> "handshake_failure";
            case 42 -> "bad_certificate";
            case 43 -> "unsupported_certificate";
            case 44 -> "certificate_revoked";
            case 45 -> "certificate_expired";
            case 46 -> "certificate_unknown";
            case 47 -> "illegal_parameter";
            case 48 -> "unknown_ca";
            case 49 -> "access_denied";
            case 50 -> "decode_error";
            case 51 -> "decrypt_error";
            case 70 -> "protocol_version";
            case 71 -> "insufficient_security";
            case 80 -> "internal_error";
            case 86 -> "inappropriate_fallback";
            case 90 -> "user_canceled";
            case 109 -> "missing_extension";
            case 110 -> "unsupported_extension";
            case 112 -> "unrecognized_name";
            case 113 -> "bad_certificate_status_response";
            case 115 -> "unknown_psk_identity";
            case 116 -> "certificate_required";
            case 120 -> "no_application_protocol";
            default -> "unknown (" + code + ")";
        };
    }
}
