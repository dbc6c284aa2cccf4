package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * A finding raised from a Security log's failed logons: 4625 (an account failed to log on, written by the server
 * the user tried, e.g. IISServer in the guide's step 8) and 4776 (the computer validated NTLM credentials, written
 * by the domain controller or the server that holds the account). The reason is the NTSTATUS in the event: 4625's
 * Sub Status where it has one (it refines the generic 0xC000006D or 0xC000006E Status), otherwise its Status;
 * 4776's Status.
 * Each subclass takes the reasons that mean one account condition and reports it under the id the KDC's own
 * refusal of that condition has, one finding per account.
 */
abstract class LogonFailureEventCheck implements Check {

    private final String id;
    private final Step step;
    private final Map<String, String> reasons;

    /**
     * @param reasons the reasons this check reports (NTSTATUS in lower-case hexadecimal, as Windows writes it:
     *                0xc000006a), each with its meaning in words, in the order they are named
     */
    LogonFailureEventCheck(String id, Step step, Map<String, String> reasons) {
        this.id = id;
        this.step = step;
        this.reasons = reasons;
    }

    final String id() {
        return id;
    }

    final Map<String, String> reasons() {
        return reasons;
    }

    final Step step() {
        return step;
    }

    /** Title, explanation and fix for one account; {@code reasons} are the distinct reasons' texts in order. */
    abstract void describe(String account, List<EvidenceItem> records, List<String> reasons, FindingBuilder f);

    /** 4625's or 4776's reason, or null for another event or a success. */
    static String reason(EvidenceItem ev) {
        if (!(ev.fields().get("data") instanceof Map<?, ?> d) || !(ev.fields().get("eventId") instanceof Number id)) {
            return null;
        }
        if (id.intValue() == 4625) {
            String sub = code(d.get("SubStatus"));
            String status = code(d.get("Status"));
            // Sub Status refines the generic Status (0xC000006D, 0xC000006E) where Windows gives one
            return sub != null ? sub : status;
        }
        return id.intValue() == 4776 ? code(d.get("Status")) : null;
    }

    /** A status, or null for none (0x0). */
    private static String code(Object v) {
        Long n = EventFields.number(v);
        return n == null || n == 0 ? null : EventFields.hex(v);
    }

    /** DOMAIN\\user as the event names the account (4776 names the user alone). */
    static String account(Map<?, ?> d) {
        String user = EventFields.named(d.get("TargetUserName"));
        String domain = EventFields.named(d.get("TargetDomainName"));
        return domain != null && user != null ? domain + "\\" + user : user != null ? user : UNNAMED;
    }

    /** What {@link #account} says when the event names no account (a logon refused before it was identified). */
    static final String UNNAMED = "an unnamed account";

    /** The same account in 4625 (DOMAIN\\user) and 4776 (user): grouped by the user name, ignoring case. */
    private static String accountKey(String account) {
        return user(account).toLowerCase(Locale.ROOT);
    }


    /** How the logon came: "logon type 3 with NTLM from 192.168.2.101", as far as the event says. */
    static String how(EvidenceItem ev, Map<?, ?> d) {
        StringBuilder b = new StringBuilder();
        if (ev.fields().get("eventId") instanceof Number id && id.intValue() == 4776) {
            b.append("NTLM credential validation");
            String ws = EventFields.named(d.get("Workstation"));
            if (ws != null) {
                b.append(" for workstation ").append(ws);
            }
            return b.toString();
        }
        String type = EventFields.named(d.get("LogonType"));
        b.append("logon type ").append(type != null ? type : "?");
        if ("3".equals(type)) {
            b.append(" (network)");
        }
        String pkg = EventFields.named(d.get("AuthenticationPackageName"));
        if (pkg != null) {
            b.append(" with ").append(pkg);
        }
        String ip = EventFields.named(d.get("IpAddress"));
        if (ip != null) {
            b.append(" from ").append(ip);
        }
        return b.toString();
    }

    @Override
    public void run(Analysis a, FindingSink sink) {
        Map<String, List<EvidenceItem>> byAccount = new LinkedHashMap<>();
        Map<String, List<String>> reasonsByAccount = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (EvidenceItem ev : EventFields.logonFailures(a, reasons().keySet(), LogonFailureEventCheck::reason)) {
            String r = reason(ev);
            String account = account((Map<?, ?>) ev.fields().get("data"));
            String key = accountKey(account);
            // the name with its domain, when some event gives it
            names.merge(key, account, (was, now) -> was.contains("\\") ? was : now);
            byAccount.computeIfAbsent(key, k -> new ArrayList<>()).add(ev);
            List<String> texts = reasonsByAccount.computeIfAbsent(key, k -> new ArrayList<>());
            String text = reasons().get(r) + " (" + hex(r) + ")";
            if (!texts.contains(text)) {
                texts.add(text);
            }
        }
        if (byAccount.size() > ManyAccounts.MANY) {
            Map<String, List<EvidenceItem>> named = new LinkedHashMap<>();
            byAccount.forEach((k, v) -> named.put(names.get(k), v));
            List<String> all = new ArrayList<>();
            reasonsByAccount.values().forEach(l -> l.stream().filter(r -> !all.contains(r)).forEach(all::add));
            FindingBuilder f = new FindingBuilder(id()).step(step());
            ManyAccounts.cite(f, ManyAccounts.cited(named), this::line);
            Map.Entry<String, List<EvidenceItem>> first = named.entrySet().iterator().next();
            describe(first.getKey(), first.getValue(), reasonsByAccount.values().iterator().next(), f); // its commands
            sink.report(f.title(many(byAccount.size(), ManyAccounts.records(named), all))
                    .explanation(ManyAccounts.explanation("failed logons (" + String.join("; ", all) + ")", "accounts",
                            named, ManyAccounts::source))
                    .build());
            return;
        }
        for (Map.Entry<String, List<EvidenceItem>> en : byAccount.entrySet()) {
            FindingBuilder f = new FindingBuilder(id()).step(step());
            ManyAccounts.cite(f, en.getValue().subList(0, Math.min(ManyAccounts.CITED, en.getValue().size())), this::line);
            describe(names.get(en.getKey()), en.getValue(), reasonsByAccount.get(en.getKey()), f);
            sink.report(f.build());
        }
    }

    /** The title of one finding for many accounts (past {@link ManyAccounts#MANY}). */
    String many(int accounts, int records, List<String> reasons) {
        return accounts + " accounts could not log on: " + String.join("; ", reasons) + " (" + records + " events)";
    }

    /** How a record is cited. */
    private String line(EvidenceItem ev) {
        Map<?, ?> d = (Map<?, ?>) ev.fields().get("data");
        String r = reason(ev);
        return "event " + ev.fields().get("eventId") + " record " + ev.fields().get("recordId") + " at " + ev.string("time")
                + (ev.string("computer") != null ? " on " + ev.string("computer") : "") + ": " + account(d) + ", "
                + how(ev, d) + ": " + reasons().get(r) + " (" + hex(r) + ")";
    }

    /** 0xC000006A, as Microsoft's documentation writes NTSTATUS values. */
    private static String hex(String code) {
        return "0x" + code.substring(2).toUpperCase(Locale.ROOT);
    }

    /** "1 failed logon", "3 failed logons", "5 failed logons and 5 failed NTLM validations" (4625 and 4776). */
    static String count(List<EvidenceItem> records) {
        int logons = 0;
        int validations = 0;
        for (EvidenceItem ev : records) {
            if (ev.fields().get("eventId") instanceof Number id && id.intValue() == 4776) {
                validations++;
            } else {
                logons++;
            }
        }
        String l = logons + (logons == 1 ? " failed logon" : " failed logons");
        String v = validations + (validations == 1 ? " failed NTLM validation" : " failed NTLM validations");
        return logons == 0 ? v : validations == 0 ? l : l + " and " + v;
    }

    /** The user name alone, for AD cmdlets: CONTOSO\\John → John. */
    static String user(String account) {
        int slash = account.lastIndexOf('\\');
        return slash >= 0 ? account.substring(slash + 1) : account;
    }
}
