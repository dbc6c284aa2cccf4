package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Set;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/**
 * {@code kerberos.spn-unknown} from {@code klist get SPN}: 0x6fb (ERROR_NO_TRUST_SAM_ACCOUNT, with
 * STATUS_NO_TRUST_SAM_ACCOUNT 0xc000018b: how Windows reports KDC_ERR_S_PRINCIPAL_UNKNOWN to klist) or
 * SEC_E_TARGET_UNKNOWN.
 */
public final class SpnUnknownKlistCheck extends KlistErrorCheck {
    public SpnUnknownKlistCheck() {
        super("kerberos.spn-unknown", Set.of("0x6fb", "0x80090303"));
    }

    @Override
    void describe(String spn, List<EvidenceItem> records, FindingBuilder f) {
        String name = spn != null ? spn : "the requested service";
        String host = spn != null && spn.contains("/") ? spn.substring(spn.indexOf('/') + 1) : null;
        if (host != null && host.contains(":")) {
            host = host.substring(0, host.indexOf(':'));
        }
        String realm = host != null && host.indexOf('.') > 0 ? host.substring(host.indexOf('.') + 1) : null;
        f.step(Step.TICKET).title("The KDC does not know the service principal " + name)
                .explanation("klist asked the domain controller for a service ticket for " + name + " and got"
                        + " ERROR_NO_TRUST_SAM_ACCOUNT (0x6fb), which is how Windows reports KDC_ERR_S_PRINCIPAL_UNKNOWN: no"
                        + " account has this SPN registered, so no ticket can be issued and the client cannot use Kerberos"
                        + " with this service. Register the SPN on the account the service runs as (the computer account"
                        + " for Network Service or ApplicationPoolIdentity, otherwise the service account).")
                .fix(spn != null
                        ? new String[] {"setspn -Q " + spn, "setspn -S " + spn + " " + Flows.netbiosDomain(realm) + "\\"
                                + Flows.computerAccount(host), "klist purge", "klist get " + spn}
                        : new String[] {"setspn -X", "klist purge"});
    }
}
