package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Set;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/**
 * {@code kerberos.kdc-unreachable} from {@code klist get SPN}: ERROR_NO_LOGON_SERVERS (0x51f) or
 * SEC_E_NO_AUTHENTICATING_AUTHORITY (0x80090311), the client found or reached no domain controller.
 */
public final class KdcUnreachableKlistCheck extends KlistErrorCheck {
    public KdcUnreachableKlistCheck() {
        super("kerberos.kdc-unreachable", Set.of("0x51f", "0x80090311"));
    }

    @Override
    void describe(String spn, List<EvidenceItem> records, FindingBuilder f) {
        f.step(Step.TICKET_REQUEST).title("No domain controller could be reached for a ticket"
                + (spn != null ? " for " + spn : ""))
                .explanation("klist could not get a ticket because the client reached no KDC (no logon servers): the"
                        + " domain controllers' SRV records did not resolve, or port 88 (TCP and UDP) to them is blocked."
                        + " Without a KDC the client cannot use Kerberos at all.")
                .fix("nltest /dsgetdc:<domain> /force", "Resolve-DnsName -Type SRV _kerberos._tcp.<domain>",
                        "Test-NetConnection <domain controller> -Port 88");
    }
}
