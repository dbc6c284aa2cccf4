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
        if (spn == null || spn.isBlank()) {
            // sname is required in a KRB-ERROR (RFC 4120 5.9.1): one read without it was cut short or malformed
            f.step(Step.TICKET).title("The KDC does not know the service principal the client asked for")
                .explanation("Step 6 of the flow failed: the client asked the domain controller for a service ticket"
                    + " and the KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN (7), but neither the error nor a request before"
                    + " it names the principal (their bytes are cut short or malformed: see the Diagnostics view). No"
                    + " account in " + (realm != null ? realm : "the realm") + " has the SPN the client built; the domain"
                    + " controller's Security log names it (event 4769, failure code 0x7, with Kerberos Service Ticket"
                    + " Operations audited). Register that SPN on the account the service runs as.")
                .fix("Get-WinEvent -FilterHashtable @{LogName='Security';Id=4769} -MaxEvents 50", "klist purge");
            return;
        }
        String host = spn.contains("/") ? spn.substring(spn.indexOf('/') + 1) : "host";
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
                        + name + (l.query() != null ? ", looked up in frame " + l.query().frame()
                            : ", answered in frame " + l.response().frame()) + ")" : "") + " into an address and found no"
                        + " reverse (PTR) record to turn it back, as SASL/GSSAPI clients such as ldapsearch do (Windows builds"
                        + " an SPN from an address only with TryIPSPN). Use the server's DNS name, add the PTR record, or stop"
                        + " the client from canonicalising the host (rdns = false in krb5.conf, SASL_NOCANON on in ldap.conf)."))
                .fix("Resolve-DnsName " + address + " -Type PTR", "setspn -Q " + spn, "klist purge");
            return;
        }
        if (spn.regionMatches(true, 0, "HTTP/", 0, 5) && Flows.portOf(spn) >= 0) {
            // a web site's SPN names no port unless the client was told to add it (SQL Server's do, by design)
            String account = Flows.netbiosDomain(realm) + "\\" + Flows.computerAccount(address);
            f.step(Step.TICKET).title("The KDC does not know the service principal " + spn + ", which names a port")
                .explanation("Step 6 of the flow failed: the client asked the domain controller for a service ticket for "
                    + spn + " and the KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN (7). The client put the site's port into"
                    + " the SPN, which browsers do only when told to (Internet Explorer's FEATURE_INCLUDE_PORT_IN_SPN_KB908209,"
                    + " the EnableAuthNegotiatePort policy of Chrome and Edge); web sites' SPNs are HTTP/" + address
                    + " without a port, and no account in " + realm + " has this one. Stop the client from adding the port,"
                    + " or register the SPN with its port on the account the site runs as (the computer account for"
                    + " Network Service or ApplicationPoolIdentity, otherwise the service account).")
                .fix("setspn -Q HTTP/" + address, "setspn -Q " + spn, "setspn -S " + spn + " " + account, "klist purge");
            return;
        }
        Flows.Lookup alias = aliasLookup(a, e.dst().address(), address, e.frame());
        if (alias != null && spn.indexOf('/') > 0) {
            // the client built the SPN from the name it was given, not from the canonical name its lookup ended at
            String canonical = alias.canonical();
            String cls = spn.substring(0, spn.indexOf('/'));
            f.step(Step.TICKET).frame(alias.response().frame(), address + " is an alias (CNAME) of " + canonical)
                .title("The KDC does not know the service principal " + spn + ", built from an alias of " + canonical)
                .explanation("Step 6 of the flow failed: the client asked the domain controller for a service ticket for "
                    + spn + " and the KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN (7). " + address + " is an alias (CNAME)"
                    + " of " + canonical + ", and the client built the SPN from the alias: Windows and browsers by default"
                    + " build it from the canonical name (" + cls + "/" + canonical + "), clients that were told not to"
                    + " (the DisableAuthNegotiateCnameLookup policy of Chrome and Edge, dns_canonicalize_hostname = false"
                    + " in MIT Kerberos' krb5.conf) from the name as typed. Register " + spn + " on the account that holds "
                    + cls + "/" + canonical + ", or let the client follow the CNAME.")
                .fix("setspn -Q " + cls + "/" + canonical, "setspn -S " + spn + " " + Flows.netbiosDomain(realm) + "\\"
                    + Flows.computerAccount(canonical), "klist purge");
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

    /** The client's lookup of {@code name} before {@code frame} that went through a CNAME, or null. */
    private static Flows.Lookup aliasLookup(Analysis a, String client, String name, long frame) {
        Flows.Lookup found = null;
        for (Flows.Lookup l : Flows.lookupsOf(a, client, name)) {
            if (!l.chain().isEmpty() && l.response().frame() < frame
                    && !l.canonical().equalsIgnoreCase(name)) {
                found = l;
            }
        }
        return found;
    }
}
