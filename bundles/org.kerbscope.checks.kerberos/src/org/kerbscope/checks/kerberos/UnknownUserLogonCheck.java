package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/** {@code kerberos.client-unknown} from failed logons (4625/4776) of an account that does not exist. */
public final class UnknownUserLogonCheck extends LogonFailureEventCheck {
    public UnknownUserLogonCheck() {
        super("kerberos.client-unknown", Step.AUTHORIZED, Map.of("0xc0000064", "no such user"));
    }

    @Override
    void describe(String account, List<EvidenceItem> records, List<String> reasons, FindingBuilder f) {
        f.title("No account " + account + " exists (" + count(records) + ")")
                .explanation("The Security log shows " + count(records) + " of " + account + " refused because no such"
                        + " account exists (STATUS_NO_SUCH_USER, 0xC0000064), the condition the KDC answers with"
                        + " KDC_ERR_C_PRINCIPAL_UNKNOWN. A mistyped or renamed user name, or a name in the wrong domain,"
                        + " fails this way; many different unknown names from one address are user enumeration.")
                .fix("Get-ADUser -Filter \"SamAccountName -eq '" + user(account) + "'\"", "cmdkey /list");
    }
}
