package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.preauth-failed}. */
public final class PreauthFailedCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.preauth-failed";
    }

    @Override
    int[] codes() {
        return new int[] {24, 31};
    }

    @Override
    boolean matches(Analysis a, Event e) {
        int code = e.integer("errorCode", -1);
        return code == 24 && !skewText(e) || code == 31 && (isAsExchange(requestOf(a, e)) || preauthText(e));
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        String user = user(e, req);
        f.step(Step.TICKET_REQUEST).title("Pre-authentication failed for " + user + ": wrong password")
            .explanation("The KDC could not decrypt the user's pre-authentication timestamp with the key it holds for " + user
                + (e.integer("errorCode", 0) == 31 ? " — answered KRB_AP_ERR_BAD_INTEGRITY (31) with e-text "
                    + e.string("eText") + ", the MIT/Kerby form of Active Directory's KDC_ERR_PREAUTH_FAILED (24)"
                    : " — KDC_ERR_PREAUTH_FAILED (24)")
                + ". The password (or cached credential) the client used is wrong, so it never gets a TGT and every later step"
                + " fails. Repeated failures lock the account. Sign out and in again with the right password, and clear stale"
                + " credentials (Credential Manager, mapped drives, services running as the user).")
            .fix("klist purge", "cmdkey /list", "Get-ADUser " + simple(user) + " -Properties badPwdCount,lockedOut,LastBadPasswordAttempt");
    }
}
