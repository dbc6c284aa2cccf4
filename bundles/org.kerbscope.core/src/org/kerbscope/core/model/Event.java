package org.kerbscope.core.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A typed, protocol-neutral fact a dissector found: "frame 12 is a TGS-REQ for HTTP/web", "frame 14 is a 401
 * offering Negotiate and NTLM". Events are what checks and the flow read, and what {@code kerbscope analyze}
 * prints: {@link #protocol()} names the JSON array ({@code kerberos}, {@code http}, {@code ntlm}, {@code dns},
 * or a plug-in's own) and {@link #fields()} holds that array's fields by their contract names (see
 * ANALYSIS-JSON.md), values being String, Number, Boolean, List or Map.
 * <p>
 * A capture of gigabytes holds hundreds of thousands of events, so an event keeps its fields as one flat array
 * of names and values in the order they were given (about a fifth of the memory of a hash map; a field is found
 * by a short scan, names being the dissectors' string constants). Immutable.
 */
public final class Event {
    private final String protocol;
    private final long frame;
    private final long timeNanos;
    private final Endpoint src;
    private final Endpoint dst;
    /** name0, value0, name1, value1, … (names are never null). */
    private final Object[] fields;

    public Event(String protocol, long frame, long timeNanos, Endpoint src, Endpoint dst,
            Map<String, Object> fields) {
        this(protocol, frame, timeNanos, src, dst, fields, java.util.function.UnaryOperator.identity());
    }

    /**
     * @param canonical applied to each value as it is stored: lets the reader of a large capture keep one copy of
     *                  values that recur in thousands of events (host names, realms, addresses)
     */
    public Event(String protocol, long frame, long timeNanos, Endpoint src, Endpoint dst,
            Map<String, Object> fields, java.util.function.UnaryOperator<Object> canonical) {
        this.protocol = protocol;
        this.frame = frame;
        this.timeNanos = timeNanos;
        this.src = src;
        this.dst = dst;
        Object[] kv = new Object[fields.size() * 2];
        int i = 0;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (e.getKey() != null && i < kv.length) {
                kv[i++] = e.getKey();
                kv[i++] = canonical.apply(e.getValue());
            }
        }
        this.fields = i == kv.length ? kv : java.util.Arrays.copyOf(kv, i);
    }

    /** From a flat name/value array as {@link EventList} stores it (taken, not copied). */
    Event(String protocol, long frame, long timeNanos, Endpoint src, Endpoint dst, Object[] kv) {
        this.protocol = protocol;
        this.frame = frame;
        this.timeNanos = timeNanos;
        this.src = src;
        this.dst = dst;
        this.fields = kv;
    }

    public String protocol() { return protocol; }
    public long frame() { return frame; }
    public long timeNanos() { return timeNanos; }
    public Endpoint src() { return src; }
    public Endpoint dst() { return dst; }

    /** The fields in the order the dissector gave them; read-only. */
    public Map<String, Object> fields() {
        return new Fields(fields);
    }

    /** How many fields there are (for walking them without a map view: {@link #fieldName}, {@link #fieldValue}). */
    public int fieldCount() {
        return fields.length / 2;
    }

    /** The name of field {@code i} (0 ≤ i &lt; {@link #fieldCount()}), in the order the dissector gave them. */
    public String fieldName(int i) {
        return (String) fields[2 * i];
    }

    public Object fieldValue(int i) {
        return fields[2 * i + 1];
    }

    /** One field's value, or null. */
    public Object get(String field) {
        Object[] kv = fields;
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i] == field) {
                return kv[i + 1];
            }
        }
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals(field)) {
                return kv[i + 1];
            }
        }
        return null;
    }

    public String string(String field) {
        Object v = get(field);
        return v == null ? null : v.toString();
    }

    public int integer(String field, int dflt) {
        return get(field) instanceof Number n ? n.intValue() : dflt;
    }

    public boolean is(String field, Object expected) {
        Object v = get(field);
        return v != null && v.equals(expected);
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String field) {
        return get(field) instanceof List<?> l ? (List<Object>) l : List.of();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && e.frame == frame && e.timeNanos == timeNanos && e.protocol.equals(protocol)
                && Objects.equals(e.src, src) && Objects.equals(e.dst, dst)
                && java.util.Arrays.equals(e.fields, fields);
    }

    /** From the identity of the message only (protocol, frame, time, endpoints): cheap, and equal events agree. */
    @Override
    public int hashCode() {
        return Objects.hash(protocol, frame, timeNanos, src, dst);
    }

    @Override
    public String toString() {
        return "Event[protocol=" + protocol + ", frame=" + frame + ", timeNanos=" + timeNanos + ", src=" + src
                + ", dst=" + dst + ", fields=" + fields() + "]";
    }

    /** A read-only, ordered map over the flat array. */
    private static final class Fields extends AbstractMap<String, Object> {
        private final Object[] kv;

        Fields(Object[] kv) {
            this.kv = kv;
        }

        @Override
        public int size() {
            return kv.length / 2;
        }

        @Override
        public boolean containsKey(Object key) {
            for (int i = 0; i < kv.length; i += 2) {
                if (kv[i].equals(key)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Object get(Object key) {
            for (int i = 0; i < kv.length; i += 2) {
                if (kv[i].equals(key)) {
                    return kv[i + 1];
                }
            }
            return null;
        }

        @Override
        public java.util.Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return kv.length / 2;
                }

                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int i;

                        @Override
                        public boolean hasNext() {
                            return i < kv.length;
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (i >= kv.length) {
                                throw new NoSuchElementException();
                            }
                            Entry<String, Object> e = new SimpleImmutableEntry<>((String) kv[i], kv[i + 1]);
                            i += 2;
                            return e;
                        }
                    };
                }
            };
        }
    }
}
