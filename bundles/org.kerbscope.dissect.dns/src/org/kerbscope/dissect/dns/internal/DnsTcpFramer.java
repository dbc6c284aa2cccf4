package org.kerbscope.dissect.dns.internal;

import java.nio.ByteBuffer;

import org.kerbscope.core.spi.StreamFramer;

/**
 * DNS over TCP (RFC 1035 section 4.2.2, RFC 7766): each message is preceded by its length in two bytes, and
 * the PDU handed to the dissector includes that prefix. After lost bytes the next length cannot be found again,
 * so the direction is given up.
 */
public final class DnsTcpFramer implements StreamFramer {
    private boolean lost;

    @Override
    public long next(ByteBuffer buffered) {
        if (lost) {
            return REJECT;
        }
        if (buffered.limit() < 2) {
            return NEED_MORE;
        }
        int len = ((buffered.get(0) & 0xff) << 8) | (buffered.get(1) & 0xff);
        return StreamFramer.pdu(2L + len);
    }

    @Override
    public void gap() {
        lost = true;
    }
}
