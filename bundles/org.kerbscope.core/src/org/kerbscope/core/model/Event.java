package org.kerbscope.core.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A typed, protocol-neutral fact a dissector found: "frame 12 is a TGS-REQ for HTTP/web", "frame 14 is a 401
 * offering Negotiate and NTLM". Events are what checks and the flow read, and what {@code kerbscope analyze}
 * prints: {@link #protocol()} names the JSON array ({@code kerberos}, {@code http}, {@code ntlm}, {@code dns},
 * or a plug-in's own) and {@link #fields()} holds that array's fields by their contract names (see
 * ANALYSIS-JSON.md), values being String, Number, Boolean, List or Map.
 */
public record Event(String protocol, long frame, long timeNanos, Endpoint src, Endpoint dst,
        Map<String, Object> fields) {

    public Event {
        fields = Collections.unmodifiableMap(fields);
    }

    public String string(String field) {
        Object v = fields.get(field);
        return v == null ? null : v.toString();
    }

    public int integer(String field, int dflt) {
        return fields.get(field) instanceof Number n ? n.intValue() : dflt;
    }

    public boolean is(String field, Object expected) {
        Object v = fields.get(field);
        return v != null && v.equals(expected);
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String field) {
        return fields.get(field) instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
