package org.kerbscope.core.model;

import java.util.Collections;
import java.util.Map;

/**
 * One record of outside evidence: a Security event, a klist ticket, a DNS answer, a port test, an SPN
 * listing… {@link #section()} names its array under {@code evidence} in the JSON ({@code events},
 * {@code tickets}, {@code dns}, {@code portTests}, {@code spns}, {@code webRequests}, {@code audit}), and
 * {@link #fields()} holds that array's fields by their contract names.
 */
public record EvidenceItem(String section, String file, Map<String, Object> fields) {
    public EvidenceItem {
        fields = Collections.unmodifiableMap(fields);
    }

    public String string(String field) {
        Object v = fields.get(field);
        return v == null ? null : v.toString();
    }
}
