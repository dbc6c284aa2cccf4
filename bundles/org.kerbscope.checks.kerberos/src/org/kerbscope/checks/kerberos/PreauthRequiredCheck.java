package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.preauth-required}. */
public final class PreauthRequiredCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.preauth-required";
    }

    @Override
    int[] codes() {
        return new int[] {25};
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        f.severity(Severity.INFO).step(Step.TICKET_REQUEST).title("The KDC asked for pre-authentication (normal)")
            .explanation("KDC_ERR_PREAUTH_REQUIRED (25) is the KDC's normal first answer to an AS-REQ without"
                + " pre-authentication data: the client retries with an encrypted timestamp. It is not a failure.")
            ;
    }
}
