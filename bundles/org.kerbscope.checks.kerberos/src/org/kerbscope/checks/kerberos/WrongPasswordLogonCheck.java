package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/**
 * {@code kerberos.preauth-failed} from failed logons (4625/4776) whose reason is a wrong password: the condition the
 * KDC refuses with KDC_ERR_PREAUTH_FAILED, here seen by the server or by NTLM's credential validation.
 */
public final class WrongPasswordLogonCheck extends LogonFailureEventCheck {
    public WrongPasswordLogonCheck() {
        super("kerberos.preauth-failed", Step.AUTHORIZED, Map.of("0xc000006a", "wrong password"));
    }

    @Override
    void describe(String account, List<EvidenceItem> records, List<String> reasons, FindingBuilder f) {
        f.title("Wrong password for " + account + " (" + count(records) + ")")
                .explanation("The Security log shows " + count(records) + " of " + account + " refused because the password"
                        + " was wrong (STATUS_WRONG_PASSWORD, 0xC000006A). With Kerberos the domain controller refuses such a"
                        + " password already at pre-authentication (KDC_ERR_PREAUTH_FAILED, event 4771 0x18); a logon that"
                        + " fails this way on the server was made with NTLM or a local account. A saved credential, a"
                        + " mapped drive, a service or a scheduled task that still uses an old password fails again and"
                        + " again, and enough failures lock the account out.")
                .fix("Get-ADUser " + user(account) + " -Properties badPwdCount,LastBadPasswordAttempt,LockedOut,PasswordLastSet",
                        "cmdkey /list", "klist purge");
    }
}
