package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.password-expired}. */
public final class PasswordExpiredCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.password-expired";
    }

    @Override
    int[] codes() {
        return new int[] {23};
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        String user = user(e, req);
        String[] fix = {"Set-ADAccountPassword " + simple(user) + " -Reset",
            "Get-ADUser " + simple(user) + " -Properties PasswordLastSet,PasswordExpired"};
        long tgt = tgtAfter(a, user, e.frame());
        if (tgt > 0) {
            // what Windows does at an expired password's logon: the user is asked for a new one, the client changes it
            // (kpasswd, or the SAM over RPC) and logs on with it
            long change = passwordChangeBetween(a, e.dst().address(), e.frame(), tgt);
            f.severity(Severity.INFO).step(Step.TICKET_REQUEST)
                .title("The password of " + user + " had expired; it was changed and the logon succeeded")
                .explanation("The KDC answered KDC_ERR_KEY_EXPIRED (23): the account's password had to be changed before the"
                    + " KDC would issue it a ticket. " + (change > 0 ? "The client changed it (kpasswd, frame " + change
                    + ") and then" : "The client then") + " got a ticket-granting ticket for " + user + " (AS-REP, frame "
                    + tgt + "): the expiry was dealt with. It matters only where a service or scheduled task runs as the"
                    + " account: its stored password is now the old one.")
                .fix(fix[1]);
            return;
        }
        f.step(Step.TICKET_REQUEST).title("The password of " + user + " has expired")
            .explanation("The KDC answered KDC_ERR_KEY_EXPIRED (23): the account's password must be changed before the KDC"
                + " issues it a ticket.")
            .fix(fix);
    }

    /** The first AS-REP after {@code frame} that gives {@code user} a ticket-granting ticket, or -1. */
    private static long tgtAfter(Analysis a, String user, long frame) {
        if (user == null) {
            return -1;
        }
        java.util.Map<String, java.util.List<Long>> byUser = a.index("kerberos.tgtsByUser", () -> {
            java.util.Map<String, java.util.List<Long>> m = new java.util.HashMap<>();
            for (Event k : a.events("kerberos")) {
                String s = k.string("sname");
                if ("AS-REP".equals(k.string("msgType")) && k.string("cname") != null && s != null
                        && s.toLowerCase(java.util.Locale.ROOT).startsWith("krbtgt/")) {
                    m.computeIfAbsent(lower(k.string("cname")), c -> new java.util.ArrayList<>()).add(k.frame());
                }
            }
            return m;
        });
        for (long f : byUser.getOrDefault(lower(user), java.util.List.of())) {
            if (f > frame) {
                return f;
            }
        }
        return -1;
    }

    /** The first kpasswd request {@code client} sent between the two frames, or -1. */
    private static long passwordChangeBetween(Analysis a, String client, long after, long before) {
        for (Event k : Flows.kerberosOf(a, client)) {
            if (k.frame() > after && k.frame() < before && client.equals(k.src().address()) && k.get("kpasswd") instanceof java.util.Map<?, ?> p
                    && "request".equals(p.get("kind"))) {
                return k.frame();
            }
        }
        return -1;
    }
}
