package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.client-revoked}. */
public final class ClientRevokedCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.client-revoked";
    }

    @Override
    int[] codes() {
        return new int[] {18};
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        String user = user(e, req);
        String state = accountState(e.integer("ntstatus", 0));
        f.step(Step.TICKET_REQUEST).title("The account " + user + " cannot get tickets: " + state)
            .explanation("The KDC answered KDC_ERR_CLIENT_REVOKED (18)" + (e.fields().get("ntstatus") != null
                ? " with NTSTATUS 0x" + Long.toHexString(e.integer("ntstatus", 0) & 0xffffffffL) : "")
                + ": the account is " + state + ". Until it is usable again no ticket is issued.")
            .fix("Get-ADUser " + simple(user) + " -Properties Enabled,LockedOut,AccountExpirationDate", "Unlock-ADAccount " + simple(user),
                 "Enable-ADAccount " + simple(user));
    }
}
