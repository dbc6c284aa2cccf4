package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code dns.dc-not-found}: every DC-locator SRV lookup the capture holds for a domain (_ldap._tcp.dc._msdcs.DOMAIN,
 * _kerberos._tcp.DOMAIN and their per-site forms) came back without a record, or got no answer at all (lookups the
 * client repeated or asked two seconds or more before the capture ends: {@link Flows#unansweredLookups}). A computer joined to that domain then
 * finds no KDC: no TGS-REQ follows the server's 401 Negotiate, and the browser falls back to NTLM or fails. A
 * site-specific lookup that fails while the domain-wide one answers is the normal fallback and raises nothing. A
 * warning, not an error: a computer in a workgroup asks for its workgroup's records too, and fails harmlessly.
 */
public final class DcNotFoundCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        Map<String, List<Event>> responses = Flows.dcLocatorResponses(a);
        Map<String, List<Flows.UnansweredLookup>> unanswered = new TreeMap<>();
        for (Flows.UnansweredLookup u : Flows.unansweredLookups(a)) {
            String domain = u.type() == 33 ? Flows.dcLocatorDomain(u.name()) : null;
            if (domain != null) {
                unanswered.computeIfAbsent(domain, k -> new ArrayList<>()).add(u);
            }
        }
        Set<String> domains = new TreeSet<>(responses.keySet());
        domains.addAll(unanswered.keySet());
        for (String domain : domains) {
            List<Event> rs = responses.getOrDefault(domain, List.of());
            List<Flows.UnansweredLookup> us = unanswered.getOrDefault(domain, List.of());
            if (rs.isEmpty() && us.isEmpty() || rs.stream().anyMatch(DcNotFoundCheck::found)) {
                continue;
            }
            FindingBuilder f = new FindingBuilder("dns.dc-not-found").severity(Severity.WARNING).step(Step.TICKET_REQUEST);
            Set<String> clients = new LinkedHashSet<>();
            int cited = 0;
            int lookups = rs.size();
            for (Event r : rs) {
                clients.add(r.dst().address());
                if (cited++ < 10) {
                    f.frame(r.frame(), "SRV " + r.string("name") + ": " + outcome(r));
                }
            }
            for (Flows.UnansweredLookup u : us) {
                clients.add(u.first().src().address());
                lookups += u.queries();
                if (cited++ < 10) {
                    f.frame(u.first().frame(), "SRV " + u.name() + ": no response from " + String.join(", ", u.servers())
                            + " (" + u.queries() + (u.queries() == 1 ? " query)" : " queries)"));
                }
            }
            String outcome = us.isEmpty() ? "came back without a record"
                    : rs.isEmpty() ? "went unanswered" : "came back without a record or went unanswered";
            sink.report(f.title("No domain controller found for " + domain + ": its SRV records do not resolve")
                    .explanation("Windows finds the KDCs and domain controllers of its domain through DNS SRV records"
                            + " (the DC locator: _ldap._tcp.dc._msdcs." + domain + ", _kerberos._tcp." + domain + "). Every"
                            + " such lookup here (" + lookups + ", from " + String.join(", ", clients) + ") " + outcome
                            + ". A computer joined to " + domain + " then cannot get Kerberos tickets, so"
                            + " Negotiate falls back to NTLM or fails: check that its DNS servers are the domain's (not a"
                            + " public resolver or the router), that they answer, and that the domain controllers"
                            + " registered their records. A computer that is not in a domain of that name (a workgroup)"
                            + " asks for these records too, and its failing lookups can be ignored.")
                    .fix("nltest /dsgetdc:" + domain, "Resolve-DnsName -Type SRV _ldap._tcp.dc._msdcs." + domain,
                            "ipconfig /all", "dcdiag /test:dns /v", "nltest /dsregdns")
                    .build());
        }
    }

    /** A response that names at least one SRV target, with no error. */
    private static boolean found(Event r) {
        return r.integer("rcode", 0) == 0 && !r.list("answers").isEmpty();
    }

    private static String outcome(Event r) {
        int rcode = r.integer("rcode", 0);
        return switch (rcode) {
            case 0 -> "no record";
            case 2 -> "SERVFAIL";
            case 3 -> "NXDOMAIN (no such name)";
            case 5 -> "REFUSED";
            default -> "rcode " + rcode;
        };
    }
}
