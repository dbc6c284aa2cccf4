package org.kerbscope.engine.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.model.Event;

/**
 * The packet list's display filter, in the spirit of Wireshark's: protocol names ({@code kerberos}), field
 * comparisons ({@code kerberos.errorCode == 7}, {@code http.status >= 400}, {@code dns.name contains "contoso"}),
 * combined with {@code and}/{@code &&}, {@code or}/{@code ||}, {@code not}/{@code !} and parentheses. Field names
 * are the event fields of the JSON contract ({@code http.authorization.token} reaches into objects). A frame
 * matches when any of its events makes the expression true. Parsing is bounded (length, nesting) and reports the
 * position and reason of an error; it never throws anything else.
 */
public final class DisplayFilter {
    private static final int MAX_LENGTH = 4096;
    private static final int MAX_DEPTH = 64;

    private final Node root;
    private final String text;
    private final List<String> names;

    private DisplayFilter(String text, Node root, List<String> names) {
        this.text = text;
        this.root = root;
        this.names = List.copyOf(names);
    }

    /** The protocol and field names the filter uses, in the order written. */
    public List<String> names() {
        return names;
    }

    /** The protocols of a frame's own layers, whose fields Wireshark users filter on ({@code ip.addr}, {@code tcp.port} …). */
    public static final java.util.Set<String> LAYER_PROTOCOLS = java.util.Set.of("frame", "eth", "vlan", "sll", "ip",
            "ipv6", "tcp", "udp", "icmp", "icmpv6", "arp");

    /**
     * The names of the frame's layers this filter reads, from its headers ({@link Layers}): the IP addresses and the
     * TCP and UDP ports of every layer (a tunnel's outer and inner ones), TCP's flags and segment length, the frame's
     * number.
     */
    public static final java.util.Set<String> LAYER_FIELDS = java.util.Set.of("ip", "ip.addr", "ip.src", "ip.dst",
            "ipv6", "ipv6.addr", "ipv6.src", "ipv6.dst", "tcp", "tcp.port", "tcp.srcport", "tcp.dstport", "tcp.len",
            "tcp.flags", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset", "tcp.flags.push", "udp",
            "udp.port", "udp.srcport", "udp.dstport", "frame.number");

    /** What a frame's own layers hold, for the {@link #LAYER_FIELDS} (each field's values; empty when absent). */
    public interface Layers {
        List<Object> values(String field);
    }

    /** Whether the filter names a field of the frame's layers: then every frame is asked, with its {@link Layers}. */
    public boolean readsLayers() {
        return names.stream().anyMatch(n -> LAYER_FIELDS.contains(n.toLowerCase(Locale.ROOT)));
    }

    /** The names the filter uses of the frame's layers that it does not read ({@code eth.addr}, {@code ip.ttl} …). */
    public List<String> layerNames() {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            int dot = n.indexOf('.');
            String lower = n.toLowerCase(Locale.ROOT);
            if (LAYER_PROTOCOLS.contains(dot < 0 ? lower : lower.substring(0, dot)) && !LAYER_FIELDS.contains(lower)) {
                out.add(n);
            }
        }
        return out;
    }

    /** A filter that is wrong: where and why, for the red bar. */
    public static final class FilterException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int position;

        FilterException(int position, String message) {
            super(message);
            this.position = position;
        }

        public int position() {
            return position;
        }
    }

    public static DisplayFilter parse(String text) throws FilterException {
        if (text == null) {
            throw new FilterException(0, "no filter");
        }
        if (text.length() > MAX_LENGTH) {
            throw new FilterException(MAX_LENGTH, "a filter longer than " + MAX_LENGTH + " characters");
        }
        Parser p = new Parser(text);
        Node n = p.or(0);
        p.skipSpace();
        if (p.pos < text.length()) {
            throw new FilterException(p.pos, "unexpected '" + text.substring(p.pos, Math.min(text.length(), p.pos + 12)) + "'");
        }
        return new DisplayFilter(text, n, p.names);
    }

    /** Whether a frame with these events matches (its layers not known: their fields match nothing). */
    public boolean matches(List<Event> frameEvents) {
        return root.eval(new View(frameEvents, null));
    }

    /** Whether a frame with these events and these layers matches. */
    public boolean matches(List<Event> frameEvents, Layers layers) {
        return root.eval(new View(frameEvents, layers));
    }

    /**
     * The frames of {@code file} up to {@code upTo} this filter keeps, each asked with its events and with its layers,
     * read from its headers in one pass over the file (for a filter that {@link #readsLayers()}). Null when
     * {@code cancelled} says so (asked every 65,536 frames).
     */
    public long[] framesMatching(org.kerbscope.capture.CaptureFile file, long upTo,
            java.util.function.LongFunction<List<Event>> eventsOf, java.util.function.BooleanSupplier cancelled)
            throws java.io.IOException {
        FrameLayerValues layers = new FrameLayerValues();
        org.kerbscope.net.NetworkDecoder decoder = new org.kerbscope.net.NetworkDecoder(org.kerbscope.net.TransportHandler.NONE);
        long[] out = new long[1024];
        int k = 0;
        try (org.kerbscope.capture.CaptureReader reader = file.reader()) {
            org.kerbscope.capture.FrameCursor c = new org.kerbscope.capture.FrameCursor();
            while (reader.advance(c) && c.number() <= upTo) {
                long n = c.number();
                if ((n & 0xffff) == 0 && cancelled.getAsBoolean()) {
                    return null;
                }
                layers.reset(n);
                decoder.headersOf(n, layers);
                decoder.decode(c);
                if (matches(eventsOf.apply(n), layers)) {
                    if (k == out.length) {
                        out = java.util.Arrays.copyOf(out, k * 2);
                    }
                    out[k++] = n;
                }
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }

    /** One frame as the filter sees it: its events, and its layers when known. */
    private record View(List<Event> events, Layers layers) {
    }

    @Override
    public String toString() {
        return text;
    }

    /** Field names a filter may use: the protocols and fields present in the events, for completion. */
    public static List<String> fieldNames(Iterable<Event> events) {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        for (Event e : events) {
            if (!addFieldNames(e, out)) {
                break;
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Adds the names one event offers a filter to {@code out}, for a caller that walks the events anyway; false once
     * {@code out} holds more than 5,000 (enough for completion: later events need not be asked).
     */
    public static boolean addFieldNames(Event e, java.util.Set<String> out) {
        if (out.size() > 5000) {
            return false;
        }
        out.add(e.protocol());
        e.fields().forEach((k, v) -> {
            out.add(e.protocol() + "." + k);
            if (v instanceof Map<?, ?> m) {
                m.keySet().forEach(sub -> out.add(e.protocol() + "." + k + "." + sub));
            }
        });
        return out.size() <= 5000;
    }

    private interface Node {
        boolean eval(View frame);
    }

    private static final class Parser {
        final String s;
        final List<String> names = new ArrayList<>();
        int pos;

        Parser(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        boolean word(String w) {
            skipSpace();
            int end = pos + w.length();
            if (s.regionMatches(true, pos, w, 0, w.length()) && (end >= s.length() || !Character.isLetterOrDigit(s.charAt(end))
                    || !Character.isLetter(w.charAt(0)))) {
                pos = end;
                return true;
            }
            return false;
        }

        Node or(int depth) throws FilterException {
            Node left = and(depth);
            while (word("or") || word("||")) {
                Node l = left, r = and(depth);
                left = ev -> l.eval(ev) || r.eval(ev);
            }
            return left;
        }

        Node and(int depth) throws FilterException {
            Node left = not(depth);
            while (word("and") || word("&&")) {
                Node l = left, r = not(depth);
                left = ev -> l.eval(ev) && r.eval(ev);
            }
            return left;
        }

        Node not(int depth) throws FilterException {
            if (depth > MAX_DEPTH) {
                throw new FilterException(pos, "nested more than " + MAX_DEPTH + " levels");
            }
            if (word("not") || word("!")) {
                Node n = not(depth + 1);
                return ev -> !n.eval(ev);
            }
            return primary(depth);
        }

        Node primary(int depth) throws FilterException {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '(') {
                pos++;
                Node n = or(depth + 1);
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != ')') {
                    throw new FilterException(pos, "missing ')'");
                }
                pos++;
                return n;
            }
            int start = pos;
            String field = identifier();
            if (field.isEmpty()) {
                throw new FilterException(start, pos >= s.length() ? "a field or protocol name is missing at the end"
                        : "expected a field or protocol name, found '" + s.charAt(pos) + "'");
            }
            names.add(field);
            skipSpace();
            String op = operator();
            if (op == null) {
                return ev -> values(ev, field).iterator().hasNext();
            }
            skipSpace();
            int vpos = pos;
            String value = value();
            if (value == null) {
                throw new FilterException(vpos, "a value is missing after '" + op + "'");
            }
            if (!field.contains(".")) {
                throw new FilterException(start, "'" + field + "' is a protocol: compare one of its fields, e.g. " + field + ".name");
            }
            return compare(field, op, value);
        }

        String identifier() {
            int start = pos;
            if (pos < s.length() && !(Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                return "";
            }
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.' || s.charAt(pos) == '_'
                    || s.charAt(pos) == '-')) {
                pos++;
            }
            return s.substring(start, pos);
        }

        String operator() {
            for (String op : List.of("==", "!=", ">=", "<=", ">", "<", "eq", "ne", "contains")) {
                if (s.startsWith(op, pos) && (Character.isLetter(op.charAt(0)) ? pos + op.length() < s.length()
                        && Character.isWhitespace(s.charAt(pos + op.length())) : true)) {
                    pos += op.length();
                    return switch (op) {
                        case "eq" -> "==";
                        case "ne" -> "!=";
                        default -> op;
                    };
                }
            }
            return null;
        }

        String value() throws FilterException {
            if (pos >= s.length()) {
                return null;
            }
            if (s.charAt(pos) == '"') {
                StringBuilder b = new StringBuilder();
                int start = pos++;
                while (pos < s.length() && s.charAt(pos) != '"') {
                    if (s.charAt(pos) == '\\' && pos + 1 < s.length()) {
                        pos++;
                    }
                    b.append(s.charAt(pos++));
                }
                if (pos >= s.length()) {
                    throw new FilterException(start, "a string without its closing quote");
                }
                pos++;
                return b.toString();
            }
            // (an IPv6 address has colons: a bare value may, a field name may not)
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || ".:_-".indexOf(s.charAt(pos)) >= 0)) {
                pos++;
            }
            return pos == start ? null : s.substring(start, pos);
        }
    }

    private static Node compare(String field, String op, String value) {
        Double number = number(value);
        return ev -> {
            for (Object v : values(ev, field)) {
                if (test(v, op, value, number)) {
                    return true;
                }
            }
            return false;
        };
    }

    private static boolean test(Object v, String op, String value, Double number) {
        if (op.equals("contains")) {
            return String.valueOf(v).toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT));
        }
        // (a value is read as a number only against a number: an address would throw on every frame otherwise)
        Double n = number == null ? null : v instanceof Number x ? Double.valueOf(x.doubleValue()) : number(String.valueOf(v));
        int c;
        if (n != null && number != null) {
            c = Double.compare(n, number);
        } else {
            c = String.valueOf(v).compareToIgnoreCase(value);
        }
        return switch (op) {
            case "==" -> c == 0;
            case "!=" -> c != 0;
            case ">" -> c > 0;
            case "<" -> c < 0;
            case ">=" -> c >= 0;
            default -> c <= 0;
        };
    }

    private static Double number(String s) {
        try {
            return s.startsWith("0x") || s.startsWith("0X") ? Double.valueOf(Long.parseLong(s.substring(2), 16))
                    : Double.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The values a field name reaches in the events: list elements one by one; a protocol name yields its events. */
    private static List<Object> values(View frame, String field) {
        if (LAYER_FIELDS.contains(field.toLowerCase(Locale.ROOT))) {
            return frame.layers() != null ? frame.layers().values(field.toLowerCase(Locale.ROOT)) : List.of();
        }
        List<Object> out = new ArrayList<>();
        String[] path = field.split("\\.");
        if (path.length == 0 || path[0].isEmpty()) {
            return out;
        }
        for (Event e : frame.events()) {
            if (!e.protocol().equalsIgnoreCase(path[0])) {
                continue;
            }
            if (path.length == 1) {
                out.add(e);
                continue;
            }
            Object v = e.fields();
            for (int i = 1; i < path.length && v != null; i++) {
                v = v instanceof Map<?, ?> m ? get(m, path[i]) : null;
            }
            if (v instanceof List<?> l) {
                out.addAll(l);
            } else if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** A field by its JSON name, case-insensitively, and also by a Wireshark-style name (error_code → errorCode). */
    private static Object get(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            String loose = key.replace("_", "").toLowerCase(Locale.ROOT);
            for (Map.Entry<?, ?> en : m.entrySet()) {
                if (String.valueOf(en.getKey()).replace("_", "").toLowerCase(Locale.ROOT).equals(loose)) {
                    return en.getValue();
                }
            }
        }
        return v;
    }
}
