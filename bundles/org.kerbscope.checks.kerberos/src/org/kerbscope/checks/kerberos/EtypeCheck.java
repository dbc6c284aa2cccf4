package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.etype-unsupported}. */
public final class EtypeCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.etype-unsupported";
    }

    @Override
    int[] codes() {
        return new int[] {14};
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        String spn = spn(e, req);
        f.step(isAsExchange(req) ? Step.TICKET_REQUEST : Step.TICKET)
            .title("No encryption type in common for " + spn)
            .explanation("The KDC answered KDC_ERR_ETYPE_NOSUPP (14): none of the encryption types the client offered"
                + (req != null && req.fields().get("etypes") != null ? " " + req.fields().get("etypes") : "")
                + " is enabled for the account that holds " + spn + " (or for the client). Align msDS-SupportedEncryptionTypes"
                + " of the account with the client's policy (\"Network security: Configure encryption types allowed for Kerberos\"),"
                + " and reset the account's password so that AES keys exist.")
            .fix("setspn -Q " + spn, "Get-ADObject -Filter \"servicePrincipalName -eq '" + spn + "'\" -Properties msDS-SupportedEncryptionTypes",
                 "klist purge");
    }
}
