package org.kerbscope.ldap.internal;

import java.nio.ByteBuffer;

import org.kerbscope.core.spi.StreamFramer;

/**
 * Cuts one direction of an LDAP connection into PDUs. Three kinds of bytes follow each other on port 389:
 * <ul>
 * <li>LDAPMessages: a SEQUENCE (0x30) with a definite length; the whole message is one PDU;</li>
 * <li>SASL buffers, once a bind negotiated integrity or confidentiality (RFC 4422 §3.7, RFC 4752 §3.3): a
 * four-byte big-endian length and a signed or sealed GSS token. The header goes to the dissector as a
 * four-byte PDU (so it can show and count it) and the token is skipped, never buffered;</li>
 * <li>TLS records, after StartTLS or on the LDAPS ports: the first record header goes to the dissector so it
 * can say what the connection became, and the rest of the direction is left alone.</li>
 * </ul>
 * A header that breaks LDAP's BER rules (indefinite length, more than four length octets) is handed on as a short
 * PDU so that the dissector reports it; whatever then follows is rejected unless it is one of the three kinds.
 */
public final class LdapFramer implements StreamFramer {
    /** Largest SASL buffer a peer may announce: RFC 4752 carries the maximum in three octets. */
    public static final long MAX_SASL_BUFFER = 0xffffffL;
    /** Smallest plausible SASL buffer: a GSS MIC or wrap token header is 16 bytes (RFC 4121, MS-NLMP). */
    public static final long MIN_SASL_BUFFER = 16;

    /** Longest run of foreign bytes handed to the dissector so that it can say the direction is not LDAP. */
    public static final int FOREIGN_SAMPLE = 16;

    private long pendingSkip;
    private boolean tls;
    private boolean foreign;

    @Override
    public long next(ByteBuffer buffered) {
        if (pendingSkip > 0) {
            long s = pendingSkip;
            pendingSkip = 0;
            return StreamFramer.skip(s);
        }
        if (tls || foreign) {
            return REJECT;
        }
        int n = buffered.limit();
        if (n == 0) {
            return NEED_MORE;
        }
        int b0 = buffered.get(0) & 0xff;
        if (b0 == 0x30) {
            long total = Ber.messageLength(buffered);
            if (total == -1) {
                return NEED_MORE;
            }
            if (total == -2) {
                return StreamFramer.pdu(Math.min(n, 2));
            }
            return StreamFramer.pdu(total);
        }
        if (isTlsRecord(buffered)) {
            tls = true;
            return StreamFramer.pdu(5);
        }
        if (b0 == 0x14 || b0 == 0x15 || b0 == 0x16 || b0 == 0x17) {
            if (n < 5) {
                return NEED_MORE;
            }
        }
        if (b0 == 0) {
            if (n < 4) {
                return NEED_MORE;
            }
            long len = buffered.getInt(0) & 0xffffffffL;
            if (len >= MIN_SASL_BUFFER && len <= MAX_SASL_BUFFER) {
                pendingSkip = len;
                return StreamFramer.pdu(4);
            }
        }
        // not LDAP, not a SASL buffer, not TLS: let the dissector report a sample once, then leave the direction
        foreign = true;
        return StreamFramer.pdu(Math.min(n, FOREIGN_SAMPLE));
    }

    @Override
    public void gap() {
        // the skipped token's bytes may be the ones lost: the next boundary is found afresh from what arrives
        pendingSkip = 0;
    }

    /** A TLS record header: content type 20–23, version 3.x, a length TLS allows (RFC 8446 §5.1). */
    public static boolean isTlsRecord(ByteBuffer b) {
        if (b.limit() < 5) {
            return false;
        }
        int type = b.get(0) & 0xff;
        int major = b.get(1) & 0xff;
        int minor = b.get(2) & 0xff;
        int len = ((b.get(3) & 0xff) << 8) | (b.get(4) & 0xff);
        return type >= 20 && type <= 23 && major == 3 && minor <= 4 && len > 0 && len <= (1 << 14) + 2048;
    }

    /** A four-byte SASL buffer header as the framer hands it on. */
    public static boolean isSaslHeader(ByteBuffer b) {
        if (b.limit() != 4 || (b.get(0) & 0xff) != 0) {
            return false;
        }
        long len = b.getInt(0) & 0xffffffffL;
        return len >= MIN_SASL_BUFFER && len <= MAX_SASL_BUFFER;
    }
}
