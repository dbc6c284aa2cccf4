package org.kerbscope.dissect.http.internal;

import java.nio.ByteBuffer;

import org.kerbscope.core.spi.StreamFramer;

/**
 * Frames one direction of an HTTP/1.x connection (RFC 9112 section 6): header blocks become PDUs, bodies are
 * passed over with {@link StreamFramer#skip} (Content-Length, chunked with the chunk-size lines read here,
 * or to the end of the stream), never kept.
 * <p>
 * Wireshark numbers a message by the frame that completes its body. To agree without keeping the body, a
 * message whose body has not fully arrived is framed in two steps: the header block is copied aside and
 * passed over, the body is skipped up to its last byte (for chunked: up to the last-chunk line), and that
 * final piece is the PDU; the dissector reads the header block kept aside at that frame. A message that has
 * fully arrived is one PDU with its body, so its tree points into the frame.
 * <p>
 * A response to HEAD, a 1xx, 204 or 304 has no body (RFC 9112 section 6.3); the methods come from the other
 * direction's framer through {@link HttpConversation}. A request that expects 100-continue is reported at
 * once: its body may never come when the server answers 401 first.
 */
public final class HttpFramer implements StreamFramer {
    /**
     * Largest header block read. Kerberos tokens reach 48 000 bytes (MaxTokenSize; 64 KiB of base64), and the
     * header-too-large finding needs to read such a request, so the bound is well above that.
     */
    public static final int MAX_HEAD = 256 * 1024;
    /** Bytes scanned for a message start after damage before the direction is given up. */
    private static final long MAX_RESYNC = 1 << 20;
    private static final int MAX_CHUNK_LINE = 4096;
    private static final long FOREVER = Long.MAX_VALUE / 4;

    private enum State {
        HEAD, BODY_TAIL, EXPECT_BODY, CHUNK_SIZE, CHUNK_CRLF, RESYNC, TO_END, TUNNEL, REJECTED
    }

    private final HttpConversation conv;
    private final HttpConversation.Side side;
    private State state = State.HEAD;
    private long remaining;
    private int scanFrom;
    private boolean startChecked;
    private int expectRequest;
    private long resyncBytes;
    private boolean seenMessage;
    /** Frames what a tunnel carries (TLS through a proxy's CONNECT), made when the tunnel opens; null before. */
    private final java.util.function.Supplier<StreamFramer> tunnelFramers;
    private StreamFramer tunnel;

    public HttpFramer(HttpConversation conv, boolean fromClient) {
        this(conv, fromClient, null);
    }

    /**
     * @param tunnelFramers the framer of the protocol a tunnel (a 2xx to CONNECT, a 101) may carry, or null to pass
     *                      over every tunnel
     */
    public HttpFramer(HttpConversation conv, boolean fromClient, java.util.function.Supplier<StreamFramer> tunnelFramers) {
        this.conv = conv;
        this.side = conv.side(fromClient);
        this.tunnelFramers = tunnelFramers;
    }

    @Override
    public long next(ByteBuffer b) {
        side.framedHead = null;
        side.tunnelled = false;
        int n = b.limit();
        if (conv.tunnel && (state == State.HEAD || state == State.RESYNC)) {
            state = State.TUNNEL;
        }
        switch (state) {
            case HEAD:
                return head(b, n);
            case BODY_TAIL:
                if (n < 1) {
                    return NEED_MORE;
                }
                state = State.HEAD;
                side.completionNext = true;
                return StreamFramer.pdu(1);
            case EXPECT_BODY:
                return expectBody(b, n);
            case CHUNK_SIZE:
                return chunkSize(b, n);
            case CHUNK_CRLF:
                return chunkCrlf(b, n);
            case RESYNC:
                return resync(b, n);
            case TO_END:
                return StreamFramer.skip(FOREVER);
            case TUNNEL:
                return tunnel(b);
            default:
                return REJECT;
        }
    }

    /**
     * The bytes of a tunnel: the tunnel framer's PDUs are marked for the dissector to hand over; bytes it rejects (not
     * TLS: a WebSocket, a plain TCP tunnel) and everything after them are passed over.
     */
    private long tunnel(ByteBuffer b) {
        if (tunnel == null && tunnelFramers != null) {
            tunnel = tunnelFramers.get();
        }
        long r = tunnel == null ? StreamFramer.REJECT : tunnel.next(b);
        if (r == StreamFramer.REJECT) {
            tunnel = null;
            state = State.TO_END;
            return StreamFramer.skip(FOREVER);
        }
        side.tunnelled = r > 0;
        return r;
    }

    @Override
    public void gap() {
        if (state == State.TUNNEL) {
            // a tunnel's records cannot be found again after lost bytes
            tunnel = null;
            state = State.TO_END;
            return;
        }
        side.framedHead = null;
        // the bytes after a gap start anywhere: find the next start line; a message cut here keeps its head
        if (state != State.REJECTED && state != State.TO_END) {
            state = State.RESYNC;
        }
        scanFrom = 0;
        startChecked = false;
    }

    private long head(ByteBuffer b, int n) {
        if (n == 0) {
            return NEED_MORE;
        }
        if (!startChecked) {
            int k = HttpHead.startLine(b, 0, n);
            if (k == HttpHead.MORE) {
                return NEED_MORE;
            }
            if (k == HttpHead.NOT) {
                side.note("bytes that do not start an HTTP message were passed over up to the next message");
                state = State.RESYNC;
                return resync(b, n);
            }
            startChecked = true;
        }
        int end = HttpHead.headerEnd(b, Math.max(0, scanFrom - 2), n);
        if (end < 0) {
            scanFrom = n;
            if (n > MAX_HEAD) {
                side.oversized = true;
                state = State.REJECTED;
                return StreamFramer.pdu(n);
            }
            return NEED_MORE;
        }
        scanFrom = 0;
        startChecked = false;
        seenMessage = true;
        resyncBytes = 0;
        HttpHead h = HttpHead.parse(b, end);
        if (h == null) { // cannot happen after startLine accepted it; stay safe
            state = State.RESYNC;
            return StreamFramer.skip(end);
        }
        side.framedHead = h;
        return h.isRequest() ? request(h, b, end, n) : response(h, b, end, n);
    }

    private long request(HttpHead h, ByteBuffer b, int end, int n) {
        int number = conv.requestFramed(h.method());
        Body body = body(h, true);
        if (body.toEnd) {
            state = State.TO_END;
            return StreamFramer.pdu(end);
        }
        if (!body.chunked && body.length > 0 && "100-continue".equalsIgnoreCase(h.first("Expect"))) {
            state = State.EXPECT_BODY;
            remaining = body.length;
            expectRequest = number;
            return StreamFramer.pdu(end);
        }
        return withBody(body, b, end, n);
    }

    private long response(HttpHead h, ByteBuffer b, int end, int n) {
        int status = h.status();
        if (status >= 100 && status < 200) {
            if (status == 101) {
                conv.tunnel = true;
                state = State.TUNNEL;
            }
            return StreamFramer.pdu(end);
        }
        String method = conv.finalResponse();
        if ("HEAD".equals(method) || status == 204 || status == 304) {
            return StreamFramer.pdu(end);
        }
        if ("CONNECT".equals(method) && status / 100 == 2) {
            conv.tunnel = true;
            state = State.TUNNEL;
            return StreamFramer.pdu(end);
        }
        Body body = body(h, false);
        if (body.toEnd) {
            state = State.TO_END;
            return StreamFramer.pdu(end);
        }
        return withBody(body, b, end, n);
    }

    private long withBody(Body body, ByteBuffer b, int end, int n) {
        if (body.chunked) {
            long whole = chunkedEnd(b, end, n);
            if (whole > 0) {
                return StreamFramer.pdu(whole);
            }
            keepHead(b, end);
            state = State.CHUNK_SIZE;
            return StreamFramer.skip(end);
        }
        if (body.length == 0) {
            return StreamFramer.pdu(end);
        }
        if (end + body.length <= n) {
            return StreamFramer.pdu(end + body.length);
        }
        keepHead(b, end);
        state = State.BODY_TAIL;
        return StreamFramer.skip(end + body.length - 1);
    }

    private void keepHead(ByteBuffer b, int end) {
        if (side.pendingHead != null) {
            side.note("an HTTP message ended before the previous one was complete");
        }
        byte[] head = new byte[end];
        b.get(0, head);
        side.pendingHead = head;
    }

    private record Body(long length, boolean chunked, boolean toEnd) {
    }

    /** RFC 9112 section 6.3: Transfer-Encoding chunked, else Content-Length, else none (request) / to the end (response). */
    private Body body(HttpHead h, boolean request) {
        String te = h.first("Transfer-Encoding");
        if (te != null) {
            String[] codings = te.split(",");
            if (codings[codings.length - 1].strip().equalsIgnoreCase("chunked")) {
                return new Body(0, true, false);
            }
            side.note("Transfer-Encoding \"" + te + "\" does not end in chunked: the body runs to the end of the connection");
            return new Body(0, false, true);
        }
        long len = -1;
        for (HttpHead.Field f : h.all("Content-Length")) {
            long v = parseLength(f.value());
            if (v < 0 || (len >= 0 && v != len)) {
                side.note("Content-Length \"" + f.value() + "\" is not a single decimal length");
                return request ? new Body(0, false, false) : new Body(0, false, true);
            }
            len = v;
        }
        if (len >= 0) {
            return new Body(len, false, false);
        }
        return request ? new Body(0, false, false) : new Body(0, false, true);
    }

    /** A Content-Length value; a list of equal values (RFC 9110 section 8.6) is accepted. */
    static long parseLength(String v) {
        long out = -1;
        for (String part : v.split(",")) {
            String s = part.strip();
            if (s.isEmpty() || s.length() > 18) {
                return -1;
            }
            long x = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                x = x * 10 + (c - '0');
            }
            if (out >= 0 && out != x) {
                return -1;
            }
            out = x;
        }
        return out;
    }

    private long expectBody(ByteBuffer b, int n) {
        if (n == 0) {
            return NEED_MORE;
        }
        if (conv.finalResponses() >= expectRequest) {
            // the server answered without 100 Continue: the client may send its next request instead
            int k = HttpHead.startLine(b, 0, n);
            if (k == HttpHead.MORE && n < 64) {
                return NEED_MORE;
            }
            if (k == HttpHead.REQUEST) {
                state = State.HEAD;
                return head(b, n);
            }
        }
        state = State.HEAD;
        return StreamFramer.skip(remaining);
    }

    private long chunkSize(ByteBuffer b, int n) {
        int lf = HttpHead.indexOf(b, (byte) '\n', 0, Math.min(n, MAX_CHUNK_LINE + 1));
        if (lf < 0) {
            return n > MAX_CHUNK_LINE ? badChunk("a chunk-size line is longer than " + MAX_CHUNK_LINE + " bytes", n)
                    : NEED_MORE;
        }
        long size = chunkSizeValue(b, 0, lf);
        if (size < 0) {
            return badChunk("a chunk-size line is not a hexadecimal size", lf + 1);
        }
        if (size == 0) {
            int t = HttpHead.headerEnd(b, lf, n);
            if (t < 0) {
                return n > MAX_HEAD ? badChunk("the trailer section is longer than " + MAX_HEAD + " bytes", n)
                        : NEED_MORE;
            }
            state = State.HEAD;
            side.completionNext = true;
            return StreamFramer.pdu(t);
        }
        state = State.CHUNK_CRLF;
        return StreamFramer.skip(lf + 1 + size);
    }

    private long chunkCrlf(ByteBuffer b, int n) {
        if (n < 1) {
            return NEED_MORE;
        }
        if (b.get(0) == '\n') {
            state = State.CHUNK_SIZE;
            return StreamFramer.skip(1);
        }
        if (b.get(0) == '\r') {
            if (n < 2) {
                return NEED_MORE;
            }
            if (b.get(1) == '\n') {
                state = State.CHUNK_SIZE;
                return StreamFramer.skip(2);
            }
        }
        return badChunk("chunk data is not followed by a line end", 1);
    }

    /** Ends a chunked message that cannot be followed: its head is reported with this PDU, then a new start is sought. */
    private long badChunk(String why, int len) {
        side.note(why + "; the message's end is unknown");
        state = State.RESYNC;
        side.completionNext = side.pendingHead != null;
        return side.completionNext ? StreamFramer.pdu(Math.max(1, len)) : StreamFramer.skip(Math.max(1, len));
    }

    /** The size on a chunk-size line (hex digits, then optional chunk extensions after ';'), or -1. */
    static long chunkSizeValue(ByteBuffer b, int from, int lf) {
        long v = 0;
        int digits = 0;
        int i = from;
        while (i < lf) {
            int c = b.get(i) & 0xff;
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                break;
            }
            if (++digits > 15) {
                return -1;
            }
            v = v * 16 + d;
            i++;
        }
        if (digits == 0) {
            return -1;
        }
        while (i < lf && (b.get(i) == ' ' || b.get(i) == '\t')) {
            i++;
        }
        if (i < lf && b.get(i) != ';' && !(b.get(i) == '\r' && i == lf - 1)) {
            return -1;
        }
        return v;
    }

    /** The end of a chunked body starting at {@code p} when all of it has arrived, else -1. */
    private static long chunkedEnd(ByteBuffer b, int p, int n) {
        long pos = p;
        while (pos < n) {
            int lf = HttpHead.indexOf(b, (byte) '\n', (int) pos, n);
            if (lf < 0) {
                return -1;
            }
            long size = chunkSizeValue(b, (int) pos, lf);
            if (size < 0) {
                return -1;
            }
            if (size == 0) {
                int t = HttpHead.headerEnd(b, lf, n);
                return t < 0 ? -1 : t;
            }
            long next = lf + 1 + size;
            if (next + 2 > n) {
                return -1;
            }
            if (b.get((int) next) == '\r' && b.get((int) next + 1) == '\n') {
                pos = next + 2;
            } else if (b.get((int) next) == '\n') {
                pos = next + 1;
            } else {
                return -1;
            }
        }
        return -1;
    }

    /** Looks for the next line that starts an HTTP message and passes over what lies before it. */
    private long resync(ByteBuffer b, int n) {
        int lastLf = -1;
        for (int i = 0; i < n; i++) {
            if (i == 0 || b.get(i - 1) == '\n') {
                if (i > 0) {
                    lastLf = i - 1;
                }
                int k = HttpHead.startLine(b, i, n);
                if (k == HttpHead.REQUEST || k == HttpHead.RESPONSE) {
                    if (i == 0) {
                        state = State.HEAD;
                        return head(b, n);
                    }
                    return passOver(i);
                }
                if (k == HttpHead.MORE) {
                    return i == 0 ? NEED_MORE : passOver(i);
                }
            }
        }
        if (lastLf >= 0) {
            return passOver(lastLf + 1);
        }
        return n > HttpHead.MAX_LINE ? passOver(n) : NEED_MORE;
    }

    private long passOver(int k) {
        resyncBytes += k;
        if (resyncBytes > MAX_RESYNC && !seenMessage) {
            // never one message in this direction, and a megabyte without a start line: not HTTP at all
            state = State.REJECTED;
            return REJECT;
        }
        return StreamFramer.skip(k);
    }
}
