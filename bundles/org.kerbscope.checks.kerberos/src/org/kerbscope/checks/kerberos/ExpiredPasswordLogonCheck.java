package org.kerbscope.checks.kerberos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/** {@code kerberos.password-expired} from failed logons (4625/4776) whose password has expired or must be changed. */
public final class ExpiredPasswordLogonCheck extends LogonFailureEventCheck {
    private static final Map<String, String> REASONS = new LinkedHashMap<>();
    static {
        REASONS.put("0xc0000071", "the password has expired");
        REASONS.put("0xc0000224", "the password must be changed at the next logon");
    }

    public ExpiredPasswordLogonCheck() {
        super("kerberos.password-expired", Step.AUTHORIZED, REASONS);
    }

    @Override
    void describe(String account, List<EvidenceItem> records, List<String> reasons, FindingBuilder f) {
        f.title("The password of " + account + " has expired (" + count(records) + ")")
                .explanation("The Security log shows " + count(records) + " of " + account + " refused: "
                        + String.join("; ", reasons) + ". A network logon cannot change a password, so the"
                        + " user (or whoever runs the service as this account) must set a new one first; the KDC"
                        + " refuses its tickets with KDC_ERR_KEY_EXPIRED until then.")
                .fix("Set-ADAccountPassword " + user(account) + " -Reset",
                        "Get-ADUser " + user(account) + " -Properties PasswordLastSet,PasswordExpired,PasswordNeverExpires");
    }
}
