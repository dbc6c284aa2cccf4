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
        f.step(Step.TICKET).title("The KDC refused the requested ticket options for " + spn)
            .explanation("KDC_ERR_BADOPTION (13): the request asked for options the KDC will not grant — typically"
                + " constrained delegation (S4U2Proxy) to " + spn + " that the front-end account is not allowed, or a"
                + " forwardable ticket for an account marked \"sensitive and cannot be delegated\".")
            .fix("Get-ADComputer <front-end> -Properties msDS-AllowedToDelegateTo,TrustedForDelegation",
                 "setspn -Q " + spn);
    }
}
