package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/**
 * {@code kerberos.etype-unsupported} from 4768/4769 events failing with 0xE (KDC_ERR_ETYPE_NOTSUPP): per service for
 * a service ticket, per account for a TGT.
 */
public final class EtypeEventCheck extends EventStatusCheck {
    public EtypeEventCheck() {
        super("kerberos.etype-unsupported", "0xe", "KDC_ERR_ETYPE_NOTSUPP", Step.TICKET, Scope.ACCOUNTS);
    }

    @Override
    boolean logs(int eventId) {
        return eventId == 4768 || eventId == 4769;
    }

    @Override
    String key(Map<?, ?> data) {
        String service = named(data, "ServiceName", "");
        return service.contains("/") ? service : named(data, "TargetUserName", "(not named in the event)");
    }

    @Override
    void describe(String principal, List<EvidenceItem> records, FindingBuilder f) {
        boolean service = principal.contains("/");
        f.title("No encryption type in common for " + principal)
                .explanation("The domain controller logged KDC_ERR_ETYPE_NOTSUPP (0xE) for " + principal + ": none of the"
                        + " encryption types the client offered is one the " + (service ? "service account" : "account")
                        + " has keys for or the KDC allows (RC4 disabled by policy while the account has only an RC4 key,"
                        + " or AES asked of an account whose password predates AES). Setting the account's"
                        + " msDS-SupportedEncryptionTypes and resetting its password makes the AES keys.")
                .fix(service ? "setspn -Q " + principal : "Get-ADUser " + principal + " -Properties msDS-SupportedEncryptionTypes",
                        service ? "Get-ADObject -Filter \"servicePrincipalName -eq '" + principal
                                + "'\" -Properties msDS-SupportedEncryptionTypes,pwdLastSet" : "klist purge",
                        "klist purge");
    }

    @Override
    String noun() {
        return "principals";
    }

    @Override
    String many(int accounts, int records) {
        return "No encryption type in common for " + accounts + " principals (" + records + " requests)";
    }
}
