package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/**
 * {@code kerberos.kdc-unreachable} from failed logons (4625) with STATUS_NO_LOGON_SERVERS (0xC000005E): the server
 * could reach no domain controller to validate the logon.
 */
public final class NoLogonServersLogonCheck extends LogonFailureEventCheck {
    public NoLogonServersLogonCheck() {
        super("kerberos.kdc-unreachable", Step.TICKET_REQUEST, Map.of("0xc000005e", "no domain controller is available to validate it"));
    }

    @Override
    void describe(String account, List<EvidenceItem> records, List<String> reasons, FindingBuilder f) {
        String computer = records.get(0).string("computer");
        String where = computer != null ? computer : "the server";
        f.title(where + " could reach no domain controller to validate " + account + " (" + count(records) + ")")
                .explanation("The Security log shows " + count(records) + " of " + account + " refused with"
                        + " STATUS_NO_LOGON_SERVERS (0xC000005E): " + where + " found or reached no domain controller"
                        + " (DNS SRV records for the domain's DCs, or ports 88, 389 and 445 to them, blocked), so it could"
                        + " validate neither a Kerberos ticket's PAC nor NTLM credentials.")
                .fix("nltest /dsgetdc:<domain> /force", "nltest /sc_query:<domain>",
                        "Resolve-DnsName -Type SRV _ldap._tcp.dc._msdcs.<domain>", "Test-NetConnection <domain controller> -Port 88");
    }
}
