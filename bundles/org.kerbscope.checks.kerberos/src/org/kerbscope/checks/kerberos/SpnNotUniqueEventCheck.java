package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Map;

import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.flow.FindingBuilder;

/** {@code kerberos.spn-not-unique} from 4769 events failing with 0x8 (KDC_ERR_PRINCIPAL_NOT_UNIQUE), per SPN. */
public final class SpnNotUniqueEventCheck extends EventStatusCheck {
    @Override
    String id() {
        return "kerberos.spn-not-unique";
    }

    @Override
    String status() {
        return "0x8";
    }

    @Override
    boolean logs(int eventId) {
        return eventId == 4769;
    }

    @Override
    String key(Map<?, ?> data) {
        return named(data, "ServiceName", "(not named in the event)");
    }

    @Override
    Step step() {
        return Step.TICKET;
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
    String noun() {
        return "service principals";
    }

    @Override
    String many(int accounts, int records) {
        return accounts + " service principals are registered on more than one account (" + records + " requests)";
    }

    @Override
    String what() {
        return "KDC_ERR_PRINCIPAL_NOT_UNIQUE (" + status() + ")";
    }
}
