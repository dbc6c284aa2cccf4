package org.kerbscope.ldap;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code ldap.spn-unknown}: the KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN (7) to the ticket request for the
 * {@code ldap/host} SPN of an LDAP attempt. A domain controller registers its ldap/ SPNs on its own computer account,
 * so the usual cause is a name that is not the DC's own: an alias, a load-balancer name, a mistyped host.
 */
public final class SpnUnknownCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : LdapEvents.attempts(a)) {
            StepResult ticket = at.step(Step.TICKET);
            if (ticket == null || ticket.status() != StepStatus.FAILED || ticket.frames().isEmpty()) {
                continue;
            }
            Event err = null;
            for (Event k : at.events()) {
                if ("kerberos".equals(k.protocol()) && k.frame() == ticket.frames().get(0)
                        && k.integer("errorCode", -1) == 7) {
                    err = k;
                }
            }
            if (err == null) {
                continue;
            }
            String spn = LdapEvents.spn(at);
            String host = LdapEvents.spnHost(spn);
            String realm = err.string("realm");
            StepResult req = at.step(Step.TICKET_REQUEST);
            FindingBuilder f = new FindingBuilder("ldap.spn-unknown").step(Step.TICKET).attempt(at.index());
            if (req != null && !req.frames().isEmpty()) {
                f.frame(req.frames().get(0), "TGS-REQ for " + spn);
            }
            f.frame(err.frame(), "KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN");
            StepResult ap = at.step(Step.AP_EXCHANGE);
            boolean fellBack = ap != null && ap.status() == StepStatus.FAILED;
            if (fellBack && !ap.frames().isEmpty()) {
                f.frame(ap.frames().get(0), ap.note());
            }
            if (Flows.isIpLiteral(Flows.hostOnly(host))) {
                // the client made the SPN of the address it connected to (no PTR record for it): a name, not an SPN, is missing
                sink.report(f.title("The KDC does not know " + spn + ", made of the server's address: the LDAP bind to "
                            + LdapEvents.server(at) + " cannot use Kerberos")
                        .explanation("Step 6 failed: the client asked for a service ticket for " + spn + " and the KDC"
                                + " answered KDC_ERR_S_PRINCIPAL_UNKNOWN (7). Service principals name hosts, not addresses:"
                                + " the client was given the address, or (SASL/GSSAPI clients such as ldapsearch) it turned"
                                + " the server's name into its address and found no reverse (PTR) record to turn it back."
                                + (fellBack ? " The client then fell back to NTLM." : ""))
                        .fix("Resolve-DnsName " + Flows.hostOnly(host) + " -Type PTR",
                                "Connect to the domain controller by its DNS name, or turn off canonicalisation: rdns = false"
                                        + " in krb5.conf, SASL_NOCANON on in ldap.conf",
                                "klist purge")
                        .build());
                continue;
            }
            sink.report(f.title("The KDC does not know " + spn + ": the LDAP bind to " + LdapEvents.server(at)
                        + " cannot use Kerberos")
                    .explanation("Step 6 failed: the client asked for a service ticket for " + spn + " and the KDC answered"
                            + " KDC_ERR_S_PRINCIPAL_UNKNOWN (7): no account in " + (realm != null ? realm : "the realm")
                            + " has this SPN. A domain controller registers ldap/ SPNs for its own names on its computer"
                            + " account, so the client is using another name for it (an alias, a load-balancer name, a"
                            + " typo) — or the server is not a domain controller and its service account lacks the SPN."
                            + (fellBack ? " The client then fell back to NTLM." : ""))
                    .fix("setspn -Q " + spn, "nltest /dsgetdc:" + (realm != null ? realm : "<domain>"),
                            "Connect to the domain controller by its own DNS name, or register the alias: setspn -S " + spn
                                    + " " + Flows.netbiosDomain(realm) + "\\" + Flows.computerAccount(host),
                            "klist purge")
                    .build());
        }
    }
}
