package org.kerbscope.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.kerbscope.core.registry.DissectorContribution;

/**
 * The user's decode-as rules, as Wireshark's "Decode As" (one per line or option): {@code TABLE=KEY:PROTOCOL}, e.g.
 * {@code udp.port=60088:kerberos} for a KDC on a port of its own. A rule is checked against the dissectors installed,
 * so that a mistyped protocol, table or port is said at once instead of leaving the traffic undissected in silence.
 */
public final class DecodeAsRules {
    private DecodeAsRules() {
    }

    /**
     * The rules as {@link org.kerbscope.core.spi.AnalysisOptions#decodeAs()} holds them ({@code "udp.port=60088" ->
     * "kerberos"}), in the order given (a later rule for the same table and key wins).
     *
     * @throws IllegalArgumentException with {@link #problem}'s words for the first rule that cannot be applied
     */
    public static Map<String, String> parse(List<String> rules, List<DissectorContribution> dissectors) {
        return collect(rules, dissectors, true);
    }

    /**
     * The rules that can be applied, as {@link #parse}; the others are passed over (stored rules, where a plug-in
     * may have been uninstalled since they were typed).
     */
    public static Map<String, String> applicable(List<String> rules, List<DissectorContribution> dissectors) {
        return collect(rules, dissectors, false);
    }

    private static Map<String, String> collect(List<String> rules, List<DissectorContribution> dissectors,
            boolean strict) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String rule : rules) {
            String p = problem(rule, dissectors);
            if (p != null) {
                if (strict) {
                    throw new IllegalArgumentException(p);
                }
                continue;
            }
            Rule r = Rule.of(rule);
            // the tables key ports without leading zeros
            String key = r.table().endsWith(".port") ? Integer.toString(Integer.parseInt(r.key())) : r.key();
            parsed.put(r.table() + "=" + key, r.protocol());
        }
        return parsed;
    }

    /** A rule's three parts, stripped; null when the text does not have the shape TABLE=KEY:PROTOCOL. */
    private record Rule(String table, String key, String protocol) {
        static Rule of(String rule) {
            String r = rule == null ? "" : rule.strip();
            int c = r.lastIndexOf(':');
            int eq = r.indexOf('=');
            if (c < 0 || eq < 0 || eq > c) {
                return null;
            }
            Rule parts = new Rule(r.substring(0, eq).strip(), r.substring(eq + 1, c).strip(), r.substring(c + 1).strip());
            return parts.table().isEmpty() || parts.key().isEmpty() || parts.protocol().isEmpty() ? null : parts;
        }
    }

    /** What is wrong with one rule, in words that start with the rule quoted; null when it can be applied. */
    public static String problem(String rule, List<DissectorContribution> dissectors) {
        String r = rule == null ? "" : rule.strip();
        Rule parts = Rule.of(r);
        if (parts == null) {
            return "'" + r + "' is not TABLE=KEY:PROTOCOL (e.g. udp.port=60088:kerberos)";
        }
        String table = parts.table();
        String key = parts.key();
        String protocol = parts.protocol();
        TreeSet<String> ids = new TreeSet<>();
        TreeSet<String> tables = new TreeSet<>();
        for (DissectorContribution d : dissectors) {
            ids.add(d.id());
            for (Map.Entry<String, String> t : d.tables()) {
                tables.add(t.getKey());
            }
        }
        if (!ids.contains(protocol)) {
            return "'" + r + "': no dissector '" + protocol + "' is installed (" + String.join(", ", ids) + ")";
        }
        if (!tables.contains(table)) {
            return "'" + r + "': no table '" + table + "' (" + String.join(", ", tables) + ")";
        }
        if (table.endsWith(".port") && !isPort(key)) {
            return "'" + r + "': a port is a number from 0 to 65535, not '" + key + "'";
        }
        return null;
    }

    private static boolean isPort(String s) {
        if (s.isEmpty() || s.length() > 5) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(s) <= 65535;
    }
}
