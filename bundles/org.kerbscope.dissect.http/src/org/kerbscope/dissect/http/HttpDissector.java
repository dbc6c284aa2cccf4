package org.kerbscope.dissect.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.ConversationState;
import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;
import org.kerbscope.core.spi.StreamFramer;
import org.kerbscope.dissect.http.internal.AuthHeaders;
import org.kerbscope.dissect.http.internal.AuthHeaders.Challenge;
import org.kerbscope.dissect.http.internal.HttpConversation;
import org.kerbscope.dissect.http.internal.HttpFramer;
import org.kerbscope.dissect.http.internal.HttpHead;
import org.kerbscope.dissect.http.internal.TokenKind;

/**
 * HTTP/1.x requests and responses. Emits one {@code http} event per header block and hands every
 * Negotiate/NTLM/Kerberos token (from WWW-Authenticate, Proxy-Authenticate, Authorization and
 * Proxy-Authorization) base64-decoded to the {@code http.auth} table, so SPNEGO, Kerberos and NTLMSSP are read
 * with carrier {@code http}.
 * <p>
 * Event fields: {@code kind}; requests {@code method}, {@code uri}, {@code host}, {@code userAgent}; responses {@code status},
 * {@code reason}; {@code wwwAuthenticate} (scheme names of WWW-Authenticate then Proxy-Authenticate, in header
 * order); {@code authorization} {scheme, token} (token kind for the GSS schemes only); and for checks
 * {@code authorizationLength} (bytes of the header value, for token bloat), {@code authorizationHeader}
 * (when it was Proxy-Authorization), {@code negotiateTokenKind} (what a response's Negotiate token carries: a
 * mutual-authentication AP-REP shows as kerberos), {@code persistentAuth}, {@code server},
 * {@code contentLength}, {@code connection}, {@code version}, {@code headerLength}.
 */
public final class HttpDissector implements Dissector {
    static final String ID = "http";
    /** Read in this order: all WWW-Authenticate fields, then all Proxy-Authenticate ones. */
    private static final String[] CHALLENGE_HEADERS = { "WWW-Authenticate", "Proxy-Authenticate" };
    private static final String[] CREDENTIAL_HEADERS = { "Authorization", "Proxy-Authorization" };

    @Override
    public boolean accepts(Pdu pdu, String transport) {
        try {
            if (!"tcp".equals(transport) || pdu.length() < 4) {
                return false;
            }
            int k = HttpHead.startLine(pdu.data(), 0, pdu.length());
            if (k == HttpHead.REQUEST || k == HttpHead.RESPONSE) {
                return true;
            }
            // a request line longer than the first segment: trust the common methods only
            return k == HttpHead.MORE && pdu.length() >= 8 && knownMethod(pdu);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean knownMethod(Pdu pdu) {
        String head = new String(pdu.bytes(0, Math.min(pdu.length(), 10)), StandardCharsets.ISO_8859_1);
        for (String m : new String[] {"GET ", "POST ", "PUT ", "HEAD ", "OPTIONS ", "DELETE ", "PROPFIND ", "CONNECT "}) {
            if (head.startsWith(m)) {
                return true;
            }
        }
        return false;
    }

    /** Reads the TLS a proxy's CONNECT tunnel carries (RFC 9110 9.3.6): its hello names the site. */
    private static final TlsDissector TUNNEL = new TlsDissector();

    @Override
    public StreamFramer newFramer(ConversationState conversation, boolean fromClient) {
        return new HttpFramer(state(conversation), fromClient, () -> TUNNEL.newFramer(conversation, fromClient));
    }

    private static HttpConversation state(ConversationState c) {
        return c.attribute(HttpConversation.KEY, HttpConversation::new);
    }

    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        ConversationState cs = ctx.conversation();
        HttpConversation.Side side = null;
        if (cs != null) {
            boolean fromClient = cs.client() == null || cs.client().equals(ctx.src());
            side = state(cs).side(fromClient);
            if (side.tunnelled()) {
                TUNNEL.dissect(pdu, ctx);
                return;
            }
        }
        byte[] pending = null;
        boolean completion = false;
        boolean oversized = false;
        HttpHead framed = null;
        if (side != null) {
            framed = side.takeFramedHead(pdu.length());
            for (String note : side.takeNotes()) {
                ctx.diagnostic(ID, note);
            }
            pending = side.takePendingHead();
            completion = side.takeCompletion();
            oversized = side.takeOversized();
        }
        FieldNode tree = ctx.tree();
        if (pending != null) {
            FieldNode t = null;
            if (tree != null) {
                t = tree.add("http.header_block", "Header block (" + pending.length
                        + " bytes, received before this frame; the message ends here)", null, 0, pending.length);
                t.setSource("HTTP header block");
            }
            read(Pdu.detached(ByteBuffer.wrap(pending), "HTTP header block"), ctx, t, false, null, -1);
        }
        if (completion) {
            if (tree != null) {
                tree.add("http.message_end", "End of the message body (" + pdu.length() + " bytes)", null,
                        pdu.abs(0), pdu.length());
            }
            return;
        }
        // the framer's parse holds for this PDU only when it framed it as a message that starts here
        read(pdu, ctx, tree, oversized, pending == null ? framed : null, -1);
    }

    /**
     * An HTTP/2 message's decoded header list, rendered as text ({@code pdu}, a data source of its own) and taken
     * apart in {@code head}: read as an HTTP/1.x head is, its event with the {@code stream} it came on.
     */
    void decoded(Pdu pdu, HttpHead head, DissectionContext ctx, FieldNode tree, int stream) {
        read(pdu, ctx, tree, false, head, stream);
    }

    /*
     * read() is made of several methods rather than one: every HTTP message of a capture passes here, so the JIT
     * compiles it early, and as one method of this size it was its largest compilation (about a second of C2 time
     * on the 1 GiB benchmark, compiled three or four times as new branches were taken). The tree, which the command
     * line never builds, and the authentication headers, which few messages carry, are methods of their own.
     */
    /**
     * @param framed the framer's parse of this PDU's whole head, or null to parse it here
     * @param stream the HTTP/2 stream the message came on, or -1 (HTTP/1.x)
     */
    private void read(Pdu pdu, DissectionContext ctx, FieldNode tree, boolean oversized, HttpHead framed,
            int stream) {
        ByteBuffer b = pdu.data();
        int n = pdu.length();
        int end = framed != null ? framed.length() : HttpHead.headerEnd(b, 0, n);
        HttpHead h = framed != null ? framed : HttpHead.parse(b, end < 0 ? n : end);
        if (h == null) {
            ctx.diagnostic(ID, "these " + n + " bytes do not start an HTTP/1.x message");
            if (tree != null) {
                tree.malformed("not an HTTP/1.x start line", pdu.abs(0), Math.min(n, 64));
            }
            return;
        }
        if (oversized || end < 0 || !h.problems().isEmpty()) {
            problems(ctx, h, oversized, end);
        }
        int headLen = end < 0 ? n : end;
        FieldNode top = tree == null ? null : startLineTree(pdu, tree, h, end, headLen, oversized);
        Map<String, Object> ev = new LinkedHashMap<>();
        startLine(ev, h);
        for (HttpHead.Field f : h.fields()) {
            if (isAuthHeader(f.name())) {
                authentication(pdu, ctx, h, top, ev);
                break;
            }
        }
        otherHeaders(ctx, h, ev);
        ev.put("headerLength", headLen);
        if (stream >= 0) {
            ev.put("stream", stream);
        }
        if (top != null) {
            otherHeadersTree(pdu, h, top);
        }
        ctx.emit(ID, ev);
    }

    private static void problems(DissectionContext ctx, HttpHead h, boolean oversized, int end) {
        if (oversized) {
            ctx.diagnostic(ID, "a header block is larger than " + (HttpFramer.MAX_HEAD >> 10) + " KiB (a fixed bound;"
                    + " servers refuse far smaller heads): the fields read so far are reported and the rest of this"
                    + " direction is passed over");
        } else if (end < 0) {
            ctx.diagnostic(ID, "a header block has no final empty line: the fields read so far are reported");
        }
        for (String p : h.problems()) {
            ctx.diagnostic(ID, p);
        }
    }

    private static FieldNode startLineTree(Pdu pdu, FieldNode tree, HttpHead h, int end, int headLen,
            boolean oversized) {
        FieldNode top = tree.add("http", "Hypertext Transfer Protocol", null, pdu.abs(0), headLen);
        if (end < 0) {
            top.malformed(oversized ? "header block too large" : "header block without its end", pdu.abs(0), headLen);
        }
        String line = new String(pdu.bytes(0, Math.max(0, h.startLineLength() - 2)), StandardCharsets.ISO_8859_1);
        FieldNode sl = top.add(h.isRequest() ? "http.request.line" : "http.response.line", line.strip(), null,
                pdu.abs(0), h.startLineLength());
        if (h.isRequest()) {
            sl.add("http.request.method", "Request Method: " + h.method(), h.method(), pdu.abs(0), h.method().length());
            sl.add("http.request.uri", "Request URI: " + h.uri(), h.uri(), pdu.abs(h.method().length() + 1),
                    h.uri().length());
            sl.add("http.request.version", "Request Version: " + h.version(), h.version(),
                    pdu.abs(h.method().length() + h.uri().length() + 2), h.version().length());
        } else {
            int v = h.version().length(); // HTTP/1.1 or HTTP/2
            sl.add("http.response.version", "Response Version: " + h.version(), h.version(), pdu.abs(0), v);
            sl.add("http.response.code", "Status Code: " + h.status(), h.status(), pdu.abs(v + 1), 3);
            sl.add("http.response.phrase", "Response Phrase: " + h.reason(), h.reason(), pdu.abs(v + 5),
                    h.reason().length());
        }
        return top;
    }

    private static void startLine(Map<String, Object> ev, HttpHead h) {
        if (h.isRequest()) {
            ev.put("kind", "request");
            ev.put("method", h.method());
            ev.put("uri", h.uri());
            putIf(ev, "host", h.first("Host"));
            putIf(ev, "userAgent", h.first("User-Agent"));
        } else {
            ev.put("kind", "response");
            ev.put("status", h.status());
            ev.put("reason", h.reason());
        }
        ev.put("version", h.version());
    }

    /** The challenges and credentials: schemes, tokens handed to {@code http.auth}, what they carried. */
    private static void authentication(Pdu pdu, DissectionContext ctx, HttpHead h, FieldNode top,
            Map<String, Object> ev) {
        List<String> schemes = new ArrayList<>(2);
        String negotiateKind = null;
        for (String header : CHALLENGE_HEADERS) {
            for (HttpHead.Field f : h.fields()) {
                if (f.name().equalsIgnoreCase(header)) {
                    String kind = challenges(pdu, ctx, f, fieldNode(top, f, pdu), schemes);
                    if (negotiateKind == null) {
                        negotiateKind = kind;
                    }
                }
            }
        }
        Map<String, Object> authorization = null;
        for (String header : CREDENTIAL_HEADERS) {
            for (HttpHead.Field f : h.fields()) {
                if (!f.name().equalsIgnoreCase(header)) {
                    continue;
                }
                Map<String, Object> credentials = credentials(pdu, ctx, f, fieldNode(top, f, pdu));
                if (authorization == null) {
                    authorization = credentials;
                    ev.put("authorizationLength", f.valueLength());
                    if (!header.equals("Authorization")) {
                        ev.put("authorizationHeader", header);
                    }
                }
            }
        }
        if (!schemes.isEmpty()) {
            ev.put("wwwAuthenticate", schemes);
        }
        if (authorization != null) {
            ev.put("authorization", authorization);
        }
        if (negotiateKind != null) {
            ev.put("negotiateTokenKind", negotiateKind);
        }
    }

    /** The challenges of one field, their schemes added to {@code schemes}; what a Negotiate token carried, or null. */
    private static String challenges(Pdu pdu, DissectionContext ctx, HttpHead.Field f, FieldNode fn,
            List<String> schemes) {
        String negotiateKind = null;
        for (Challenge c : AuthHeaders.challenges(f.value())) {
            schemes.add(c.scheme());
            FieldNode cn = fn == null ? null
                    : fn.add("http.auth.scheme", "Scheme: " + c.scheme(), c.scheme(),
                            pdu.abs(f.valueOffset() + c.offset()), c.length());
            if (c.carriesGssToken() && c.token68() != null) {
                String kind = token(pdu, f, c, ctx, cn);
                if (negotiateKind == null && c.scheme().equalsIgnoreCase("negotiate")) {
                    negotiateKind = kind;
                }
            } else if (cn != null) {
                for (Map.Entry<String, String> p : c.params().entrySet()) {
                    cn.add("http.auth.param", p.getKey() + "=" + p.getValue(), p.getValue(),
                            pdu.abs(f.valueOffset() + c.offset()), c.length());
                }
            }
        }
        return negotiateKind;
    }

    /** The credentials of one field: {scheme, token} (the token's kind for the GSS schemes only). */
    private static Map<String, Object> credentials(Pdu pdu, DissectionContext ctx, HttpHead.Field f, FieldNode fn) {
        Challenge c = AuthHeaders.credentials(f.value());
        FieldNode cn = fn == null ? null
                : fn.add("http.auth.scheme", "Scheme: " + c.scheme(), c.scheme(),
                        pdu.abs(f.valueOffset() + c.offset()), c.scheme().length());
        String kind = null;
        if (c.carriesGssToken() && c.token68() != null) {
            kind = token(pdu, f, c, ctx, cn);
        }
        Map<String, Object> authorization = new LinkedHashMap<>();
        authorization.put("scheme", c.scheme());
        if (kind != null) {
            authorization.put("token", kind);
        }
        return authorization;
    }

    private static void otherHeaders(DissectionContext ctx, HttpHead h, Map<String, Object> ev) {
        String pa = h.first("Persistent-Auth");
        if (pa != null) {
            ev.put("persistentAuth", pa.strip().equalsIgnoreCase("true") ? Boolean.TRUE
                    : pa.strip().equalsIgnoreCase("false") ? Boolean.FALSE : pa);
        }
        putIf(ev, "server", h.first("Server"));
        putIf(ev, "date", h.first("Date"));
        putIf(ev, "connection", h.first("Connection"));
        String cl = h.first("Content-Length");
        if (cl != null) {
            try {
                ev.put("contentLength", Long.parseLong(cl.strip()));
            } catch (NumberFormatException e) {
                ctx.diagnostic(ID, "Content-Length \"" + cl + "\" is not a number");
            }
        }
    }

    private static void otherHeadersTree(Pdu pdu, HttpHead h, FieldNode top) {
        for (HttpHead.Field f : h.fields()) {
            if (!isAuthHeader(f.name())) {
                fieldNode(top, f, pdu);
            }
        }
    }

    /** Decodes a token, hands it to {@code http.auth} and says what it carried. */
    private static String token(Pdu pdu, HttpHead.Field f, Challenge c, DissectionContext ctx, FieldNode parent) {
        int[] bad = {0};
        byte[] raw = AuthHeaders.base64(c.token68(), bad);
        if (bad[0] > 0) {
            ctx.diagnostic(ID, "the " + c.scheme() + " token holds " + bad[0]
                    + " characters that are not base64; they were passed over");
        }
        if (raw.length == 0) {
            return TokenKind.UNKNOWN;
        }
        FieldNode decoded = null;
        if (parent != null) {
            int tokOff = f.valueOffset() + c.offset() + c.scheme().length();
            FieldNode t = parent.add("http.auth.token", c.scheme() + " token (" + raw.length + " bytes decoded)",
                    raw.length, pdu.abs(tokOff), Math.max(0, c.length() - c.scheme().length()));
            decoded = t.add("http.auth.decoded", "Decoded base64 (" + raw.length + " bytes)", null, 0, raw.length);
            decoded.setSource("Decoded base64");
        }
        String inner = ctx.call("http.auth", c.scheme().toLowerCase(Locale.ROOT),
                Pdu.detached(ByteBuffer.wrap(raw), "Decoded base64"), decoded);
        return TokenKind.of(inner, raw);
    }

    private static boolean isAuthHeader(String name) {
        return name.equalsIgnoreCase("WWW-Authenticate") || name.equalsIgnoreCase("Proxy-Authenticate")
                || name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Proxy-Authorization");
    }

    private static FieldNode fieldNode(FieldNode top, HttpHead.Field f, Pdu pdu) {
        if (top == null) {
            return null;
        }
        String lower = f.name().toLowerCase(Locale.ROOT);
        String name = switch (lower) {
            case "host", "server", "connection", "location", "authorization", "www-authenticate",
                    "proxy-authenticate", "proxy-authorization", "persistent-auth", "content-length",
                    "content-type", "user-agent", "transfer-encoding" -> "http." + lower.replace('-', '_');
            default -> "http.header";
        };
        String shown = f.value();
        if (isAuthHeader(f.name())) {
            Challenge c = AuthHeaders.credentials(f.value());
            if (c.scheme().equalsIgnoreCase("basic") && c.token68() != null) {
                // a Basic credential is a password in base64: never shown as text
                shown = c.scheme() + " (credentials, " + c.token68().length() + " characters, not shown)";
            }
        }
        String label = f.name() + ": " + (shown.length() > 200 ? shown.substring(0, 200) + "…" : shown);
        return top.add(name, label, shown, pdu.abs(f.offset()), f.length());
    }

    private static void putIf(Map<String, Object> ev, String key, String value) {
        if (value != null) {
            ev.put(key, value);
        }
    }
}
