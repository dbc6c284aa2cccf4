package org.kerbscope.checks.kerberos;

import java.util.Locale;

/** How the checks read the values Windows writes in events and command output. */
final class EventFields {
    private EventFields() {
    }

    /** A name field's value, or null where Windows left it empty or "-" (a logon refused before it was named). */
    static String named(Object v) {
        return v == null || v.toString().isBlank() || "-".equals(v.toString().trim()) ? null : v.toString().trim();
    }

    /** A code written in hexadecimal (0x7, 0x00000007, 0X7, 0xC000006A) as a number, or null for anything else. */
    static Long number(Object v) {
        if (v == null) {
            return null;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (s.length() < 3 || !s.startsWith("0x")) {
            return null;
        }
        try {
            return Long.parseLong(s.substring(2), 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A hexadecimal code in one spelling (0xc000006a), or null for anything else. */
    static String hex(Object v) {
        Long n = number(v);
        return n == null ? null : "0x" + Long.toHexString(n);
    }
}
