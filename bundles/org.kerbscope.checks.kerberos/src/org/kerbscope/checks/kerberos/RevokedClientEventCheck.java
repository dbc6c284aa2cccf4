package org.kerbscope.checks.kerberos;

import java.util.List;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/** {@code kerberos.client-revoked} from 4768/4771 events failing with 0x12 (account disabled, locked or expired). */
public final class RevokedClientEventCheck extends EventStatusCheck {
    public RevokedClientEventCheck() {
        super("kerberos.client-revoked", "0x12", "KDC_ERR_CLIENT_REVOKED", Step.TICKET_REQUEST, Scope.ACCOUNTS);
    }

    @Override
    void describe(String account, List<EvidenceItem> records, FindingBuilder f) {
        f.title("The account " + account + " is disabled, locked out or expired")
                .explanation("The KDC logged KDC_ERR_CLIENT_REVOKED (0x12) for " + account + ": it refuses tickets to an account"
                        + " that is disabled, locked out (often after repeated bad passwords) or past its expiry date.")
                .fix("Get-ADUser " + account + " -Properties Enabled,LockedOut,AccountExpirationDate,badPwdCount",
                        "Unlock-ADAccount " + account);
    }

    @Override
    String many(int accounts, int records) {
        return accounts + " accounts are disabled, locked out or expired (" + records + " requests)";
    }
}
