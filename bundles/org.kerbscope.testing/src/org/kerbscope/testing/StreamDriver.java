package org.kerbscope.testing;

import java.nio.ByteBuffer;

import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;

/**
 * Feeds TCP segments of one connection to a dissector's framers the way the engine does: bytes since the last
 * boundary are buffered, a skip passes over bytes without looking at them, and a PDU belongs to the frame of
 * the segment that completed it.
 */
public class StreamDriver {
    private final Dissector dissector;
    private final String protocol;
    private final Endpoint client;
    private final Endpoint server;
    public final RecordingContext ctx;
    private final Dir c2s = new Dir();
    private final Dir s2c = new Dir();
    /** Largest buffer a framer made the driver keep, to check that bodies are not buffered. */
    public int maxBuffered;

    private static final class Dir {
        StreamFramer framer;
        boolean asked;
        boolean rejected;
        long skip;
        byte[] buf = new byte[0];
        int len;
    }

    /** @param protocol names the diagnostic for lost bytes */
    public StreamDriver(Dissector dissector, String protocol, Endpoint client, Endpoint server, RecordingContext ctx) {
        this.dissector = dissector;
        this.protocol = protocol;
        this.client = client;
        this.server = server;
        this.ctx = ctx;
        ctx.conversation = new RecordingContext.Conversation(client, server);
    }

    public boolean rejected(boolean fromClient) {
        return (fromClient ? c2s : s2c).rejected;
    }

    public void segment(boolean fromClient, byte[] data, long frame) {
        segment(fromClient, data, 0, data.length, frame);
    }

    public void segment(boolean fromClient, byte[] data, int off, int n, long frame) {
        Dir d = fromClient ? c2s : s2c;
        if (!d.asked) {
            d.asked = true;
            d.framer = dissector.newFramer(ctx.conversation, fromClient);
        }
        ctx.frame = frame;
        ctx.src = fromClient ? client : server;
        ctx.dst = fromClient ? server : client;
        if (d.rejected) {
            return;
        }
        if (d.framer == null) {
            dissector.dissect(Pdu.ofFrame(ByteBuffer.wrap(data, off, n).slice(), 54), ctx);
            return;
        }
        int pos = off;
        int end = off + n;
        while (pos < end && !d.rejected) {
            if (d.skip > 0) {
                int k = (int) Math.min(d.skip, end - pos);
                d.skip -= k;
                pos += k;
                continue;
            }
            int k = end - pos;
            if (d.len + k > d.buf.length) {
                byte[] nb = new byte[Math.max(d.len + k, d.buf.length * 2)];
                System.arraycopy(d.buf, 0, nb, 0, d.len);
                d.buf = nb;
            }
            System.arraycopy(data, pos, d.buf, d.len, k);
            d.len += k;
            pos = end;
            maxBuffered = Math.max(maxBuffered, d.len);
            drain(d);
        }
    }

    private void drain(Dir d) {
        while (d.len > 0 && !d.rejected) {
            long r = d.framer.next(ByteBuffer.wrap(d.buf, 0, d.len).slice());
            if (r == StreamFramer.REJECT) {
                d.rejected = true;
                d.len = 0;
                return;
            }
            if (r < 0) {
                long k = Math.min(-r, d.len);
                consume(d, (int) k);
                d.skip = -r - k;
                if (d.skip > 0) {
                    return;
                }
                continue;
            }
            if (r > 0 && r <= d.len) {
                byte[] pdu = new byte[(int) r];
                System.arraycopy(d.buf, 0, pdu, 0, (int) r);
                consume(d, (int) r);
                dissector.dissect(Pdu.detached(ByteBuffer.wrap(pdu), "Reassembled TCP"), ctx);
                continue;
            }
            return;
        }
    }

    private static void consume(Dir d, int k) {
        System.arraycopy(d.buf, k, d.buf, 0, d.len - k);
        d.len -= k;
    }

    /** Lost bytes: as the engine does, a skip absorbs them, otherwise the framer is told. */
    public void gap(boolean fromClient, long missing) {
        Dir d = fromClient ? c2s : s2c;
        if (d.skip >= missing) {
            d.skip -= missing;
            return;
        }
        ctx.diagnostic(protocol, missing + " bytes lost");
        d.len = 0;
        d.skip = 0;
        if (d.framer != null) {
            d.framer.gap();
        }
    }
}
