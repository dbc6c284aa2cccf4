package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code dns.name-not-resolved}: a host-name lookup (A/AAAA) that failed (NXDOMAIN, or no address) and never
 * succeeded later, for a name the user's attempt needed — or, when the capture holds no attempt at all, for the
 * names the client looked up (the lookup is then all there is of the story). Suffix-search misses that a later
 * lookup resolved are not findings. Resolve-DnsName/nslookup output saying the name does not exist counts too.
 */
public final class NameNotResolvedCheck implements Check {

    /**
     * What the DNS messages alone say, the same whatever the attempts: the failed lookups (the first response for
     * each name never resolved), and every name such a first response was seen for.
     */
    private record Failures(List<Event> failed, Set<String> seen) {
    }

    @Override
    public void run(Analysis a, FindingSink sink) {
        Failures failures = a.index("dns.nameNotResolved", () -> failures(a));
        Set<String> hosts = new HashSet<>();
        Map<String, Integer> attemptByHost = new HashMap<>();
        if (!failures.failed().isEmpty()) {
            for (AuthAttempt at : a.attempts()) {
                if (at.host() != null) {
                    hosts.add(at.host().toLowerCase(Locale.ROOT));
                    // the last attempt for the name, compared as equalsIgnoreCase does
                    attemptByHost.put(Flows.caseKey(at.host()), at.index());
                }
            }
        }
        for (Event e : failures.failed()) {
            String name = lower(e.string("name"));
            if (hosts.contains(name)) {
                report(sink, name, e, attemptByHost.getOrDefault(Flows.caseKey(name), -1), null, Severity.ERROR);
            } else if (a.attempts().isEmpty()) {
                // no attempt to tie it to: it may be the whole story (the client gave up) or a resolver's search-list
                // miss; outside evidence or the user decides, so it is a warning
                report(sink, name, e, -1, null, Severity.WARNING);
            }
        }
        Set<String> done = new HashSet<>();
        for (EvidenceItem ev : a.evidence("dns")) {
            if (ev.string("error") != null && ev.string("name") != null && !failures.seen().contains(lower(ev.string("name")))
                    && done.add(lower(ev.string("name")))) {
                report(sink, lower(ev.string("name")), null, -1, ev, Severity.ERROR);
            }
        }
    }

    private static Failures failures(Analysis a) {
        Set<String> seen = new HashSet<>();
        List<Event> failed = new ArrayList<>();
        // each name's first A/AAAA answer decides, unless another response resolved the name
        for (Event e : Flows.firstAddressLookups(a)) {
            String name = lower(e.string("name"));
            Flows.DnsName facts = Flows.dnsName(a, name);
            if (facts.resolved() || name.isEmpty() || name.startsWith("wpad") || name.startsWith("isatap")) {
                continue;
            }
            seen.add(name);
            // NXDOMAIN or SERVFAIL; an empty NOERROR answer (no AAAA record, say) is normal
            int rcode = e.integer("rcode", 0);
            if ((rcode == 3 || rcode == 2) && !facts.answeredWithAddress()) {
                failed.add(e);
            }
        }
        return new Failures(failed, seen);
    }

    private static void report(FindingSink sink, String name, Event e, int attempt, EvidenceItem ev, Severity severity) {
        FindingBuilder f = new FindingBuilder("dns.name-not-resolved").step(Step.NAME_RESOLUTION).severity(severity);
        if (e != null) {
            f.frame(e.frame(), "DNS " + (e.integer("rcode", 0) == 3 ? "NXDOMAIN (name does not exist)" : "SERVFAIL (the server could not answer)")
                    + " for " + name + " from " + e.src().address());
            f.attempt(attempt);
        }
        if (ev != null) {
            f.file(ev.file(), "Resolve-DnsName/nslookup: " + ev.string("error"));
        }
        sink.report(f.title("The name " + name + " does not resolve")
                .explanation("Step 1 failed: the DNS server has no address for " + name + ", so the client cannot connect,"
                        + " and no ticket can be requested for a service on it. Check the spelling of the site's name, that the"
                        + " A (or CNAME) record exists in the zone, and that the client asks the domain's DNS servers.")
                .fix("Resolve-DnsName -Name " + name, "ipconfig /flushdns", "ipconfig /all",
                        "Add-DnsServerResourceRecordA -ZoneName <zone> -Name <host> -IPv4Address <address>")
                .build());
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
