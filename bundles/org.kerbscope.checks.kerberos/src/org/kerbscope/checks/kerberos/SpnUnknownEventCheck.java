package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/**
 * {@code kerberos.spn-unknown} from the domain controller's Security log: 4769 (service ticket requested) failing
 * with 0x7, KDC_ERR_S_PRINCIPAL_UNKNOWN. The event's Service Name is the SPN the client asked for; one finding per
 * SPN, whoever asked.
 */
public final class SpnUnknownEventCheck extends EventStatusCheck {
    public SpnUnknownEventCheck() {
        super("kerberos.spn-unknown", "0x7", "KDC_ERR_S_PRINCIPAL_UNKNOWN", Step.TICKET, Scope.SERVICES);
    }

    @Override
    void describe(String spn, List<EvidenceItem> records, FindingBuilder f) {
        Map<?, ?> first = (Map<?, ?>) records.get(0).fields().get("data");
        Object domain = first.get("TargetDomainName");
        String realm = domain == null || domain.toString().isBlank() || "-".equals(domain) ? null : domain.toString();
        String host = spn.contains("/") ? spn.substring(spn.indexOf('/') + 1) : spn;
        int n = records.size();
        f.title("The KDC does not know the service principal " + spn)
                .explanation("The domain controller logged " + n + (n == 1 ? " service ticket request" : " service ticket requests")
                        + " for " + spn + " failing with KDC_ERR_S_PRINCIPAL_UNKNOWN (0x7, event 4769): no account in "
                        + (realm != null ? realm : "the domain") + " has this SPN registered, so no ticket can be issued and the client cannot use Kerberos"
                        + " with this service (browsers then fall back to NTLM or fail). Register the SPN on the account"
                        + " the service runs as: the computer account when it runs as Network Service or"
                        + " ApplicationPoolIdentity, otherwise the service account.")
                .fix(!spn.contains("/") ? new String[] {"setspn -X", "klist purge"}
                        : new String[] {"setspn -Q " + spn, "setspn -S " + spn + " " + Flows.netbiosDomain(realm) + "\\"
                                + Flows.computerAccount(host.contains(":") ? host.substring(0, host.indexOf(':')) : host),
                                "klist purge"});
    }

    @Override
    String many(int accounts, int records) {
        return "The KDC does not know " + accounts + " service principals (" + records + " requests)";
    }
}
