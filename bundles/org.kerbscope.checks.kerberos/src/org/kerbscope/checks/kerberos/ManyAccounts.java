package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;

/**
 * When a Security log shows the same failure for many accounts (a password spray, user enumeration, a policy that
 * locked a whole department out), one finding per account would bury everything else: past {@link #MANY} accounts
 * the checks raise one finding for all of them, naming the accounts and the addresses the attempts came from.
 */
final class ManyAccounts {
    /** More accounts than this failing the same way are one finding. */
    static final int MANY = 10;
    /** Records cited as evidence. */
    static final int CITED = 20;

    private ManyAccounts() {
    }

    /** The first records of all the groups, in file order, for the finding's evidence. */
    static List<EvidenceItem> cited(Map<String, List<EvidenceItem>> groups) {
        List<EvidenceItem> all = new ArrayList<>();
        groups.values().forEach(all::addAll);
        all.sort(Comparator.comparing(EvidenceItem::file).thenComparingLong(ManyAccounts::record));
        return all.subList(0, Math.min(CITED, all.size()));
    }

    private static long record(EvidenceItem ev) {
        return ev.fields().get("recordId") instanceof Number n ? n.longValue() : 0;
    }

    static int records(Map<String, List<EvidenceItem>> groups) {
        return groups.values().stream().mapToInt(List::size).sum();
    }

    /**
     * "… for 46 accounts: test1 (3), test2 (1), … From 10.23.23.9 (46). …": the accounts with most events first
     * (at most 30 named), then the addresses the events name.
     */
    static String explanation(String what, String noun, Map<String, List<EvidenceItem>> groups,
            Function<EvidenceItem, String> source) {
        List<Map.Entry<String, List<EvidenceItem>>> byCount = new ArrayList<>(groups.entrySet());
        byCount.sort((x, y) -> Integer.compare(y.getValue().size(), x.getValue().size()));
        StringBuilder b = new StringBuilder("The Security log holds " + records(groups) + " events of " + what + " for "
                + groups.size() + " " + noun + ": ");
        for (int i = 0; i < Math.min(30, byCount.size()); i++) {
            b.append(i == 0 ? "" : ", ").append(byCount.get(i).getKey()).append(" (").append(byCount.get(i).getValue().size())
                    .append(')');
        }
        if (byCount.size() > 30) {
            b.append(" and ").append(byCount.size() - 30).append(" more");
        }
        Map<String, Integer> sources = new LinkedHashMap<>();
        for (List<EvidenceItem> l : groups.values()) {
            for (EvidenceItem ev : l) {
                String s = source.apply(ev);
                if (s != null) {
                    sources.merge(s, 1, Integer::sum);
                }
            }
        }
        if (!sources.isEmpty()) {
            List<Map.Entry<String, Integer>> s = new ArrayList<>(sources.entrySet());
            s.sort((x, y) -> Integer.compare(y.getValue(), x.getValue()));
            b.append(". From ");
            for (int i = 0; i < Math.min(10, s.size()); i++) {
                b.append(i == 0 ? "" : ", ").append(s.get(i).getKey()).append(" (").append(s.get(i).getValue()).append(')');
            }
            if (s.size() > 10) {
                b.append(" and ").append(s.size() - 10).append(" more addresses");
            }
        }
        return b.append(noun.equals("accounts") ? ". Many accounts failing the same way from few addresses is password"
                + " spraying or user enumeration rather than one user's problem; if they are real users, look for what"
                + " they share (a policy, a changed password, a service that uses their names)." : ". Many "
                + noun + " failing the same way from one client is often a scan (SPN enumeration); from many clients, a"
                + " change that affected them all (an account deleted or renamed, SPNs removed).").toString();
    }

    /** The address an event names (IpAddress, or 4776's Workstation), without Windows' "-" and ::ffff: prefix. */
    static String source(EvidenceItem ev) {
        if (!(ev.fields().get("data") instanceof Map<?, ?> d)) {
            return null;
        }
        String ip = EvidenceItem.address(d.get("IpAddress"));
        if (ip == null) {
            String ws = EventFields.named(d.get("Workstation"));
            return ws == null ? null : "workstation " + ws;
        }
        return ip;
    }

    /** Cites the records as "event 4768 record N at T: …", the line each check writes. */
    static void cite(FindingBuilder f, List<EvidenceItem> records, Function<EvidenceItem, String> line) {
        for (EvidenceItem ev : records) {
            f.file(ev.file(), line.apply(ev));
        }
    }
}
