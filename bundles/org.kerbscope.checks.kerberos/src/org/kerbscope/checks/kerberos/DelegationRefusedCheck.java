package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.delegation-refused}. */
public final class DelegationRefusedCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.delegation-refused";
    }

    @Override
    int[] codes() {
        return new int[] {13};
    }

    /**
     * A refusal of a delegation's or a forwardable ticket's options; one of a renewal, a validation, a user-to-user
     * ticket or an AS exchange is {@link OtherKdcErrorCheck}'s.
     */
    @Override
    boolean matches(Analysis a, Event error) {
        return refusedOption(requestOf(a, error)) == null;
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        String spn = spn(e, req);
        java.util.List<Object> options = req != null ? req.list("kdcOptions") : null;
        if (options != null && options.contains("forwarded") && spn != null
                && spn.toLowerCase(java.util.Locale.ROOT).startsWith("krbtgt/")) {
            // GSS delegation (RFC 4121 4.1.1, the client forwards its TGT to the service): the logon goes on without it
            String user = user(e, req) != null ? user(e, req) : Flows.tgtUserBefore(a, e.dst().address(), e.frame());
            String who = user != null ? user + "'s" : "the client's";
            f.severity(Severity.WARNING).step(Step.TICKET)
                .title("The KDC refused to forward " + who + " ticket-granting ticket (delegation to a service)")
                .explanation("KDC_ERR_BADOPTION (13): the client asked for a forwarded ticket-granting ticket (the FORWARDED"
                    + " option) to delegate the user's credentials to the service it logs on to, and the KDC refused: the"
                    + " ticket-granting ticket it presented is not forwardable. The client got it without asking for a"
                    + " forwardable one (kinit without -f, forwardable = false in krb5.conf), or the account is sensitive and"
                    + " cannot be delegated (or in Protected Users). The logon goes on without delegation; only what the"
                    + " service does on the user's behalf on another server (a second hop) fails.")
                .fix("klist", "Get-ADUser " + simple(user) + " -Properties AccountNotDelegated,MemberOf",
                    "kinit -f " + (user != null ? user : "<user>"));
            return;
        }
        f.step(Step.TICKET).title("The KDC refused the requested ticket options for " + spn)
            .explanation("KDC_ERR_BADOPTION (13): the request asked for options the KDC will not grant — typically"
                + " constrained delegation (S4U2Proxy) to " + spn + " that the front-end account is not allowed, or a"
                + " forwardable ticket for an account marked \"sensitive and cannot be delegated\".")
            .fix("Get-ADComputer <front-end> -Properties msDS-AllowedToDelegateTo,TrustedForDelegation",
                 "setspn -Q " + spn);
    }
}
