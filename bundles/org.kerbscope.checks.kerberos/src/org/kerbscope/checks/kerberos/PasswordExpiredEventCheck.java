package org.kerbscope.checks.kerberos;

import java.util.List;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/** {@code kerberos.password-expired} from 4768/4771 events failing with 0x17 (KDC_ERR_KEY_EXPIRED). */
public final class PasswordExpiredEventCheck extends EventStatusCheck {
    public PasswordExpiredEventCheck() {
        super("kerberos.password-expired", "0x17", "KDC_ERR_KEY_EXPIRED", Step.TICKET_REQUEST, Scope.TGT_ACCOUNTS);
    }

    @Override
    void describe(String account, List<EvidenceItem> records, FindingBuilder f) {
        int n = records.size();
        f.title("The password of " + account + " has expired (" + n + (n == 1 ? " request)" : " requests)"))
                .explanation("The KDC logged KDC_ERR_KEY_EXPIRED (0x17) for " + account + ": the account's password must be"
                        + " changed before the KDC issues it tickets. A service or scheduled task running as this account"
                        + " fails until someone sets a new password (and updates it where the service keeps it).")
                .fix("Set-ADAccountPassword " + account + " -Reset",
                        "Get-ADUser " + account + " -Properties PasswordLastSet,PasswordExpired,PasswordNeverExpires");
    }

    @Override
    String many(int accounts, int records) {
        return "The passwords of " + accounts + " accounts have expired (" + records + " requests)";
    }
}
