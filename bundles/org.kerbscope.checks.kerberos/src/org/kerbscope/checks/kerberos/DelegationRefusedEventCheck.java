package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/**
 * {@code kerberos.delegation-refused} from 4769 events failing with 0xD (KDC_ERR_BADOPTION): typically a front-end
 * asking, on a user's behalf (S4U2Proxy), for a ticket to a service it is not allowed to delegate to.
 */
public final class DelegationRefusedEventCheck extends EventStatusCheck {
    public DelegationRefusedEventCheck() {
        super("kerberos.delegation-refused", "0xd", "KDC_ERR_BADOPTION", Step.TICKET, Scope.SERVICES);
    }

    @Override
    void describe(String spn, List<EvidenceItem> records, FindingBuilder f) {
        Map<?, ?> d = (Map<?, ?>) records.get(0).fields().get("data");
        Object transmitted = d.get("TransmittedServices");
        boolean s4u = transmitted != null && !transmitted.toString().isBlank() && !"-".equals(transmitted.toString().trim());
        f.title("The KDC refused the requested ticket options for " + spn)
                .explanation("The domain controller logged KDC_ERR_BADOPTION (0xD, event 4769) for a ticket to " + spn
                        + (s4u ? " requested through " + transmitted : "") + ": the KDC will not issue it with the options"
                        + " asked. For a front-end acting for its users (S4U2Proxy, constrained delegation) the front-end's"
                        + " account must list " + spn + " in msDS-AllowedToDelegateTo (or the back-end must allow the"
                        + " front-end in msDS-AllowedToActOnBehalfOfOtherIdentity), and the user must not be sensitive and"
                        + " not delegable or in Protected Users.")
                .fix("Get-ADComputer <front-end> -Properties msDS-AllowedToDelegateTo,TrustedForDelegation,TrustedToAuthForDelegation",
                        "Get-ADObject -Filter \"servicePrincipalName -eq '" + spn + "'\" -Properties msDS-AllowedToActOnBehalfOfOtherIdentity");
    }

    @Override
    String many(int accounts, int records) {
        return "The KDC refused the requested ticket options for " + accounts + " service principals (" + records + " requests)";
    }
}
