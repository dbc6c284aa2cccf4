package org.kerbscope.checks.kerberos;

import java.util.List;

import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.flow.FindingBuilder;

/** {@code kerberos.spn-not-unique} from 4769 events failing with 0x8 (KDC_ERR_PRINCIPAL_NOT_UNIQUE), per SPN. */
public final class SpnNotUniqueEventCheck extends EventStatusCheck {
    public SpnNotUniqueEventCheck() {
        super("kerberos.spn-not-unique", "0x8", "KDC_ERR_PRINCIPAL_NOT_UNIQUE", Step.TICKET, Scope.SERVICES);
    }

    @Override
    void describe(String spn, List<EvidenceItem> records, FindingBuilder f) {
        f.title("The service principal " + spn + " is registered on more than one account")
                .explanation("The domain controller logged KDC_ERR_PRINCIPAL_NOT_UNIQUE (0x8, event 4769) for " + spn + ": two"
                        + " or more accounts hold this SPN, so the KDC cannot tell whose key to encrypt the ticket with and"
                        + " issues none. Keep the SPN on the account the service runs as and remove it from the others.")
                .fix(!spn.contains("/") ? new String[] {"setspn -X"}
                        : new String[] {"setspn -X", "setspn -Q " + spn, "setspn -D " + spn + " <DOMAIN\\wrong-account>"});
    }

    @Override
    String many(int accounts, int records) {
        return accounts + " service principals are registered on more than one account (" + records + " requests)";
    }
}
