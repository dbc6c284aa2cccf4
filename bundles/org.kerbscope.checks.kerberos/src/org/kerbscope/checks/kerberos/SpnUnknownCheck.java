package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;

/** Raises {@code kerberos.spn-unknown}. */
public final class SpnUnknownCheck extends KdcErrorCheck {

    @Override
    String id() {
        return "kerberos.spn-unknown";
    }

    @Override
    int[] codes() {
        return new int[] {7};
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        String spn = spn(e, req);
        String realm = realm(e, req);
        String host = spn != null && spn.contains("/") ? spn.substring(spn.indexOf('/') + 1) : "host";
        String address = Flows.hostOnly(host);
        if (Flows.isIpLiteral(address)) {
            // SPNs name hosts: one made of an address is the client's doing, not a missing registration
            // an attempt of this client to a site it addressed by this very address
            String addressedAs = null;
            for (org.kerbscope.core.model.AuthAttempt at : a.attempts()) {
                if (at.client().equals(e.dst().address()) && at.host() != null
                        && address.equalsIgnoreCase(Flows.hostOnly(at.host()))) {
                    addressedAs = at.host();
                    break;
                }
            }
            boolean addressed = addressedAs != null;
            // the name it had, when it was not given the address itself
            Flows.Lookup l = addressed ? null : Flows.lookupFor(a, e.dst().address(), address, e.frame());
            String name = l != null ? l.name() : null;
            f.step(Step.TICKET).title("The KDC does not know the service principal " + spn + ", made of an IP address")
                .explanation("Step 6 of the flow failed: the client asked for a service ticket for " + spn + ", a principal"
                    + " made of the server's address, and the KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN (7): service"
                    + " principals are registered with host names. "
                    + (addressed ? "The client was given the address (" + addressedAs + ") instead of the server's name. Windows"
                        + " builds an SPN from an address only with TryIPSPN, and no account holds this one. Use the server's"
                        + " DNS name."
                    : "The client was given the address instead of a name, or it turned the name" + (name != null ? " ("
                        + name + ", looked up in frame " + l.query().frame() + ")" : "") + " into an address and found no"
                        + " reverse (PTR) record to turn it back, as SASL/GSSAPI clients such as ldapsearch do (Windows builds"
                        + " an SPN from an address only with TryIPSPN). Use the server's DNS name, add the PTR record, or stop"
                        + " the client from canonicalising the host (rdns = false in krb5.conf, SASL_NOCANON on in ldap.conf)."))
                .fix("Resolve-DnsName " + address + " -Type PTR", "setspn -Q " + spn, "klist purge");
            return;
        }
        f.step(Step.TICKET).title("The KDC does not know the service principal " + spn)
            .explanation("Step 6 of the flow failed: the client asked the domain controller for a service ticket for "
                + spn + " and the KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN (7). No account in " + realm
                + " has this SPN registered, so no ticket can be issued and the client cannot use Kerberos with this"
                + " service (browsers then fall back to NTLM or fail). Register the SPN on the account the service runs"
                + " as: the computer account when it runs as Network Service or ApplicationPoolIdentity, otherwise the"
                + " service account (and for a CNAME alias, register the name the client builds the SPN from).")
            .fix("setspn -Q " + spn, "setspn -S " + spn + " " + Flows.netbiosDomain(realm) + "\\" + Flows.computerAccount(host),
                 "klist purge");
    }
}
