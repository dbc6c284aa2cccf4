package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;

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

    /** The Security events of the analysis, and where each event id's lie among them. */
    private record ById(List<EvidenceItem> all, Map<Integer, List<Integer>> positions) {
    }

    /**
     * The Security events with one of these ids, in file order. The events are filed by id once per analysis:
     * a dozen checks each ask for theirs, and a domain controller's log holds millions.
     */
    static List<EvidenceItem> events(Analysis a, int... ids) {
        ById index = a.index("checks.securityEventsById", () -> {
            List<EvidenceItem> all = a.evidence("events");
            Map<Integer, List<Integer>> positions = new HashMap<>();
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).fields().get("eventId") instanceof Number n) {
                    positions.computeIfAbsent(n.intValue(), k -> new ArrayList<>()).add(i);
                }
            }
            return new ById(all, positions);
        });
        List<Integer> at = new ArrayList<>();
        for (int id : ids) {
            at.addAll(index.positions().getOrDefault(id, List.of()));
        }
        if (ids.length > 1) {
            at.sort(null);
        }
        List<EvidenceItem> out = new ArrayList<>(at.size());
        for (int i : at) {
            out.add(index.all().get(i));
        }
        return out;
    }

    /**
     * The Kerberos events (4768, 4769, 4771) whose Status or Failure Code is {@code status}, in file order, filed by
     * code once per analysis (each Security-log check asks for one code).
     */
    static List<EvidenceItem> kerberosFailures(Analysis a, String status) {
        return kerberosFailuresByCode(a).getOrDefault(number(status), List.of());
    }

    /** The failure codes of the Kerberos events (4768, 4769, 4771) in the evidence, in increasing order. */
    static List<Long> kerberosFailureCodes(Analysis a) {
        return kerberosFailuresByCode(a).keySet().stream().sorted().toList();
    }

    private static Map<Long, List<EvidenceItem>> kerberosFailuresByCode(Analysis a) {
        return a.index("checks.kerberosFailuresByCode", () -> {
            Map<Long, List<EvidenceItem>> m = new HashMap<>();
            for (EvidenceItem ev : events(a, 4768, 4769, 4771)) {
                if (ev.fields().get("data") instanceof Map<?, ?> d) {
                    Long code = number(d.containsKey("Status") ? d.get("Status") : d.get("FailureCode"));
                    if (code != null && code != 0) {
                        m.computeIfAbsent(code, k -> new ArrayList<>()).add(ev);
                    }
                }
            }
            return m;
        });
    }

    /**
     * The failed logons (4625, 4776) whose reason ({@code reason}) is one of {@code reasons}, in file order, filed by
     * reason once per analysis.
     */
    static List<EvidenceItem> logonFailures(Analysis a, java.util.Collection<String> reasons,
            java.util.function.Function<EvidenceItem, String> reason) {
        record Filed(List<EvidenceItem> all, Map<String, List<Integer>> positions) {
        }
        Filed filed = a.index("checks.logonFailuresByReason", () -> {
            List<EvidenceItem> all = events(a, 4625, 4776);
            Map<String, List<Integer>> positions = new HashMap<>();
            for (int i = 0; i < all.size(); i++) {
                String r = reason.apply(all.get(i));
                if (r != null) {
                    positions.computeIfAbsent(r, k -> new ArrayList<>()).add(i);
                }
            }
            return new Filed(all, positions);
        });
        List<Integer> at = new ArrayList<>();
        for (String r : reasons) {
            at.addAll(filed.positions().getOrDefault(r, List.of()));
        }
        at.sort(null);
        List<EvidenceItem> out = new ArrayList<>(at.size());
        for (int i : at) {
            out.add(filed.all().get(i));
        }
        return out;
    }
}
