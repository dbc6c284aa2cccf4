package org.kerbscope.cifs.internal;

import java.nio.ByteBuffer;

import org.kerbscope.core.spi.StreamFramer;

/**
 * Cuts one direction of an SMB connection into NetBIOS session messages (RFC 1002 4.3; MS-SMB2 2.1 "Direct TCP"
 * on port 445 uses the same 4-byte header with a 24-bit length). A session message (type 0x00) becomes one PDU,
 * header included; keep-alives and the session-service control messages of port 139 are passed over. Where the
 * bytes are not a header (a capture that starts in the middle of a message, or after lost segments) the framer
 * looks for the next session message that holds an SMB header and resumes there, as Wireshark does.
 * <p>
 * Large messages whose SMB2 command plays no part in authentication (READ, WRITE, …) are skipped without being
 * buffered, so memory stays bounded on file transfers.
 */
public final class NetbiosFramer implements StreamFramer {
    /** NetBIOS session message. */
    public static final int SESSION_MESSAGE = 0x00;
    /** Messages up to this size are always handed over whole, whatever they carry. */
    private static final int SMALL = 64 * 1024;

    private boolean transformSeen;

    @Override
    public long next(ByteBuffer b) {
        int n = b.limit();
        if (n < 4) {
            return NEED_MORE;
        }
        int type = b.get(0) & 0xff;
        if (type == SESSION_MESSAGE) {
            int len = u24(b, 1);
            if (len < 4) {
                // too short for any SMB header: a stray message, passed over
                return StreamFramer.skip(4L + len);
            }
            if (n < 8) {
                return NEED_MORE;
            }
            int magic = smbMagic(b, 4);
            if (magic < 0) {
                return resync(b);
            }
            return decide(b, magic, len);
        }
        if (type >= 0x81 && type <= 0x85) {
            // session request/response/retarget (port 139) and keep-alive: RFC 1002 17-bit length
            int len = ((b.get(1) & 0x01) << 16) | ((b.get(2) & 0xff) << 8) | (b.get(3) & 0xff);
            return StreamFramer.skip(4L + len);
        }
        return resync(b);
    }

    private long decide(ByteBuffer b, int magic, int len) {
        long whole = 4L + len;
        if (len <= SMALL) {
            if (magic == 0xFD || magic == 0xFC) {
                transformSeen = true;
            }
            return StreamFramer.pdu(whole);
        }
        if (magic == 0xFE) {
            if (b.limit() < 4 + 64) {
                return NEED_MORE;
            }
            int command = (b.get(4 + 12) & 0xff) | ((b.get(4 + 13) & 0xff) << 8);
            // a compound may hold a session or tree command further on: read those whole
            boolean interesting = command <= 4 || b.getInt(4 + 20) != 0;
            return interesting ? StreamFramer.pdu(whole) : StreamFramer.skip(whole);
        }
        if (magic == 0xFD || magic == 0xFC) {
            // the first transform of a direction is read (it names the session); later ones only cost memory
            if (!transformSeen) {
                transformSeen = true;
                return StreamFramer.pdu(whole);
            }
            return StreamFramer.skip(whole);
        }
        return StreamFramer.pdu(whole);
    }

    /**
     * Finds the next position that starts a session message holding an SMB header and skips to it; when none is
     * in sight, skips all but the last 7 bytes (a header may begin there).
     */
    private static long resync(ByteBuffer b) {
        int n = b.limit();
        for (int i = 1; i + 8 <= n; i++) {
            if (b.get(i) == 0 && smbMagic(b, i + 4) >= 0 && u24(b, i + 1) >= 32) {
                return StreamFramer.skip(i);
            }
        }
        return n > 7 ? StreamFramer.skip(n - 7) : NEED_MORE;
    }

    /** 0xFE (SMB2), 0xFF (SMB1), 0xFD (encrypted), 0xFC (compressed) when {@code 'SMB'} follows, else -1. */
    public static int smbMagic(ByteBuffer b, int i) {
        if (i + 4 > b.limit()) {
            return -1;
        }
        int m = b.get(i) & 0xff;
        if (m < 0xFC || b.get(i + 1) != 'S' || b.get(i + 2) != 'M' || b.get(i + 3) != 'B') {
            return -1;
        }
        return m;
    }

    static int u24(ByteBuffer b, int i) {
        return ((b.get(i) & 0xff) << 16) | ((b.get(i + 1) & 0xff) << 8) | (b.get(i + 2) & 0xff);
    }

    @Override
    public void gap() {
        // nothing to forget: the next call finds a boundary by itself
    }
}
