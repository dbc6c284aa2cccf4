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

    /**
     * A Windows event's address (IpAddress) as a capture writes it: the IPv4-mapped form "::ffff:192.168.2.101" is
     * 192.168.2.101; null where Windows wrote nothing ("-", empty).
     */
    public static String address(Object ip) {
        String s = ip == null ? "" : ip.toString().trim();
        if (s.isEmpty() || "-".equals(s)) {
            return null;
        }
        return s.regionMatches(true, 0, "::ffff:", 0, 7) && s.indexOf('.') > 0 ? s.substring(7) : s;
    }
}
