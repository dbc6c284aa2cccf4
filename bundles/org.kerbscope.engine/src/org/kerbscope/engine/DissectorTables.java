package org.kerbscope.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.registry.DissectorContribution;

/**
 * Wireshark's dissector tables, built from the contributions: exact entries keyed by (table, key) and the
 * heuristic lists. The user's decode-as rules ({@code udp.port=60088 → kerberos}) come first.
 */
public final class DissectorTables {
    private final Map<String, Map<String, DissectorContribution>> tables = new HashMap<>();
    private final Map<String, List<DissectorContribution>> heuristics = new HashMap<>();
    private final Map<String, DissectorContribution> byId = new HashMap<>();

    public DissectorTables(List<DissectorContribution> dissectors, Map<String, String> decodeAs) {
        for (DissectorContribution d : dissectors) {
            byId.putIfAbsent(d.id(), d);
            for (Map.Entry<String, String> t : d.tables()) {
                tables.computeIfAbsent(t.getKey(), k -> new HashMap<>()).putIfAbsent(t.getValue(), d);
            }
            for (String h : d.heuristics()) {
                heuristics.computeIfAbsent(h, k -> new ArrayList<>()).add(d);
            }
        }
        // decode-as: "udp.port=60088" -> "kerberos" overrides whatever the plug-ins registered there
        for (Map.Entry<String, String> rule : decodeAs.entrySet()) {
            String[] tk = rule.getKey().split("=", 2);
            DissectorContribution d = byId.get(rule.getValue());
            if (tk.length == 2 && d != null) {
                tables.computeIfAbsent(tk[0].trim(), k -> new HashMap<>()).put(tk[1].trim(), d);
            }
        }
    }

    public DissectorContribution lookup(String table, String key) {
        Map<String, DissectorContribution> t = tables.get(table);
        return t == null ? null : t.get(key);
    }

    public List<DissectorContribution> heuristics(String table) {
        return heuristics.getOrDefault(table, List.of());
    }

    public DissectorContribution byId(String id) {
        return byId.get(id);
    }

    /** Whether anything is registered for this port in the table (fast rejection of bulk traffic). */
    public boolean hasPort(String table, int port) {
        Map<String, DissectorContribution> t = tables.get(table);
        return t != null && t.containsKey(Integer.toString(port));
    }
}
