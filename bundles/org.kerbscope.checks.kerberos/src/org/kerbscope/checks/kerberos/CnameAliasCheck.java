package org.kerbscope.checks.kerberos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code dns.cname-alias}: the name the user typed is a CNAME. Windows builds the SPN from the canonical name
 * at the end of the chain, so an SPN registered only for the alias is never asked for. Seen in the capture's DNS
 * answers for an attempt's host, or in {@code Resolve-DnsName}/{@code nslookup} output given as evidence.
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
                String realm = at.user() != null && at.user().contains("@") ? at.user().substring(at.user().indexOf('@') + 1)
                        : null;
                var ticket = at.step(Step.TICKET);
                if (ticket != null && ticket.status() == org.kerbscope.core.model.StepStatus.OK && at.spn() != null
                        && Flows.sameSpn(at.spn(), cls + "/" + canonical)) {
                    // the client asked for the canonical name's SPN and got the ticket: the alias is how it should work
                    sink.report(new FindingBuilder("dns.cname-alias").severity(Severity.INFO).step(Step.NAME_RESOLUTION)
                            .attempt(at.index())
                            .frame(l.response().frame(), at.host() + " is an alias (CNAME) of " + canonical)
                            .frame(ticket.frames().get(0), "service ticket for " + at.spn())
                            .title(at.host() + " is an alias of " + canonical + ": the ticket is " + canonical + "'s, as it should be")
                            .explanation("The client resolved " + at.host() + " through a CNAME to " + canonical + " and asked"
                                    + " the KDC for " + at.spn() + ", which it issued: the SPN is registered where Windows"
                                    + " looks for it. An SPN registered only for the alias (" + cls + "/" + at.host()
                                    + ") would never be asked for.")
                            .fix("setspn -Q " + cls + "/" + canonical)
                            .build());
                    break;
                }
                if (at.spn() != null && Flows.sameSpn(at.spn(), cls + "/" + at.host())) {
                    // the client built the SPN from the alias itself (told not to follow the CNAME): what its ticket
                    // request got is the story, which kerberos.spn-unknown tells when the KDC refused it
                    break;
                }
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
                                "setspn -S " + cls + "/" + canonical + " " + Flows.netbiosDomain(realm) + "\\<service-account>")
                        .build());
                break;
            }
        }
        aliasesInEvidence(a, sink);
    }

    /** Each CNAME the DNS evidence shows, followed to the end of its chain within the same evidence. */
    private static void aliasesInEvidence(Analysis a, FindingSink sink) {
        Map<String, EvidenceItem> cnames = new LinkedHashMap<>();
        for (EvidenceItem ev : a.evidence("dns")) {
            if ("CNAME".equalsIgnoreCase(String.valueOf(ev.fields().get("type"))) && ev.fields().get("name") != null
                    && ev.fields().get("answers") instanceof List<?> answers && !answers.isEmpty()) {
                cnames.putIfAbsent(key(ev.fields().get("name")), ev);
            }
        }
        for (EvidenceItem ev : cnames.values()) {
            String alias = strip(ev.fields().get("name").toString());
            String canonical = strip(((List<?>) ev.fields().get("answers")).get(0).toString());
            // a chain of aliases ends at the last name that is not itself a CNAME (bounded: a loop ends too)
            for (int i = 0; i < 8 && cnames.containsKey(key(canonical)); i++) {
                EvidenceItem next = cnames.get(key(canonical));
                canonical = strip(((List<?>) next.fields().get("answers")).get(0).toString());
            }
            if (key(canonical).equals(key(alias))) {
                continue;
            }
            String domain = canonical.indexOf('.') > 0 ? canonical.substring(canonical.indexOf('.') + 1) : null;
            sink.report(new FindingBuilder("dns.cname-alias").severity(Severity.WARNING).step(Step.NAME_RESOLUTION)
                    .file(ev.file(), alias + " is an alias (CNAME) of " + canonical)
                    .title(alias + " is an alias of " + canonical + ": the SPN is built from " + canonical)
                    .explanation("The DNS output shows " + alias + " as a CNAME of " + canonical + ". For a site at " + alias
                            + ", Windows asks the KDC for HTTP/" + canonical + ", not for HTTP/" + alias + ". If the SPN is"
                            + " registered only for the alias, the ticket request fails (KDC_ERR_S_PRINCIPAL_UNKNOWN) and the"
                            + " browser falls back to NTLM. Register the SPN for the canonical name, or make the site's name an"
                            + " A record.")
                    .fix("setspn -Q HTTP/" + canonical, "setspn -Q HTTP/" + alias,
                            "setspn -S HTTP/" + canonical + " " + Flows.netbiosDomain(domain) + "\\<service-account>")
                    .build());
        }
    }

    private static String strip(String name) {
        String n = name.trim();
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static String key(Object name) {
        return strip(name.toString()).toLowerCase(Locale.ROOT);
    }
}
