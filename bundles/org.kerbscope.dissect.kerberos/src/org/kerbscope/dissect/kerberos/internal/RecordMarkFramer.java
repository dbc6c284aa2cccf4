package org.kerbscope.dissect.kerberos.internal;

import java.nio.ByteBuffer;

import org.kerbscope.core.spi.StreamFramer;

/**
 * Cuts Kerberos over TCP into records (RFC 4120 §7.2.2): a 4-byte big-endian length whose high bit is
 * reserved, then the message. Each PDU handed on includes its record mark. After a capture gap the framer
 * looks for the next plausible record (a length followed by a Kerberos application tag) before going on.
 */
public final class RecordMarkFramer extends ResyncingFramer {

    public RecordMarkFramer() {
        super(5);
    }

    @Override
    protected long record(ByteBuffer b) {
        if (b.limit() < 4) {
            return NEED_MORE;
        }
        long len = b.getInt(0) & 0xffffffffL;
        if ((len & 0x80000000L) != 0 || len == 0) {
            return REJECT;
        }
        if (b.limit() >= 5 && !isAppTag(b.get(4) & 0xff)) {
            return REJECT;
        }
        return StreamFramer.pdu(4 + len);
    }

    @Override
    protected boolean plausible(ByteBuffer b, int i) {
        long len = b.getInt(i) & 0xffffffffL;
        return len > 0 && len < (1 << 24) && isAppTag(b.get(i + 4) & 0xff);
    }

    /** 0x6a–0x6f, 0x74–0x76, 0x7e: the constructed application tags of Kerberos messages. */
    public static boolean isAppTag(int b) {
        return (b & 0xe0) == 0x60 && KrbParser.isMessageTag(b & 0x1f) && (b & 0x1f) != 0x1f;
    }
}
