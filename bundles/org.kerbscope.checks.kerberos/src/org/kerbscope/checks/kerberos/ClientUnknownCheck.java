package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.client-unknown}. */
public final class ClientUnknownCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.client-unknown";
    }

    @Override
    int[] codes() {
        return new int[] {6};
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        String user = user(e, req);
        f.step(Step.TICKET_REQUEST).title("The KDC does not know the client " + user)
            .explanation("The KDC answered KDC_ERR_C_PRINCIPAL_UNKNOWN (6): no account " + user + " exists in realm "
                + realm(e, req) + ". The user name is misspelt, the account was deleted, or the client asks the wrong realm.")
            .fix("Get-ADUser -Filter \"SamAccountName -eq '" + simple(user) + "'\"", "klist purge");
    }
}
