package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * A finding raised from the domain controller's Security log alone: Kerberos events (4768/4769/4771) whose
 * status is a given Kerberos error code, one finding per account (or per service, {@link #key}), citing the records.
 */
abstract class EventStatusCheck implements Check {

    /** Which events carry the status, and what the findings are grouped by. */
    enum Scope {
        /** 4768, 4769 and 4771, by the account. */
        ACCOUNTS,
        /** The TGT's events alone (4768, 4771), by the account: 4769's 0x17 is another field's RC4. */
        TGT_ACCOUNTS,
        /** 4769, by the Service Name (the SPN asked for). */
        SERVICES
    }

    private final String id;
    private final String status;
    private final String errorName;
    private final Step step;
    private final Scope scope;

    /**
     * @param status    the status/failure code as Windows writes it, e.g. {@code 0x6}
     * @param errorName the Kerberos error's name, e.g. KDC_ERR_C_PRINCIPAL_UNKNOWN
     */
    EventStatusCheck(String id, String status, String errorName, Step step, Scope scope) {
        this.id = id;
        this.status = status;
        this.errorName = errorName;
        this.step = step;
        this.scope = scope;
    }

    final String id() {
        return id;
    }

    final String status() {
        return status;
    }

    final Step step() {
        return step;
    }

    abstract void describe(String account, List<EvidenceItem> records, FindingBuilder f);

    /** The title of one finding for many accounts (past {@link ManyAccounts#MANY}). */
    String many(int accounts, int records) {
        return accounts + " accounts failed with " + status() + " (" + records + " events)";
    }

    /** The failure in words, e.g. "KDC_ERR_C_PRINCIPAL_UNKNOWN (0x6)". */
    final String what() {
        return errorName + " (" + status + ")";
    }

    /** What the findings are grouped by, in the plural. */
    String noun() {
        return scope == Scope.SERVICES ? "service principals" : "accounts";
    }

    /** How a record is cited. */
    private String line(EvidenceItem ev) {
        Map<?, ?> d = (Map<?, ?>) ev.fields().get("data");
        return "event " + ev.fields().get("eventId") + " record " + ev.fields().get("recordId") + " at "
                + ev.string("time") + ": failure " + status() + " for " + d.get("TargetUserName")
                + (ev.fields().get("eventId") instanceof Number n && n.intValue() == 4769 ? " to " + d.get("ServiceName") : "")
                + " from " + d.get("IpAddress");
    }

    /** Whether an event of this id can carry the status. */
    boolean logs(int eventId) {
        return switch (scope) {
            case ACCOUNTS -> eventId == 4768 || eventId == 4769 || eventId == 4771;
            case TGT_ACCOUNTS -> eventId == 4768 || eventId == 4771;
            case SERVICES -> eventId == 4769;
        };
    }

    /** What the findings are grouped by: the account the KDC answered, or the service asked for. */
    String key(Map<?, ?> data) {
        return scope == Scope.SERVICES ? named(data, "ServiceName", "(not named in the event)")
                : named(data, "TargetUserName", "(not named in the event)");
    }

    /**
     * Whether an event's code is {@code code}, compared as numbers: Windows writes 0x7, some exports 0x00000007 or
     * 0X7.
     */
    static boolean sameCode(String code, Object value) {
        Long n = EventFields.number(value);
        return n != null && n.equals(EventFields.number(code));
    }

    /** An event's field, or {@code otherwise} where Windows left it empty or "-" (refused before it was named). */
    static String named(Map<?, ?> data, String field, String otherwise) {
        String v = EventFields.named(data.get(field));
        return v != null ? v : otherwise;
    }

    @Override
    public void run(Analysis a, FindingSink sink) {
        Map<String, List<EvidenceItem>> byUser = new LinkedHashMap<>();
        for (EvidenceItem ev : EventFields.kerberosFailures(a, status())) {
            if (ev.fields().get("data") instanceof Map<?, ?> d && ev.fields().get("eventId") instanceof Number id
                    && logs(id.intValue())) {
                byUser.computeIfAbsent(key(d), k -> new ArrayList<>()).add(ev);
            }
        }
        if (byUser.size() > ManyAccounts.MANY) {
            FindingBuilder f = new FindingBuilder(id()).step(step());
            ManyAccounts.cite(f, ManyAccounts.cited(byUser), this::line);
            Map.Entry<String, List<EvidenceItem>> first = byUser.entrySet().iterator().next();
            describe(first.getKey(), first.getValue(), f); // for its commands
            sink.report(f.title(many(byUser.size(), ManyAccounts.records(byUser)))
                    .explanation(ManyAccounts.explanation(what(), noun(), byUser, ManyAccounts::source)).build());
            return;
        }
        for (Map.Entry<String, List<EvidenceItem>> en : byUser.entrySet()) {
            FindingBuilder f = new FindingBuilder(id()).step(step());
            ManyAccounts.cite(f, en.getValue().subList(0, Math.min(ManyAccounts.CITED, en.getValue().size())), this::line);
            describe(en.getKey(), en.getValue(), f);
            sink.report(f.build());
        }
    }
}
