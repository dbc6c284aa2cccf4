package org.kerbscope.dissect.http;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.ForwardingDissectionContext;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.dissect.http.internal.HttpFramer;

/**
 * The decrypted application data of one direction of a TLS connection, read as the HTTP/1.x stream it carries: the
 * plaintext of each record is put after the previous one's, cut by the HTTP framer as the engine cuts a TCP stream, and
 * each message is read by the HTTP dissector (so its Negotiate tokens reach SPNEGO, Kerberos and NTLMSSP as in clear
 * HTTP). The HTTP events say they were decrypted ({@code "tls": "decrypted"}).
 */
final class TlsPlaintext extends PlaintextBuffer {
    /** Bytes kept while a message is incomplete: the framer's own bound on a header block, and some. */
    private static final int MAX_BUFFERED = HttpFramer.MAX_HEAD + (64 << 10);
    static final String SOURCE = "Decrypted TLS";

    private final StreamFramer framer;
    private final HttpDissector http;
    /** The length of the message the framer announced and whose end has not arrived yet, or -1. */
    private long waiting = -1;

    TlsPlaintext(HttpDissector http, ConversationState conversation, boolean fromClient) {
        this.http = http;
        this.framer = http.newFramer(conversation, fromClient);
    }

    /** Puts one record's plaintext after the stream's, and reads every message that is now complete. */
    @Override
    public void feed(byte[] data, DissectionContext ctx, FieldNode node) {
        if (append(data) == 0) {
            return;
        }
        if (len > MAX_BUFFERED) {
            ctx.diagnostic(HttpDissector.ID, "more than " + (MAX_BUFFERED >> 10) + " KiB of decrypted TLS data without a"
                    + " complete HTTP message: the rest of this direction is not read");
            end();
            return;
        }
        DissectionContext plain = new Context(ctx, node);
        while (len > 0 && !dead) {
            long r = waiting >= 0 ? waiting : framer.next(ByteBuffer.wrap(buf, 0, len).slice());
            if (r == StreamFramer.NEED_MORE) {
                return;
            }
            if (r == StreamFramer.REJECT) {
                // not HTTP/1.x (HTTP/2 after ALPN h2, or another protocol): its bytes are not read
                ctx.diagnostic(HttpDissector.ID, "the decrypted TLS data is not HTTP/1.x: not read");
                end();
                return;
            }
            if (r > 0) {
                if (r > len) {
                    waiting = r;
                    return;
                }
                waiting = -1;
                byte[] pdu = Arrays.copyOf(buf, (int) r);
                consume((int) r);
                http.dissect(Pdu.detached(ByteBuffer.wrap(pdu), SOURCE), plain);
            } else if (-r >= StreamFramer.REST) {
                end();
            } else {
                passOver(-r);
            }
        }
    }

    /** The TLS record's context, with the decrypted bytes' node as the tree and the HTTP events marked decrypted. */
    static final class Context extends ForwardingDissectionContext {
        private final FieldNode node;

        Context(DissectionContext outer, FieldNode node) {
            super(outer);
            this.node = node;
            // the tokens the HTTP messages hand on are carried by HTTP, as in clear (Kerberos tells kdc-udp from http)
            outer.setCarrier(HttpDissector.ID);
        }

        @Override
        public void emit(String protocol, Map<String, Object> fields) {
            if (HttpDissector.ID.equals(protocol)) {
                Map<String, Object> f = new LinkedHashMap<>(fields);
                f.put("tls", "decrypted");
                fields = f;
            }
            super.emit(protocol, fields);
        }

        @Override
        public FieldNode tree() {
            return node;
        }
    }
}
