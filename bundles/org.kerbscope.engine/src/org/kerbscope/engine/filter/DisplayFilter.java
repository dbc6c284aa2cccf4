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
    public static final java.util.Set<String> LAYER_PROTOCOLS = layerProtocols();

    private static java.util.Set<String> layerProtocols() {
        java.util.Set<String> all = new java.util.HashSet<>(java.util.Set.of("frame", "arp", "pppoe", "ieee8021ah"));
        all.addAll(org.kerbscope.net.FrameLayers.LAYERS);
        return java.util.Set.copyOf(all);
    }

    /**
     * The names of the frame's layers this filter reads, from its headers ({@link Layers}), as Wireshark names them: the
     * frame's number and lengths; Ethernet's addresses and type; 802.1Q's tag; IPv4's and IPv6's addresses, lengths, TTL
     * or hop limit and protocol; TCP's ports, flags, raw sequence numbers, window and segment length; UDP's ports and
     * length; ICMP's and ICMPv6's type and code; and {@code tcp.stream}/{@code udp.stream}, the conversations numbered
     * from 0 in the order of their first frames; {@code tcp.payload} and {@code udp.payload} as text (for
     * {@code contains} and {@code matches}). Every other field the frame's details show under Wireshark's name
     * ({@code ip.dsfield.dscp}, {@code tcp.options.mss_val}, {@code llc.oui}, {@code gre.key} …) is read from them.
     * Outer and inner headers of a tunnel alike.
     */
    public static final java.util.Set<String> LAYER_FIELDS = layerFields();

    private static java.util.Set<String> layerFields() {
        java.util.Set<String> all = new java.util.HashSet<>(FrameLayerValues.FIELDS);
        all.addAll(org.kerbscope.net.FrameLayers.FIELDS); // every other field of the details, read from them
        all.addAll(org.kerbscope.net.FrameLayers.LAYERS);
        return java.util.Set.copyOf(all);
    }

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
        List<String> fields = new ArrayList<>();
        for (String n : names) {
            fields.add(n.toLowerCase(Locale.ROOT));
        }
        FrameLayerValues layers = new FrameLayerValues(fields);
        org.kerbscope.net.NetworkDecoder decoder = new org.kerbscope.net.NetworkDecoder(org.kerbscope.net.TransportHandler.NONE);
        long[] out = new long[1024];
        int k = 0;
        try (org.kerbscope.capture.CaptureReader reader = file.streamingReader()) {
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
            int opos = pos;
            String op = operator();
            if (op == null) {
                return ev -> values(ev, field).iterator().hasNext();
            }
            if (!field.contains(".")) {
                throw new FilterException(start, "'" + field + "' is a protocol: compare one of its fields, e.g. " + field + ".name");
            }
            skipSpace();
            if (op.equals("in")) {
                return in(field, set());
            }
            int vpos = pos;
            Literal value = literal(op);
            if (op.equals("&")) {
                // a bitwise and: true when any bit of the mask is set, or compared: tcp.flags & 0x12 == 0x12
                skipSpace();
                String then = operator();
                if (then == null) {
                    return masked(field, value.number, null, null);
                }
                if (List.of("contains", "matches", "in", "&").contains(then)) {
                    throw new FilterException(opos, "'" + then + "' cannot follow a bitwise and");
                }
                skipSpace();
                return masked(field, value.number, then, literal(then));
            }
            checkKind(field, value, vpos);
            if (op.equals("matches")) {
                return matches(field, regex(value.text, vpos));
            }
            return compare(field, op, value);
        }

        /** The value after an operator, read as a literal; a missing one is an error at its place. */
        Literal literal(String op) throws FilterException {
            int vpos = pos;
            String value = value();
            if (value == null) {
                throw new FilterException(vpos, "a value is missing after '" + op + "'");
            }
            Literal l = Literal.of(value);
            if (op.equals("&") && (l.number == null || l.number != Math.rint(l.number))) {
                throw new FilterException(vpos, "a bitwise and takes a whole number, e.g. 0x02");
            }
            return l;
        }

        /** The members of {@code in {…}}: values and ranges ({@code 80..90}), separated by commas or spaces. */
        List<Literal[]> set() throws FilterException {
            if (pos >= s.length() || s.charAt(pos) != '{') {
                throw new FilterException(pos, "'in' takes a set in braces, e.g. tcp.port in {80, 443, 8000..8100}");
            }
            int open = pos++;
            List<Literal[]> out = new ArrayList<>();
            while (true) {
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    if (out.isEmpty()) {
                        throw new FilterException(open, "an empty set");
                    }
                    return out;
                }
                if (pos < s.length() && s.charAt(pos) == ',' && !out.isEmpty()) {
                    pos++;
                    skipSpace();
                }
                int vpos = pos;
                String v = value();
                if (v == null) {
                    throw new FilterException(vpos, pos >= s.length() ? "a set without its closing '}'"
                            : "expected a value in the set, found '" + s.charAt(pos) + "'");
                }
                int range = v.indexOf("..");
                if (range > 0 && range + 2 < v.length()) {
                    Literal lo = Literal.of(v.substring(0, range)), hi = Literal.of(v.substring(range + 2));
                    if (lo.number == null || hi.number == null) {
                        throw new FilterException(vpos, "a range of numbers, e.g. 8000..8100");
                    }
                    out.add(new Literal[] {lo, hi});
                } else {
                    out.add(new Literal[] {Literal.of(v)});
                }
            }
        }

        /** An address field of the frame's layers takes an address of its kind: a typo fails here, not by matching nothing. */
        void checkKind(String field, Literal value, int vpos) throws FilterException {
            String want = switch (field.toLowerCase(Locale.ROOT)) {
                case "ip.addr", "ip.src", "ip.dst" -> "IPv4";
                case "ipv6.addr", "ipv6.src", "ipv6.dst" -> "IPv6";
                case "eth.addr", "eth.src", "eth.dst" -> "MAC";
                default -> null;
            };
            if (want != null && !want.equals(value.addressKind())) {
                throw new FilterException(vpos, "'" + value.text + "' is not an " + want + " address" + (want.equals("MAC")
                        ? " (e.g. 00:0c:29:61:f5:5f)" : want.equals("IPv4") ? " (e.g. 192.168.2.10 or 192.168.2.0/24)"
                        : " (e.g. fe80::1 or 2001:db8::/32)"));
            }
        }

        java.util.regex.Pattern regex(String text, int vpos) throws FilterException {
            try {
                return java.util.regex.Pattern.compile(text);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new FilterException(vpos, "not a regular expression: " + e.getDescription());
            }
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
            for (String op : OPERATORS) {
                if (op.equals("&") && s.startsWith("&&", pos)) {
                    continue; // (the logical and that follows a protocol named alone)
                }
                if (s.startsWith(op, pos) && (Character.isLetter(op.charAt(0)) ? pos + op.length() < s.length()
                        && Character.isWhitespace(s.charAt(pos + op.length())) : true)) {
                    pos += op.length();
                    return switch (op) {
                        case "eq", "any_eq" -> "==";
                        case "ne", "all_ne" -> "!=";
                        case "all_eq" -> "===";
                        case "~=", "any_ne" -> "!==";
                        case "gt" -> ">";
                        case "lt" -> "<";
                        case "ge" -> ">=";
                        case "le" -> "<=";
                        case "~" -> "matches";
                        case "bitwise_and" -> "&";
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
            // (an IPv6 address has colons and a subnet a slash: a bare value may, a field name may not)
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || ".:_-/".indexOf(s.charAt(pos)) >= 0)) {
                pos++;
            }
            return pos == start ? null : s.substring(start, pos);
        }
    }

    /** Operators, longest first where one begins another. */
    private static final List<String> OPERATORS = List.of("===", "!==", "==", "!=", "~=", ">=", "<=", ">", "<", "~", "&",
            "any_eq", "all_ne", "all_eq", "any_ne", "eq", "ne", "gt", "lt", "ge", "le", "contains", "matches", "bitwise_and",
            "in");

    /**
     * A comparison as Wireshark's: {@code ==} any value equal; {@code !=} the field present and no value equal (as
     * {@code all_ne}); {@code ===} all equal; {@code !==} ({@code ~=}) any value not equal; orderings, {@code contains}
     * any value.
     */
    private static Node compare(String field, String op, Literal value) {
        return ev -> {
            List<Object> vs = values(ev, field);
            switch (op) {
                case "!=" -> {
                    for (Object v : vs) {
                        if (equal(v, value)) {
                            return false;
                        }
                    }
                    return !vs.isEmpty();
                }
                case "===" -> {
                    for (Object v : vs) {
                        if (!equal(v, value)) {
                            return false;
                        }
                    }
                    return !vs.isEmpty();
                }
                default -> {
                    for (Object v : vs) {
                        if (test(v, op, value)) {
                            return true;
                        }
                    }
                    return false;
                }
            }
        };
    }

    private static boolean test(Object v, String op, Literal value) {
        return switch (op) {
            case "contains" -> containsIgnoringCase(String.valueOf(v), value.text);
            case "==" -> equal(v, value);
            case "!==" -> !equal(v, value);
            case ">" -> order(v, value) > 0;
            case "<" -> order(v, value) < 0;
            case ">=" -> order(v, value) >= 0;
            default -> order(v, value) <= 0;
        };
    }

    /**
     * Whether {@code text} holds {@code part}, case aside, without a lower-case copy of either: a segment's payload
     * ({@code tcp.payload contains "krbtgt"}) is asked for every TCP frame of a capture.
     */
    static boolean containsIgnoringCase(String text, String part) {
        int n = part.length();
        if (n == 0) {
            return true;
        }
        char first = part.charAt(0), lower = Character.toLowerCase(first), upper = Character.toUpperCase(first);
        for (int i = 0, last = text.length() - n; i <= last; i++) {
            char c = text.charAt(i);
            if ((c == lower || c == upper || c == first) && text.regionMatches(true, i, part, 0, n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equal(Object v, Literal value) {
        if (value.address != null && value.containsAddress(v)) {
            return true;
        }
        return !(v instanceof LayerAddress) && order(v, value) == 0;
    }

    private static int order(Object v, Literal value) {
        if (v instanceof LayerAddress a && value.address != null && value.address.length == a.bytes().length) {
            return java.util.Arrays.compareUnsigned(a.bytes(), value.address);
        }
        // (a value is read as a number only against a number: an address would throw on every frame otherwise)
        Double n = value.number == null ? null : v instanceof Number x ? Double.valueOf(x.doubleValue())
                : Literal.number(String.valueOf(v));
        if (n != null) {
            return Double.compare(n, value.number);
        }
        return String.valueOf(v).compareToIgnoreCase(value.text);
    }

    /** {@code field in {…}}: any value equal to a member or within a range. */
    private static Node in(String field, List<Literal[]> members) {
        return ev -> {
            for (Object v : values(ev, field)) {
                for (Literal[] m : members) {
                    if (m.length == 1 ? equal(v, m[0]) : order(v, m[0]) >= 0 && order(v, m[1]) <= 0) {
                        return true;
                    }
                }
            }
            return false;
        };
    }

    /** {@code field & mask}: any value with a bit of the mask set; or {@code (field & mask) op value}. */
    private static Node masked(String field, double mask, String op, Literal value) {
        long m = (long) mask;
        return ev -> {
            for (Object v : values(ev, field)) {
                Double n = v instanceof Number x ? Double.valueOf(x.doubleValue()) : Literal.number(String.valueOf(v));
                if (n == null) {
                    continue;
                }
                long and = n.longValue() & m;
                if (op == null ? and != 0 : test(and, op, value)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** {@code field matches "regex"} ({@code ~}): any value in which the expression is found, case-sensitively as Wireshark's. */
    private static Node matches(String field, java.util.regex.Pattern p) {
        return ev -> {
            for (Object v : values(ev, field)) {
                if (Budget.find(p, String.valueOf(v))) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * A regular expression's search with a bound on the characters it may read: an expression that backtracks without
     * end on a long value gives up (no match) instead of holding the filter for ever.
     */
    private static final class Budget implements CharSequence {
        private static final long STEPS = 1_000_000;
        private final String s;
        private final long[] left;

        private Budget(String s, long[] left) {
            this.s = s;
            this.left = left;
        }

        static boolean find(java.util.regex.Pattern p, String s) {
            try {
                return p.matcher(new Budget(s, new long[] {STEPS})).find();
            } catch (IllegalStateException | StackOverflowError e) {
                return false;
            }
        }

        @Override
        public char charAt(int i) {
            if (--left[0] < 0) {
                throw new IllegalStateException("regular expression budget spent");
            }
            return s.charAt(i);
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budget(s.substring(start, end), left);
        }

        @Override
        public String toString() {
            return s;
        }
    }

    /** The values a field name reaches in the events: list elements one by one; a protocol name yields its events. */
    private static List<Object> values(View frame, String field) {
        String lower = field.toLowerCase(Locale.ROOT);
        if (LAYER_FIELDS.contains(lower)) {
            return frame.layers() != null ? frame.layers().values(lower) : List.of();
        }
        Alias alias = ALIASES.get(lower);
        if (alias != null) {
            return alias.values(frame.events());
        }
        if (lower.startsWith("ntlmssp.")) {
            field = "ntlm" + field.substring("ntlmssp".length()); // Wireshark's protocol name for NTLM's messages
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

    /**
     * A Wireshark field name that names an event field under another name ({@code http.response.code} for
     * {@code http.status}), of the events of one kind only ({@code http.request.method}: the requests', not the method a
     * response event repeats), its value converted where Wireshark's differs ({@code kerberos.msg_type == 30} for a
     * KRB-ERROR); a null field: the event itself ({@code http.request}).
     */
    private record Alias(String protocol, String kindField, String kind, String field, Map<String, Integer> codes) {
        List<Object> values(List<Event> events) {
            List<Object> out = new ArrayList<>(1);
            for (Event e : events) {
                if (!e.protocol().equals(protocol) || kind != null && !kind.equals(String.valueOf(e.fields().get(kindField)))) {
                    continue;
                }
                Object v = field == null ? Boolean.TRUE : e.fields().get(field);
                if (v != null && codes != null) {
                    v = codes.get(String.valueOf(v));
                }
                if (v instanceof List<?> l) {
                    out.addAll(l);
                } else if (v != null) {
                    out.add(v);
                }
            }
            return out;
        }
    }

    private static Alias alias(String protocol, String kind, String field) {
        return new Alias(protocol, "kind", kind, field, null);
    }

    /** Wireshark's names of the messages' fields, as Wireshark spells them, with the event fields they read. */
    private static final Map<String, Alias> WIRESHARK = Map.ofEntries(
            Map.entry("http.request", alias("http", "request", null)),
            Map.entry("http.response", alias("http", "response", null)),
            Map.entry("http.request.method", alias("http", "request", "method")),
            Map.entry("http.request.uri", alias("http", "request", "uri")),
            Map.entry("http.request.version", alias("http", "request", "version")),
            Map.entry("http.response.code", alias("http", "response", "status")),
            Map.entry("http.response.phrase", alias("http", "response", "reason")),
            Map.entry("http.response.version", alias("http", "response", "version")),
            Map.entry("kerberos.msg_type", new Alias("kerberos", null, null, "msgType", Map.of("AS-REQ", 10, "AS-REP", 11,
                    "TGS-REQ", 12, "TGS-REP", 13, "AP-REQ", 14, "AP-REP", 15, "KRB-ERROR", 30))),
            Map.entry("kerberos.CNameString", alias("kerberos", null, "cname")),
            Map.entry("ntlmssp", new Alias("ntlm", null, null, null, null)),
            Map.entry("ntlmssp.messagetype", new Alias("ntlm", null, null, "messageType", Map.of("NEGOTIATE", 1,
                    "CHALLENGE", 2, "AUTHENTICATE", 3))),
            Map.entry("ntlmssp.auth.username", new Alias("ntlm", "messageType", "AUTHENTICATE", "user", null)),
            Map.entry("ntlmssp.auth.domain", new Alias("ntlm", "messageType", "AUTHENTICATE", "domain", null)),
            Map.entry("ntlmssp.auth.hostname", new Alias("ntlm", "messageType", "AUTHENTICATE", "workstation", null)),
            Map.entry("dns.qry.name", alias("dns", null, "name")),
            Map.entry("dns.qry.type", alias("dns", null, "type")),
            Map.entry("dns.flags.rcode", alias("dns", "response", "rcode")),
            Map.entry("dns.flags.response", new Alias("dns", null, null, "kind", Map.of("query", 0, "response", 1))),
            Map.entry("tls.handshake.extensions_server_name", alias("tls", null, "sni")));

    /** The same, by lower-case name: field names are compared without regard to case. */
    private static final Map<String, Alias> ALIASES = lowerCase(WIRESHARK);

    private static Map<String, Alias> lowerCase(Map<String, Alias> m) {
        Map<String, Alias> out = new java.util.HashMap<>();
        m.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return Map.copyOf(out);
    }

    /** The Wireshark names of the messages' fields the filter reads under another name ({@code http.response.code} …). */
    public static final java.util.Set<String> WIRESHARK_NAMES = WIRESHARK.keySet();

    /** Whether {@code name} is one of the {@link #WIRESHARK_NAMES}, in any case. */
    public static boolean isWiresharkName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return ALIASES.containsKey(lower);
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
