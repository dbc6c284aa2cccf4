package org.kerbscope.checks.kerberos;

import java.util.List;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code dns.cname-alias}: the name the user typed is a CNAME. Windows builds the SPN from the canonical name
 * at the end of the chain, so an SPN registered only for the alias is never asked for.
 */
public final class CnameAliasCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : a.attempts()) {
            if (at.host() == null || Flows.isIpLiteral(at.host())) {
                continue;
            }
            List<Flows.Lookup> lookups = Flows.lookupsOf(a, at.client(), at.host());
            for (Flows.Lookup l : lookups) {
                if (l.chain().isEmpty()) {
                    continue;
                }
                String canonical = l.canonical();
                String cls = at.spn() != null && at.spn().contains("/") ? at.spn().substring(0, at.spn().indexOf('/')) : "HTTP";
                sink.report(new FindingBuilder("dns.cname-alias").severity(Severity.WARNING).step(Step.NAME_RESOLUTION)
                        .attempt(at.index())
                        .frame(l.response().frame(), at.host() + " is an alias (CNAME) of " + canonical)
                        .title(at.host() + " is an alias of " + canonical + ": the SPN is built from " + canonical)
                        .explanation("The client resolved " + at.host() + " through a CNAME to " + canonical + ". Windows asks"
                                + " the KDC for " + cls + "/" + canonical + ", not for " + cls + "/" + at.host() + ". If the SPN is"
                                + " registered only for the alias, the ticket request fails (KDC_ERR_S_PRINCIPAL_UNKNOWN) and the"
                                + " browser falls back to NTLM. Register the SPN for the canonical name, or make the site's name an"
                                + " A record.")
                        .fix("setspn -Q " + cls + "/" + canonical, "setspn -Q " + cls + "/" + at.host(),
                                "setspn -S " + cls + "/" + canonical + " " + Flows.netbiosDomain(null) + "\\<service-account>")
                        .build());
                break;
            }
        }
    }
}
