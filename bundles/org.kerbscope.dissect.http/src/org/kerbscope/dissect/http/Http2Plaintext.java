package org.kerbscope.dissect.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.dissect.http.internal.Hpack;
import org.kerbscope.dissect.http.internal.HttpHead;

/**
 * One direction of a decrypted HTTP/2 connection (RFC 9113): the client's connection preface, then frames. The header
 * blocks (HEADERS, PUSH_PROMISE and their CONTINUATION frames) are decompressed with the direction's HPACK decoder,
 * and each request's or response's header list is read by the HTTP dissector as an HTTP/1.x head is (its events say
 * {@code "version": "HTTP/2"} and the {@code stream}; its Negotiate tokens reach SPNEGO, Kerberos and NTLMSSP). A
 * stream reset or a GOAWAY is an {@code http2} event with its error code: {@code HTTP_1_1_REQUIRED} is how a Windows
 * server (HTTP.sys) declines Windows authentication over HTTP/2. DATA payloads are passed over without being kept.
 * <p>
 * A frame that breaks the framing, or a header block that does not decode, ends the reading of the direction with a
 * diagnostic: HPACK's tables depend on every block before, so nothing after it could be trusted.
 */
final class Http2Plaintext extends PlaintextBuffer {
    static final String ID = "http2";
    static final String HEADERS_SOURCE = "HTTP/2 header list (decoded)";
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    /** The largest frame kept whole (a header block fragment, SETTINGS, GOAWAY with its debug data). */
    private static final int MAX_KEPT = 64 * 1024;
    private static final String[] TYPES = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE",
        "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"};
    private static final String[] ERRORS = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
        "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;

    private final HttpDissector http;
    private final boolean fromClient;
    private final Hpack hpack = new Hpack();
    private boolean preface;
    /** The header block being put together from CONTINUATION frames, or null; its stream and whether a promise. */
    private byte[] block;
    private int blockStream;
    private boolean blockPromise;

    Http2Plaintext(HttpDissector http, boolean fromClient) {
        this.http = http;
        this.fromClient = fromClient;
        this.preface = !fromClient;
    }

    /** Whether a client's first bytes are HTTP/2's connection preface (RFC 9113 3.4; its first line at least). */
    static boolean preface(byte[] data) {
        int n = Math.min(data.length, PREFACE.length);
        return n >= 14 && Arrays.equals(data, 0, n, PREFACE, 0, n);
    }

    /** Whether the bytes begin with a SETTINGS frame (RFC 9113 6.5: stream 0, a multiple of 6 bytes), as a server's do. */
    static boolean settingsFrame(byte[] d) {
        return d.length >= 9 && d[0] == 0 && (((d[1] & 0xff) << 8) | (d[2] & 0xff)) % 6 == 0 && d[3] == 4
                && (d[4] & ~1) == 0 && d[5] == 0 && d[6] == 0 && d[7] == 0 && d[8] == 0;
    }

    /** Error code names (RFC 9113 section 7). */
    static String error(long code) {
        return code >= 0 && code < ERRORS.length ? ERRORS[(int) code] : "unknown (0x" + Long.toHexString(code) + ")";
    }

    @Override
    public void feed(byte[] data, DissectionContext ctx, FieldNode node) {
        if (append(data) == 0) {
            return;
        }
        DissectionContext plain = new TlsPlaintext.Context(ctx, node);
        while (!dead && len > 0) {
            if (!preface) {
                if (len < PREFACE.length) {
                    return;
                }
                if (!Arrays.equals(buf, 0, PREFACE.length, PREFACE, 0, PREFACE.length)) {
                    stop(ctx, node, "the client's decrypted data does not begin with the HTTP/2 connection preface");
                    return;
                }
                preface = true;
                consume(PREFACE.length);
                continue;
            }
            if (len < 9) {
                return;
            }
            int length = ((buf[0] & 0xff) << 16) | ((buf[1] & 0xff) << 8) | (buf[2] & 0xff);
            int type = buf[3] & 0xff;
            int flags = buf[4] & 0xff;
            int stream = ((buf[5] & 0x7f) << 24) | ((buf[6] & 0xff) << 16) | ((buf[7] & 0xff) << 8) | (buf[8] & 0xff);
            boolean headerBlock = type == 1 || type == 5 || type == 9;
            if (block != null && type != 9) {
                stop(ctx, node, "a " + typeName(type) + " frame where the CONTINUATION of stream " + blockStream
                        + "'s header block was due");
                return;
            }
            if (type == 0 || length > MAX_KEPT && !headerBlock) {
                // DATA (the bodies), or another frame too large to keep: passed over
                if (node != null) {
                    node.add("http2.frame", frameLabel(type, flags, stream, length), type, 0, 0);
                }
                consume(9);
                passOver(length);
                continue;
            }
            if (length > MAX_KEPT) {
                stop(ctx, node, "an HTTP/2 " + typeName(type) + " frame of " + length + " bytes (more than "
                        + (MAX_KEPT >> 10) + " KiB of a header block is not followed)");
                return;
            }
            if (len < 9 + length) {
                return;
            }
            byte[] payload = Arrays.copyOfRange(buf, 9, 9 + length);
            consume(9 + length);
            FieldNode fn = node == null ? null : node.add("http2.frame", frameLabel(type, flags, stream, length), type,
                    0, 0);
            frame(type, flags, stream, payload, ctx, plain, fn);
        }
    }

    private void frame(int type, int flags, int stream, byte[] p, DissectionContext ctx, DissectionContext plain,
            FieldNode fn) {
        switch (type) {
            case 1, 5 -> {
                int start = 0;
                int end = p.length;
                if ((flags & PADDED) != 0) {
                    if (p.length < 1) {
                        stop(ctx, fn, "a padded HTTP/2 frame without its pad length");
                        return;
                    }
                    start = 1;
                    end -= p[0] & 0xff;
                }
                if (type == 1 && (flags & PRIORITY) != 0) {
                    start += 5;
                }
                if (type == 5) {
                    start += 4; // the promised stream
                }
                if (end < start) {
                    stop(ctx, fn, "an HTTP/2 " + typeName(type) + " frame whose padding or fields are longer than it");
                    return;
                }
                block = Arrays.copyOfRange(p, start, end);
                blockStream = stream;
                blockPromise = type == 5;
                if ((flags & END_HEADERS) != 0) {
                    headerBlock(ctx, plain, fn);
                }
            }
            case 9 -> {
                if (block == null || stream != blockStream) {
                    stop(ctx, fn, "a CONTINUATION frame that follows no header block of stream " + stream);
                    return;
                }
                if (block.length + p.length > Hpack.MAX_LIST) {
                    stop(ctx, fn, "a header block larger than " + (Hpack.MAX_LIST >> 10) + " KiB");
                    return;
                }
                byte[] more = Arrays.copyOf(block, block.length + p.length);
                System.arraycopy(p, 0, more, block.length, p.length);
                block = more;
                if ((flags & END_HEADERS) != 0) {
                    headerBlock(ctx, plain, fn);
                }
            }
            case 3 -> {
                if (p.length != 4) {
                    stop(ctx, fn, "an RST_STREAM frame of " + p.length + " bytes (it has 4)");
                    return;
                }
                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("kind", "rstStream");
                ev.put("stream", stream);
                errorCode(ev, u32(p, 0), fn);
                ctx.emit(ID, ev);
            }
            case 7 -> {
                if (p.length < 8) {
                    stop(ctx, fn, "a GOAWAY frame of " + p.length + " bytes (it has at least 8)");
                    return;
                }
                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("kind", "goaway");
                ev.put("lastStream", (int) (u32(p, 0) & 0x7fffffffL));
                errorCode(ev, u32(p, 4), fn);
                if (p.length > 8) {
                    String debug = new String(p, 8, Math.min(p.length - 8, 256), StandardCharsets.ISO_8859_1);
                    ev.put("debug", debug.replaceAll("[^\\x20-\\x7e]", "."));
                }
                ctx.emit(ID, ev);
            }
            case 4 -> settings(p, flags, ctx, fn);
            default -> {
                // PRIORITY, PING, WINDOW_UPDATE and unknown types (RFC 9113 5.5: ignored) say nothing to the diagnosis
            }
        }
    }

    private static void errorCode(Map<String, Object> ev, long code, FieldNode fn) {
        ev.put("errorCode", code);
        ev.put("error", error(code));
        if (fn != null) {
            fn.add("http2.error", "Error: " + error(code) + " (" + code + ")", code, 0, 0);
        }
    }

    private void settings(byte[] p, int flags, DissectionContext ctx, FieldNode fn) {
        if ((flags & 0x1) != 0) {
            return; // ACK
        }
        if (p.length % 6 != 0) {
            stop(ctx, fn, "a SETTINGS frame of " + p.length + " bytes (a multiple of 6)");
            return;
        }
        if (fn != null) {
            for (int i = 0; i < p.length; i += 6) {
                int id = ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
                fn.add("http2.settings", setting(id) + ": " + u32(p, i + 2), u32(p, i + 2), 0, 0);
            }
        }
    }

    private static String setting(int id) {
        return switch (id) {
            case 1 -> "HEADER_TABLE_SIZE";
            case 2 -> "ENABLE_PUSH";
            case 3 -> "MAX_CONCURRENT_STREAMS";
            case 4 -> "INITIAL_WINDOW_SIZE";
            case 5 -> "MAX_FRAME_SIZE";
            case 6 -> "MAX_HEADER_LIST_SIZE";
            case 8 -> "ENABLE_CONNECT_PROTOCOL";
            default -> "setting 0x" + Integer.toHexString(id);
        };
    }

    /** A complete header block: decoded (the tables follow it even for a promise), then read as a message. */
    private void headerBlock(DissectionContext ctx, DissectionContext plain, FieldNode fn) {
        byte[] b = block;
        int stream = blockStream;
        boolean promise = blockPromise;
        block = null;
        List<Hpack.Header> list;
        try {
            list = hpack.decode(b);
        } catch (Hpack.HpackException e) {
            stop(ctx, fn, "an HTTP/2 header block of stream " + stream + " does not decode (" + e.getMessage() + ")");
            return;
        }
        if (promise) {
            return; // a server push's promised request: the client did not send it
        }
        message(list, stream, ctx, plain, fn);
    }

    /**
     * A header list as a message: requests carry {@code :method}, responses {@code :status}; a list with neither is a
     * trailer section and makes no event. The list is rendered as text (a start line, then {@code name: value}) so
     * the HTTP dissector reads it with the offsets of its fields.
     */
    private void message(List<Hpack.Header> list, int stream, DissectionContext ctx, DissectionContext plain,
            FieldNode fn) {
        String method = null, path = null, authority = null, status = null;
        List<Hpack.Header> regular = new ArrayList<>(list.size());
        for (Hpack.Header h : list) {
            if (bad(h.name()) || bad(h.value())) {
                // RFC 9113 8.2.1: CR, LF and NUL make the message malformed (as text they would forge other fields)
                ctx.diagnostic(ID, "an HTTP/2 header field of stream " + stream + " holds CR, LF or NUL: the message"
                        + " is malformed and not read");
                if (fn != null) {
                    fn.malformed("a header field with CR, LF or NUL", 0, 0);
                }
                return;
            }
            switch (h.name()) {
                case ":method" -> method = h.value();
                case ":path" -> path = h.value();
                case ":authority" -> authority = h.value();
                case ":status" -> status = h.value();
                case ":scheme", ":protocol" -> { }
                default -> regular.add(h);
            }
        }
        boolean request = status == null;
        int code = -1;
        if (!request) {
            code = status.length() == 3 && status.chars().allMatch(Character::isDigit) ? Integer.parseInt(status) : -1;
            if (code < 0) {
                ctx.diagnostic(ID, "an HTTP/2 response of stream " + stream + " with the status \"" + status + "\"");
                return;
            }
        } else if (method == null) {
            return; // trailers
        }
        String uri = path != null ? path : authority != null ? authority : "";
        StringBuilder text = new StringBuilder(256);
        text.append(request ? method + " " + uri + " HTTP/2" : "HTTP/2 " + status).append("\r\n");
        int startLine = text.length();
        List<HttpHead.Field> fields = new ArrayList<>(regular.size() + 1);
        if (request && authority != null && regular.stream().noneMatch(h -> h.name().equals("host"))) {
            // the request's authority is its Host (RFC 9113 8.3.1)
            regular.add(0, new Hpack.Header("host", authority));
        }
        for (Hpack.Header h : regular) {
            int at = text.length();
            text.append(h.name()).append(": ");
            int v = text.length();
            text.append(h.value());
            fields.add(new HttpHead.Field(h.name(), h.value(), at, text.length() - at, v, h.value().length()));
            text.append("\r\n");
        }
        text.append("\r\n");
        HttpHead head = HttpHead.http2(request, method, uri, code, startLine, fields, text.length());
        FieldNode hn = null;
        if (fn != null) {
            hn = fn.add("http2.header_block", "Header list, decoded (" + list.size() + " fields)", null, 0,
                    text.length());
            hn.setSource(HEADERS_SOURCE);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        http.decoded(Pdu.detached(ByteBuffer.wrap(bytes), HEADERS_SOURCE), head, plain, hn, stream);
    }

    private static boolean bad(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return true;
            }
        }
        return false;
    }

    private void stop(DissectionContext ctx, FieldNode node, String why) {
        ctx.diagnostic(ID, why + ": the rest of the " + (fromClient ? "client's" : "server's")
                + " HTTP/2 data on this connection is not read");
        if (node != null) {
            node.malformed(why, 0, 0);
        }
        end();
        block = null;
    }

    private static long u32(byte[] p, int i) {
        return ((p[i] & 0xffL) << 24) | ((p[i + 1] & 0xff) << 16) | ((p[i + 2] & 0xff) << 8) | (p[i + 3] & 0xff);
    }

    private static String typeName(int type) {
        return type < TYPES.length ? TYPES[type] : "type 0x" + Integer.toHexString(type);
    }

    private static String frameLabel(int type, int flags, int stream, int length) {
        StringBuilder s = new StringBuilder("HTTP/2 ").append(typeName(type)).append(", stream ").append(stream);
        if ((type == 0 || type == 1) && (flags & END_STREAM) != 0) {
            s.append(", END_STREAM");
        }
        if ((type == 1 || type == 5 || type == 9) && (flags & END_HEADERS) != 0) {
            s.append(", END_HEADERS");
        }
        return s.append(" (").append(length).append(" bytes)").toString();
    }
}
