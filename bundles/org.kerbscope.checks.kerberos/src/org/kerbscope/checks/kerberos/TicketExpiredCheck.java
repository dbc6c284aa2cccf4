package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.ticket-expired}. */
public final class TicketExpiredCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.ticket-expired";
    }

    @Override
    int[] codes() {
        return new int[] {32};
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        f.severity(Severity.INFO).step(Step.AP_EXCHANGE).title("A ticket had expired and was renewed")
            .explanation("KRB_AP_ERR_TKT_EXPIRED (32): the client presented a ticket past its end time. Clients get a new"
                + " ticket and retry; this is only a problem when no new request follows.")
            .fix("klist", "klist purge");
    }
}
