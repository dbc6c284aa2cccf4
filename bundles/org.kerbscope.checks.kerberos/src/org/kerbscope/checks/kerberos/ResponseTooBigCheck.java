package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.response-too-big}. */
public final class ResponseTooBigCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.response-too-big";
    }

    @Override
    int[] codes() {
        return new int[] {52};
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        boolean retried = retriedOverTcp(a, e);
        f.severity(retried ? Severity.INFO : Severity.WARNING).step(Step.TICKET)
            .title(retried ? "The KDC's answer was too big for UDP; the client retried over TCP"
                : "The KDC's answer was too big for UDP and no TCP retry followed")
            .explanation("KRB_ERR_RESPONSE_TOO_BIG (52) tells the client to repeat its request over TCP (large PACs from"
                + " many group memberships cause it)." + (retried ? " The retry was seen, so this is benign."
                : " No retry over TCP was seen: a firewall may block TCP 88."))
            .fix("Test-NetConnection -Port 88 " + e.src().address());
    }
}
