package org.kerbscope.core.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The caps a user may raise (or lower) for one analysis, by name. Each one bounds the memory or the work that a
 * huge or hostile input could otherwise make unbounded; reaching one is reported as a diagnostic that names the
 * cap and says how to raise it ({@link #reached(String, long)}), never as an error. Caps that only guard against
 * malformed input (a DER or Binary XML nesting deeper than any real message, a DNS compression-pointer loop) stay
 * constants in their components: no valid input needs more.
 *
 * @param values every known limit by name; names missing from the map take their default
 */
public record Limits(Map<String, Long> values) {

    /** Largest PDU the engine buffers from one stream direction before it reports and skips it (bytes). */
    public static final String PDU_MAX_BYTES = "pdu.max-bytes";
    /** Out-of-order bytes one TCP direction may hold while it waits for a missing segment (bytes). */
    public static final String TCP_STREAM_BUFFER = "tcp.stream-buffer";
    /** Out-of-order bytes all TCP connections together may hold (bytes). */
    public static final String TCP_TOTAL_BUFFER = "tcp.total-buffer";
    /** TCP connections tracked at once; the least recently active are forgotten beyond it. */
    public static final String TCP_CONNECTIONS = "tcp.connections";
    /**
     * TCP handshake facts (SYN, SYN/ACK, RST, FIN of the connections to a service's port or read by a dissector) an
     * analysis keeps for the connect step; beyond it, a SYN flood's later ones are dropped.
     */
    public static final String TCP_HANDSHAKES = "tcp.handshakes";
    /** Bytes of incomplete IP datagrams (fragment queues) held at once (bytes). */
    public static final String IP_FRAGMENT_BYTES = "ip.fragment-bytes";
    /** Capture time an incomplete IP datagram waits for its missing fragments (seconds). */
    public static final String IP_FRAGMENT_TIMEOUT = "ip.fragment-timeout";
    /** Authentication attempts checked per capture; later ones (in frame order) are dropped and counted. */
    public static final String ATTEMPTS_MAX = "attempts.max";
    /**
     * Heap that the messages read (the JSON document's event arrays) may hold as objects (bytes, estimated; by default
     * a quarter of the Java heap); beyond it they go to temporary files and are read back from there. Nothing is
     * lost: reaching it costs some speed only, so no diagnostic reports it.
     */
    public static final String EVENTS_HEAP = "events.heap";
    /**
     * Disk that those temporary files may take at once (bytes; by default no bound but the disk's). A file that would
     * pass it, or that the disk refuses (full), keeps the rest of its messages in memory, compactly; a diagnostic
     * says so.
     */
    public static final String EVENTS_DISK = "events.disk";
    /** The value of a size limit that has no bound ({@code events.disk} by default). */
    public static final long UNBOUNDED = Long.MAX_VALUE / 4;

    /**
     * One named limit.
     *
     * @param description a few words for the CLI help (at most 46 characters, so that a line fits 80 columns)
     * @param bytes whether the value is a size in bytes (then the CLI also takes the suffixes K, M and G)
     */
    public record Limit(String name, long defaultValue, long min, long max, boolean bytes, String description) {
    }

    private static final List<Limit> CATALOG = List.of(
            new Limit(PDU_MAX_BYTES, 16L << 20, 1, Integer.MAX_VALUE, true,
                    "largest PDU read from one TCP direction"),
            new Limit(TCP_STREAM_BUFFER, 4L << 20, 0, Integer.MAX_VALUE, true,
                    "out-of-order bytes held per TCP direction"),
            new Limit(TCP_TOTAL_BUFFER, 64L << 20, 0, Long.MAX_VALUE / 4, true,
                    "out-of-order bytes held over all connections"),
            new Limit(TCP_CONNECTIONS, 200_000, 1, Integer.MAX_VALUE, false,
                    "TCP connections tracked at once"),
            new Limit(TCP_HANDSHAKES, 500_000, 0, Integer.MAX_VALUE, false,
                    "SYN/SYN-ACK/RST/FIN facts kept"),
            new Limit(IP_FRAGMENT_BYTES, 8L << 20, 0, Long.MAX_VALUE / 4, true,
                    "bytes of incomplete IP datagrams held"),
            new Limit(IP_FRAGMENT_TIMEOUT, 60, 1, 365L * 24 * 3600, false,
                    "seconds a fragmented datagram may wait"),
            new Limit(ATTEMPTS_MAX, 100_000, 0, Integer.MAX_VALUE, false,
                    "authentication attempts checked per capture"),
            new Limit(EVENTS_HEAP, quarterOfTheHeap(), 0, UNBOUNDED, true,
                    "heap for messages before a temporary file"),
            new Limit(EVENTS_DISK, UNBOUNDED, 0, UNBOUNDED, true,
                    "disk for those files (none: the disk's)"));

    /**
     * The default of {@link #EVENTS_HEAP}: a quarter of the Java heap (in whole MiB, at least 16 MiB), so that a
     * tight heap ({@code -Xmx512m}: 128 MiB) leaves room for the rest of the analysis and a large one holds more.
     */
    private static long quarterOfTheHeap() {
        long max = Runtime.getRuntime().maxMemory();
        return max == Long.MAX_VALUE ? 512L << 20 : Math.max(16L << 20, (max / 4) >> 20 << 20);
    }

    private static final Limits DEFAULTS = new Limits(Map.of());

    /** Fills in defaults and refuses unknown names and values out of range. */
    public Limits {
        Map<String, Long> all = new LinkedHashMap<>();
        for (Limit l : CATALOG) {
            all.put(l.name(), l.defaultValue());
        }
        for (Map.Entry<String, Long> e : values.entrySet()) {
            Limit l = describe(e.getKey());
            if (l == null) {
                throw new IllegalArgumentException(unknown(e.getKey()));
            }
            long v = e.getValue();
            if (v < l.min() || v > l.max()) {
                throw new IllegalArgumentException("the limit " + l.name() + " must be between " + l.min() + " and "
                        + l.max() + ", not " + v);
            }
            all.put(l.name(), v);
        }
        values = java.util.Collections.unmodifiableMap(all);
    }

    /** Every limit at its default. */
    public static Limits defaults() {
        return DEFAULTS;
    }

    /** Every known limit, in the order the CLI help lists them. */
    public static List<Limit> catalog() {
        return CATALOG;
    }

    /** The limit of that name, or null. */
    public static Limit describe(String name) {
        for (Limit l : CATALOG) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    /** The known names, comma-separated, for error messages. */
    public static String names() {
        StringBuilder b = new StringBuilder();
        for (Limit l : CATALOG) {
            b.append(b.isEmpty() ? "" : ", ").append(l.name());
        }
        return b.toString();
    }

    private static String unknown(String name) {
        return "unknown limit '" + name + "' (known: " + names() + ")";
    }

    /** The value of a named limit. */
    public long get(String name) {
        Long v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(unknown(name));
        }
        return v;
    }

    /** The value of a limit that must fit an int (those whose maximum is {@link Integer#MAX_VALUE}). */
    public int getInt(String name) {
        return (int) Math.min(Integer.MAX_VALUE, get(name));
    }

    /** These limits with one changed; throws IllegalArgumentException for an unknown name or a value out of range. */
    public Limits with(String name, long value) {
        Map<String, Long> m = new LinkedHashMap<>(values);
        if (describe(name) == null) {
            throw new IllegalArgumentException(unknown(name));
        }
        m.put(name, value);
        return new Limits(m);
    }

    /** The limits whose value is not the default, by name (what a report may show the user chose). */
    public Map<String, Long> changed() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Limit l : CATALOG) {
            long v = values.get(l.name());
            if (v != l.defaultValue()) {
                m.put(l.name(), v);
            }
        }
        return m;
    }

    /**
     * Reads {@code NAME=VALUE} as the CLI takes it: a decimal value, with {@code _} allowed between digits and, for
     * byte sizes, a suffix K, M or G (KiB, MiB, GiB).
     *
     * @throws IllegalArgumentException with a one-line message for the user
     */
    public Limits parse(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("a limit is set as NAME=VALUE, e.g. " + TCP_STREAM_BUFFER
                    + "=32M, not '" + assignment + "' (known: " + names() + ")");
        }
        String name = assignment.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        Limit l = describe(name);
        if (l == null) {
            throw new IllegalArgumentException(unknown(name));
        }
        String text = assignment.substring(eq + 1).trim().replace("_", "");
        long unit = 1;
        String lower = text.toLowerCase(Locale.ROOT);
        for (String suffix : List.of("ib", "b")) {
            if (l.bytes() && lower.endsWith(suffix) && lower.length() > suffix.length()
                    && "kmg".indexOf(lower.charAt(lower.length() - suffix.length() - 1)) >= 0) {
                lower = lower.substring(0, lower.length() - suffix.length());
                break;
            }
        }
        if (l.bytes() && !lower.isEmpty() && "kmg".indexOf(lower.charAt(lower.length() - 1)) >= 0) {
            unit = 1L << (10 * ("kmg".indexOf(lower.charAt(lower.length() - 1)) + 1));
            lower = lower.substring(0, lower.length() - 1);
        }
        long v;
        try {
            // "none": no bound, where the limit allows it (events.disk by default)
            v = l.bytes() && lower.equals("none") && l.max() == UNBOUNDED ? UNBOUNDED
                    : Math.multiplyExact(Long.parseLong(lower), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("the limit " + name + " wants a whole number"
                    + (l.bytes() ? " of bytes (suffixes K, M, G allowed)" : "") + ", not '" + text + "'");
        }
        return with(name, v);
    }

    /** A value as the user reads it: {@code 16 MiB}, {@code 256 KiB}, {@code 100000}. */
    public static String format(String name, long value) {
        Limit l = describe(name);
        if (l != null && l.bytes() && value >= UNBOUNDED) {
            return "none";
        }
        if (l != null && l.bytes() && value > 0) {
            if (value % (1L << 30) == 0) {
                return (value >> 30) + " GiB";
            }
            if (value % (1L << 20) == 0) {
                return (value >> 20) + " MiB";
            }
            if (value % (1L << 10) == 0) {
                return (value >> 10) + " KiB";
            }
            return value + " bytes";
        }
        return Long.toString(value);
    }

    /**
     * The words a diagnostic ends with when a limit was reached: which limit, and the option that raises it, e.g.
     * {@code the limit tcp.stream-buffer (4 MiB) was reached; raise it with --limit tcp.stream-buffer=8M}.
     */
    public static String reached(String name, long value) {
        Limit l = describe(name);
        long max = l != null ? l.max() : Long.MAX_VALUE;
        long twice = value <= 0 ? 1 : value > max / 2 ? max : value * 2;
        String suggestion;
        if (l != null && l.bytes() && twice % (1L << 30) == 0) {
            suggestion = (twice >> 30) + "G";
        } else if (l != null && l.bytes() && twice % (1L << 20) == 0) {
            suggestion = (twice >> 20) + "M";
        } else if (l != null && l.bytes() && twice % (1L << 10) == 0) {
            suggestion = (twice >> 10) + "K";
        } else {
            suggestion = Long.toString(twice);
        }
        return "the limit " + name + " (" + format(name, value) + ") was reached; raise it with --limit " + name + "="
                + suggestion;
    }
}
