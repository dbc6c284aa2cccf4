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
        f.step(Step.TICKET_REQUEST).title("The password of " + user + " has expired")
            .explanation("The KDC answered KDC_ERR_KEY_EXPIRED (23): the account's password must be changed before the KDC"
                + " issues it a ticket.")
            .fix("Set-ADAccountPassword " + simple(user) + " -Reset", "Get-ADUser " + simple(user) + " -Properties PasswordLastSet,PasswordExpired");
    }
}
