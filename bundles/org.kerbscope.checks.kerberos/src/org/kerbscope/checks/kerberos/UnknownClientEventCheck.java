package org.kerbscope.checks.kerberos;

import java.util.List;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/** {@code kerberos.client-unknown} from 4768 events failing with 0x6 (KDC_ERR_C_PRINCIPAL_UNKNOWN). */
public final class UnknownClientEventCheck extends EventStatusCheck {
    public UnknownClientEventCheck() {
        super("kerberos.client-unknown", "0x6", "KDC_ERR_C_PRINCIPAL_UNKNOWN", Step.TICKET_REQUEST, Scope.ACCOUNTS);
    }

    @Override
    void describe(String account, List<EvidenceItem> records, FindingBuilder f) {
        int n = records.size();
        f.title("The domain controller does not know the account " + account + " (" + n + (n == 1 ? " request)" : " requests)"))
                .explanation("The KDC logged KDC_ERR_C_PRINCIPAL_UNKNOWN (0x6) for " + account + ": no such account exists. A"
                        + " mistyped user name fails this way; many different unknown names from one address are user"
                        + " enumeration (e.g. Kerbrute).")
                .fix("Get-ADUser -Filter \"SamAccountName -eq '" + account + "'\"",
                        "Get-WinEvent -FilterHashtable @{LogName='Security';Id=4768} | Where-Object { $_.Message -match '0x6' }");
    }

    @Override
    String many(int accounts, int records) {
        return "The domain controller does not know " + accounts + " accounts (" + records + " requests)";
    }
}
