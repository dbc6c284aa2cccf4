package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.spn-not-unique}. */
public final class SpnNotUniqueCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.spn-not-unique";
    }

    @Override
    int[] codes() {
        return new int[] {8};
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        String spn = spn(e, req);
        f.step(Step.TICKET).title("The service principal " + spn + " is registered on more than one account")
            .explanation("Step 6 failed: the KDC answered KDC_ERR_PRINCIPAL_NOT_UNIQUE (8). Two or more accounts carry the SPN "
                + spn + ", so the KDC cannot tell whose key should encrypt the ticket. Find the duplicates and remove the SPN from"
                + " every account but the one the service runs as.")
            .fix("setspn -X", "setspn -Q " + spn, "setspn -D " + spn + " <DOMAIN\\wrong-account>");
    }
}
