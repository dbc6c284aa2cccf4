package org.kerbscope.dissect.http.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP/1.x header block: the start line and the header fields, with their offsets in the buffer it was
 * read from. Bytes are read as ISO-8859-1, so one character is one byte and offsets stay exact.
 */
public final class HttpHead {
    /** A start line cannot be judged yet: more bytes are needed. */
    public static final int MORE = 0;
    public static final int REQUEST = 1;
    public static final int RESPONSE = 2;
    /** The bytes are not the start of an HTTP/1.x message. */
    public static final int NOT = -1;
    /** Longest request line accepted while waiting for its end (a long query string fits). */
    public static final int MAX_LINE = 16 * 1024;
    private static final int MAX_METHOD = 24;

    /** One header field; {@code offset}/{@code length} cover the whole line without its line end. */
    public record Field(String name, String value, int offset, int length, int valueOffset, int valueLength) {
    }

    private final boolean request;
    private final String method;
    private final String uri;
    private final String version;
    private final int status;
    private final String reason;
    private final int startLineLength;
    private final List<Field> fields;
    private final int length;
    private final List<String> problems;

    private HttpHead(boolean request, String method, String uri, String version, int status, String reason,
            int startLineLength, List<Field> fields, int length, List<String> problems) {
        this.request = request;
        this.method = method;
        this.uri = uri;
        this.version = version;
        this.status = status;
        this.reason = reason;
        this.startLineLength = startLineLength;
        this.fields = fields;
        this.length = length;
        this.problems = problems;
    }

    /**
     * An HTTP/2 message's head (RFC 9113 8.3), its pseudo-header fields taken apart: {@code fields} are the regular
     * ones, their offsets in the text the HTTP/2 reader renders the decoded list as (a start line, then one
     * {@code name: value} line each), {@code startLineLength} that text's first line with its line end.
     */
    public static HttpHead http2(boolean request, String method, String uri, int status, int startLineLength,
            List<Field> fields, int length) {
        return new HttpHead(request, method, uri, "HTTP/2", status, "", startLineLength, List.copyOf(fields), length,
                List.of());
    }

    public boolean isRequest() { return request; }
    public String method() { return method; }
    public String uri() { return uri; }
    public String version() { return version; }
    /** Status code of a response, -1 for a request. */
    public int status() { return status; }
    public String reason() { return reason; }
    public int startLineLength() { return startLineLength; }
    public List<Field> fields() { return fields; }
    /** Bytes of the block including its final empty line; -1 when the block was not complete. */
    public int length() { return length; }
    public List<String> problems() { return problems; }

    /** The first value of a header (case-insensitive name), or null. */
    public String first(String name) {
        for (Field f : fields) {
            if (f.name.equalsIgnoreCase(name)) {
                return f.value;
            }
        }
        return null;
    }

    /** Every field of that name, in order. */
    public List<Field> all(String name) {
        List<Field> out = new ArrayList<>(2);
        for (Field f : fields) {
            if (f.name.equalsIgnoreCase(name)) {
                out.add(f);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ byte-level helpers

    /**
     * The offset just after the empty line that ends a header block starting at 0, searching from {@code from},
     * or -1. Accepts CRLF and bare LF line ends (RFC 9112 section 2.2 lets a recipient do so).
     */
    public static int headerEnd(ByteBuffer b, int from, int limit) {
        for (int i = Math.max(0, from); i < limit; i++) {
            if (b.get(i) != '\n') {
                continue;
            }
            if (i + 1 < limit && b.get(i + 1) == '\n') {
                return i + 2;
            }
            if (i + 2 < limit && b.get(i + 1) == '\r' && b.get(i + 2) == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    /**
     * Whether the bytes at {@code off} start an HTTP/1.x message: {@link #REQUEST} ({@code METHOD SP target SP
     * HTTP/1.x}), {@link #RESPONSE} ({@code HTTP/1.x SP 3DIGIT}), {@link #NOT}, or {@link #MORE} when the
     * bytes so far could still be either.
     */
    public static int startLine(ByteBuffer b, int off, int limit) {
        int n = limit - off;
        if (n <= 0) {
            return MORE;
        }
        String proto = "HTTP/1.";
        if (b.get(off) == 'H') {
            boolean protoPrefix = true;
            for (int i = 0; i < Math.min(n, proto.length()); i++) {
                if (b.get(off + i) != proto.charAt(i)) {
                    protoPrefix = false;
                    break;
                }
            }
            if (protoPrefix) {
                if (n < 12) {
                    return MORE;
                }
                boolean ok = digit(b.get(off + 7)) && b.get(off + 8) == ' ' && digit(b.get(off + 9))
                        && digit(b.get(off + 10)) && digit(b.get(off + 11));
                return ok ? RESPONSE : NOT;
            }
        }
        int i = 0;
        while (i < n && i <= MAX_METHOD && methodChar(b.get(off + i))) {
            i++;
        }
        if (i == n) {
            return i <= MAX_METHOD ? MORE : NOT;
        }
        if (i == 0 || i > MAX_METHOD || b.get(off + i) != ' ') {
            return NOT;
        }
        int lf = -1;
        for (int j = off + i; j < limit; j++) {
            byte c = b.get(j);
            if (c == '\n') {
                lf = j;
                break;
            }
            if (c == 0 || j - off > MAX_LINE) {
                return NOT;
            }
        }
        if (lf < 0) {
            return MORE;
        }
        int e = lf > off && b.get(lf - 1) == '\r' ? lf - 1 : lf;
        if (e - off < i + 10) {
            return NOT;
        }
        int v = e - 9;
        if (b.get(v) != ' ') {
            return NOT;
        }
        for (int k = 0; k < 7; k++) {
            if (b.get(v + 1 + k) != proto.charAt(k)) {
                return NOT;
            }
        }
        return digit(b.get(e - 1)) ? REQUEST : NOT;
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Methods are tokens; real ones are upper-case letters, digits, '-' and '_' (M-SEARCH, RPC_IN_DATA). */
    private static boolean methodChar(byte c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /**
     * Parses the header block in {@code [0, end)}: {@code end} is {@link #headerEnd} or, for a block that did not
     * finish, the bytes there are (an incomplete last line is then left out).
     *
     * @return the head, or null when the start line is not HTTP/1.x
     */
    public static HttpHead parse(ByteBuffer b, int end) {
        List<String> problems = new ArrayList<>(0);
        int lf = indexOf(b, (byte) '\n', 0, end);
        if (lf < 0) {
            return null;
        }
        int kind = startLine(b, 0, lf + 1);
        if (kind != REQUEST && kind != RESPONSE) {
            return null;
        }
        String line = latin1(b, 0, lineEnd(b, 0, lf));
        boolean request = kind == REQUEST;
        String method = null;
        String uri = null;
        String version;
        int status = -1;
        String reason = null;
        if (request) {
            int sp1 = line.indexOf(' ');
            int sp2 = line.lastIndexOf(' ');
            method = line.substring(0, sp1);
            uri = sp2 > sp1 ? line.substring(sp1 + 1, sp2) : "";
            version = line.substring(sp2 + 1);
        } else {
            version = line.substring(0, 8);
            status = Integer.parseInt(line.substring(9, 12));
            reason = line.length() > 13 ? line.substring(13) : "";
        }
        List<Field> fields = new ArrayList<>(12);
        int pos = lf + 1;
        boolean complete = false;
        while (pos < end) {
            int nl = indexOf(b, (byte) '\n', pos, end);
            if (nl < 0) {
                break; // a line cut short by the size bound
            }
            int le = lineEnd(b, pos, nl);
            if (le == pos) {
                complete = true;
                pos = nl + 1;
                break;
            }
            byte c0 = b.get(pos);
            if ((c0 == ' ' || c0 == '\t') && !fields.isEmpty()) {
                // obs-fold (RFC 9112 section 5.2): the line continues the previous field's value
                Field prev = fields.remove(fields.size() - 1);
                String more = latin1(b, pos, le).strip();
                fields.add(new Field(prev.name, prev.value + " " + more, prev.offset, le - prev.offset,
                        prev.valueOffset, le - prev.valueOffset));
            } else {
                int colon = indexOf(b, (byte) ':', pos, le);
                if (colon <= pos) {
                    problems.add("header line without a field name and colon: \"" + abbreviate(latin1(b, pos, le)) + "\"");
                } else {
                    String name = latin1(b, pos, colon).strip();
                    int vs = colon + 1;
                    while (vs < le && (b.get(vs) == ' ' || b.get(vs) == '\t')) {
                        vs++;
                    }
                    int ve = le;
                    while (ve > vs && (b.get(ve - 1) == ' ' || b.get(ve - 1) == '\t')) {
                        ve--;
                    }
                    fields.add(new Field(name, latin1(b, vs, ve), pos, le - pos, vs, ve - vs));
                }
            }
            pos = nl + 1;
        }
        return new HttpHead(request, method, uri, version, status, reason, lf + 1, List.copyOf(fields),
                complete ? pos : -1, List.copyOf(problems));
    }

    private static int lineEnd(ByteBuffer b, int start, int lf) {
        return lf > start && b.get(lf - 1) == '\r' ? lf - 1 : lf;
    }

    public static int indexOf(ByteBuffer b, byte c, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (b.get(i) == c) {
                return i;
            }
        }
        return -1;
    }

    static String latin1(ByteBuffer b, int from, int to) {
        // one bulk copy, and a Latin-1 string needs no widening to chars
        if (to <= from) {
            return "";
        }
        byte[] raw = new byte[to - from];
        b.get(from, raw);
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
