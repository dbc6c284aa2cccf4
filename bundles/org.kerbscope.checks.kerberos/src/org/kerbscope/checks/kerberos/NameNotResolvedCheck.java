package org.kerbscope.checks.kerberos;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.kerbscope.core.flow.FindingBuilder;
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

    @Override
    public void run(Analysis a, FindingSink sink) {
        Set<String> hosts = new HashSet<>();
        for (AuthAttempt at : a.attempts()) {
            if (at.host() != null) {
                hosts.add(at.host().toLowerCase(Locale.ROOT));
            }
        }
        Set<String> resolved = new HashSet<>();
        for (Event e : a.events("dns")) {
            if ("response".equals(e.string("kind")) && e.integer("rcode", 0) == 0 && hasAddress(e)) {
                resolved.add(lower(e.string("name")));
            }
        }
        Set<String> withAddress = new HashSet<>();
        for (Event e : a.events("dns")) {
            if ("response".equals(e.string("kind")) && hasAddress(e)) {
                withAddress.add(lower(e.string("name")));
            }
        }
        Set<String> done = new HashSet<>();
        for (Event e : a.events("dns")) {
            int type = e.integer("type", 0);
            String name = lower(e.string("name"));
            if (!"response".equals(e.string("kind")) || (type != 1 && type != 28) || resolved.contains(name)
                    || name.isEmpty() || name.startsWith("wpad") || name.startsWith("isatap") || !done.add(name)) {
                continue;
            }
            // NXDOMAIN or SERVFAIL; an empty NOERROR answer (no AAAA record, say) is normal
            int rcode = e.integer("rcode", 0);
            boolean failed = rcode == 3 || rcode == 2;
            if (!failed || withAddress.contains(name)) {
                continue;
            }
            if (hosts.contains(name)) {
                report(a, sink, name, e, null, Severity.ERROR);
            } else if (a.attempts().isEmpty()) {
                // no attempt to tie it to: it may be the whole story (the client gave up) or a resolver's search-list
                // miss; outside evidence or the user decides, so it is a warning
                report(a, sink, name, e, null, Severity.WARNING);
            }
        }
        for (EvidenceItem ev : a.evidence("dns")) {
            if (ev.string("error") != null && ev.string("name") != null && done.add(lower(ev.string("name")))) {
                report(a, sink, lower(ev.string("name")), null, ev, Severity.ERROR);
            }
        }
    }

    private static void report(Analysis a, FindingSink sink, String name, Event e, EvidenceItem ev, Severity severity) {
        FindingBuilder f = new FindingBuilder("dns.name-not-resolved").step(Step.NAME_RESOLUTION).severity(severity);
        if (e != null) {
            f.frame(e.frame(), "DNS " + (e.integer("rcode", 0) == 3 ? "NXDOMAIN (name does not exist)" : "SERVFAIL (the server could not answer)")
                    + " for " + name + " from " + e.src().address());
            for (AuthAttempt at : a.attempts()) {
                if (name.equalsIgnoreCase(at.host())) {
                    f.attempt(at.index());
                }
            }
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

    private static boolean hasAddress(Event e) {
        for (Object o : e.list("answers")) {
            String s = String.valueOf(o);
            if (s.matches("[0-9.]+") || s.contains(":")) {
                return true;
            }
        }
        return false;
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
