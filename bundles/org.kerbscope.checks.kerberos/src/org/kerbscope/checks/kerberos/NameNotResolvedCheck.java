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
 * lookup resolved are not findings. Resolve-DnsName/nslookup output saying the name does not exist counts too, and
 * so do lookups that no server answered at all (see {@link #unanswered}).
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
        for (AuthAttempt at : a.attempts()) {
            if (at.host() != null) {
                hosts.add(at.host().toLowerCase(Locale.ROOT));
                // the last attempt for the name, compared as equalsIgnoreCase does
                attemptByHost.put(Flows.caseKey(at.host()), at.index());
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
        unanswered(a, hosts, sink);
        Set<String> done = new HashSet<>();
        for (EvidenceItem ev : a.evidence("dns")) {
            if (ev.string("error") != null && ev.string("name") != null && !failures.seen().contains(lower(ev.string("name")))
                    && done.add(lower(ev.string("name")))) {
                report(sink, lower(ev.string("name")), null, -1, ev, Severity.ERROR);
            }
        }
    }

    /**
     * Host-name lookups no server answered, for names no attempt reached (a client that connected found the address
     * elsewhere). A server that answered nothing at all in the capture makes one finding: it is down, is not a DNS
     * server, or port 53 to it is blocked, and every lookup fails; an error when the capture holds no attempt (the
     * lookups are all there is of the story), else a warning (the attempts got their addresses some other way). A
     * server that answered other lookups makes one warning per name, and only when the capture holds no attempt, as
     * for the failed lookups.
     */
    private static void unanswered(Analysis a, Set<String> reached, FindingSink sink) {
        Map<String, List<Flows.UnansweredLookup>> bySilentServer = new java.util.LinkedHashMap<>();
        for (Flows.UnansweredLookup u : Flows.unansweredLookups(a)) {
            if ((u.type() != 1 && u.type() != 28) || reached.contains(u.name()) || autoDiscovery(u.name())) {
                continue;
            }
            if (!u.serversAnswerOthers()) {
                bySilentServer.computeIfAbsent(String.join(", ", u.servers()), k -> new ArrayList<>()).add(u);
                continue;
            }
            if (!a.attempts().isEmpty()) {
                continue; // a name no attempt needed, as for the failed lookups above
            }
            FindingBuilder f = new FindingBuilder("dns.name-not-resolved").step(Step.NAME_RESOLUTION)
                    .severity(Severity.WARNING)
                    .frame(u.first().frame(), "DNS query for " + u.name() + " from " + u.first().src().address()
                            + " to " + String.join(", ", u.servers()) + ": no response (" + u.queries() + " queries)");
            sink.report(f.title("No answer for " + u.name() + " from the DNS server " + String.join(", ", u.servers()))
                    .explanation("Step 1 failed: the client asked " + String.join(", ", u.servers()) + " for the address of "
                            + u.name() + " " + times(u.queries()) + ", and no response came back, although the server"
                            + " answered other lookups. A DNS server that forwards the query (to another domain's"
                            + " servers, or to the Internet) and gets no reply in time stays silent like this. Without"
                            + " an address the client cannot connect, and no ticket can be requested for a service on"
                            + " the name.")
                    .fix("Resolve-DnsName -Name " + u.name() + " -Server " + u.servers().get(0) + " -DnsOnly",
                            "Get-DnsServerForwarder", "ipconfig /all", "ipconfig /flushdns")
                    .build());
        }
        for (Map.Entry<String, List<Flows.UnansweredLookup>> en : bySilentServer.entrySet()) {
            String server = en.getKey();
            List<Flows.UnansweredLookup> lookups = en.getValue();
            FindingBuilder f = new FindingBuilder("dns.name-not-resolved").step(Step.NAME_RESOLUTION)
                    .severity(a.attempts().isEmpty() ? Severity.ERROR : Severity.WARNING);
            Set<String> lookupNames = new java.util.LinkedHashSet<>();
            Set<String> askers = new java.util.LinkedHashSet<>();
            int queries = 0;
            for (Flows.UnansweredLookup u : lookups) {
                lookupNames.add(u.name());
                askers.add(u.first().src().address());
                queries += u.queries();
                if (lookupNames.size() <= 10) {
                    f.frame(u.first().frame(), "DNS query for " + u.name() + " from " + u.first().src().address()
                            + ": no response (" + u.queries() + " queries)");
                }
            }
            String first = lookups.get(0).servers().get(0);
            sink.report(f.title("The DNS server " + server + " does not answer: " + String.join(", ",
                            lookupNames.stream().limit(3).toList()) + (lookupNames.size() > 3 ? " and "
                            + (lookupNames.size() - 3) + " more" : "") + " not resolved")
                    .explanation((a.attempts().isEmpty() ? "Step 1 failed: " : "") + String.join(", ", askers) + " asked " + server + " " + times(queries)
                            + " for " + lookupNames.size() + (lookupNames.size() == 1 ? " name" : " names")
                            + " and no response came back, to these or to any other lookup in the capture. The server is"
                            + " down, is not a DNS server, or something between blocks port 53 (UDP and TCP); or the"
                            + " client's adapter points at the wrong server. Without an address the client cannot"
                            + " connect, and no ticket can be requested. (A capture taken where the responses do not"
                            + " pass, such as a one-way mirror port, looks the same: check it holds other replies.)")
                    .fix("Resolve-DnsName -Name " + lookupNames.iterator().next() + " -Server " + first + " -DnsOnly",
                            "Test-NetConnection -ComputerName " + first + " -Port 53", "Get-DnsClientServerAddress",
                            "ipconfig /all",
                            "Set-DnsClientServerAddress -InterfaceAlias <adapter> -ServerAddresses <domain DNS server>")
                    .build());
        }
    }

    /** Names Windows looks up to discover a proxy or a tunnel, which most networks never define. */
    private static boolean autoDiscovery(String lowerName) {
        return lowerName.startsWith("wpad") || lowerName.startsWith("isatap");
    }

    private static String times(int n) {
        return n == 1 ? "once" : n == 2 ? "twice" : n + " times";
    }

    private static Failures failures(Analysis a) {
        Set<String> seen = new HashSet<>();
        List<Event> failed = new ArrayList<>();
        // each name's first A/AAAA answer decides, unless another response resolved the name
        for (Event e : Flows.firstAddressLookups(a)) {
            String name = lower(e.string("name"));
            Flows.DnsName facts = Flows.dnsName(a, name);
            if (facts.resolved() || name.isEmpty() || autoDiscovery(name)) {
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
