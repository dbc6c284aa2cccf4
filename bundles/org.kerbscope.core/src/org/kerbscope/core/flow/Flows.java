package org.kerbscope.core.flow;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Locale;
import java.util.Set;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.TcpEvent;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.Step;

/**
 * What every service profile needs to tie an attempt together from the substrate protocols Kerbscope is built
 * on (DNS, TCP, Kerberos, NTLM): name lookups, connection facts, ticket exchanges. Service-neutral.
 */
public final class Flows {
    private Flows() {
    }

    /**
     * Has the reading of a capture into {@code a} file its DNS and Kerberos messages for the flow helpers as it adds
     * them (see {@link Analysis#indexAsAdded}): the diagnosis then starts with those indexes built, instead of
     * building them in a pass over the messages (the largest part of the first service profile's time on a large
     * capture, reading back the messages kept in temporary files). One reading thread; {@link
     * Analysis#finishIndexers} after it.
     */
    public static void indexWhileReading(Analysis a) {
        a.indexAsAdded("dns", DnsIndex.KEY, DnsIndex.indexer());
        a.indexAsAdded("kerberos", KerberosIndex.KEY, KerberosIndex.indexer());
    }

    /** Is this text an IPv4 or IPv6 literal (as a Host header or URL may hold)? */
    public static boolean isIpLiteral(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']'))) : host;
        return isIpv4(h) || (h.indexOf(':') >= 0 && isIpv6Text(h));
    }

    /** Four groups of one to three ASCII digits separated by dots (what the address looks like, not its range). */
    private static boolean isIpv4(String h) {
        int groups = 0, digits = 0;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return false;
                }
            } else if (c == '.' && digits > 0 && groups < 3) {
                groups++;
                digits = 0;
            } else {
                return false;
            }
        }
        return groups == 3 && digits > 0;
    }

    /** Only hexadecimal digits, colons and dots (an IPv6 literal, possibly with an embedded IPv4 address). */
    private static boolean isIpv6Text(String h) {
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Is this DNS answer an address (digits and dots, or IPv6 with colons) rather than a name of the CNAME chain? */
    public static boolean isAddressAnswer(String answer) {
        if (answer.indexOf(':') >= 0) {
            return true;
        }
        if (answer.isEmpty()) {
            return false;
        }
        for (int i = 0; i < answer.length(); i++) {
            char c = answer.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    /**
     * A key under which two texts are equal exactly when {@link String#equalsIgnoreCase} says so (each code point
     * upper-cased then lower-cased, as that comparison does), for hash maps that replace such comparisons.
     */
    public static String caseKey(String s) {
        boolean ascii = true;
        boolean upper = false;
        for (int i = 0; i < s.length() && ascii; i++) {
            char c = s.charAt(i);
            ascii = c < 0x80;
            upper |= c >= 'A' && c <= 'Z';
        }
        if (ascii) {
            // for ASCII the fold is plain lower case
            return upper ? s.toLowerCase(Locale.ROOT) : s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            b.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp)));
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /** The host part of a Host header value (without port). */
    public static String hostOnly(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int e = h.indexOf(']');
            return e > 0 ? h.substring(1, e) : h;
        }
        int c = h.indexOf(':');
        return c > 0 && h.indexOf(':', c + 1) < 0 ? h.substring(0, c) : h;
    }

    /** A DNS lookup for a name as the client made it, with the CNAME chain and addresses it got. */
    public record Lookup(String name, Event query, Event response, List<String> chain, List<String> addresses,
            int rcode) {
        /** The name the records end at: the canonical name Windows builds the SPN from. */
        public String canonical() {
            return chain.isEmpty() ? name : chain.get(chain.size() - 1);
        }
    }

    /**
     * The last DNS lookup by {@code client} (address) whose answers include {@code address}, made before
     * {@code beforeFrame}; null when none.
     */
    public static Lookup lookupFor(Analysis a, String client, String address, long beforeFrame) {
        DnsIndex.Client c = DnsIndex.of(a).client(client);
        List<Event> candidates = address == null ? c.responses
                : c.responsesByAnswer.getOrDefault(caseKey(address), List.of());
        int i = countBefore(candidates, beforeFrame);
        return i == 0 ? null : lookup(a, candidates.get(i - 1));
    }

    /** How many events of a list in frame order come before {@code frame} (binary search). */
    private static int countBefore(List<Event> events, long frame) {
        return count(events, frame, false);
    }

    /** How many events of a list in frame order come at or before {@code frame} (binary search). */
    private static int countUpTo(List<Event> events, long frame) {
        return count(events, frame, true);
    }

    private static int count(List<Event> events, long frame, boolean inclusive) {
        int lo = 0, hi = events.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long f = events.get(mid).frame();
            if (f < frame || inclusive && f == frame) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Every lookup of {@code name} (case-insensitive) by {@code client} (any client when null), in frame order. */
    public static List<Lookup> lookupsOf(Analysis a, String client, String name) {
        List<Lookup> out = new ArrayList<>();
        if (name == null) {
            return out;
        }
        if (client == null) {
            DnsIndex.Name n = DnsIndex.of(a).name(name.toLowerCase(Locale.ROOT));
            for (Event r : n != null ? n.responses() : List.<Event>of()) {
                out.add(lookup(a, r));
            }
            return out;
        }
        // one client's lookups of one name: a name thousands of clients resolve must not be scanned per attempt
        DnsIndex.Client c = DnsIndex.of(a).client(client);
        for (Event r : c.responsesByName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of())) {
            out.add(lookup(a, r));
        }
        return out;
    }

    private static Lookup lookup(Analysis a, Event response) {
        DnsIndex dns = DnsIndex.of(a);
        return dns.lookup(response, r -> {
            // the query: the last one from the same client with the same id before the response
            Event query = null;
            for (Event q : dns.client(r.dst().address()).queries(r.integer("id", -2))) {
                if (q.frame() > r.frame()) {
                    break;
                }
                query = q;
            }
            List<String> chain = new ArrayList<>();
            List<String> addrs = new ArrayList<>();
            for (Object o : r.list("answers")) {
                String v = String.valueOf(o);
                if (isAddressAnswer(v)) {
                    addrs.add(v);
                } else {
                    chain.add(v);
                }
            }
            // shared by every caller: read-only
            return new Lookup(r.string("name"), query, r, List.copyOf(chain), List.copyOf(addrs), r.integer("rcode", 0));
        });
    }

    /**
     * What the capture's DNS responses say about a name (lower case): whether any answered it with an address, and
     * whether a successful one (rcode 0) did. Null when no response names it.
     */
    public record DnsName(boolean answeredWithAddress, boolean resolved) {
    }

    public static DnsName dnsName(Analysis a, String lowerName) {
        DnsIndex.Name n = DnsIndex.of(a).name(lowerName);
        return n == null ? null : new DnsName(n.answeredWithAddress, n.resolved);
    }

    /**
     * The responses to the DC locator's SRV lookups (MS-ADTS 6.3.2.3: _ldap._tcp[.site._sites].dc._msdcs.DOMAIN,
     * _kerberos._tcp|_udp[.site._sites][.dc._msdcs].DOMAIN, _ldap._tcp.pdc/gc._msdcs.DOMAIN), by the domain they look
     * for (lower case), each list in frame order.
     */
    public static Map<String, List<Event>> dcLocatorResponses(Analysis a) {
        DnsIndex index = DnsIndex.of(a);
        Map<String, List<Event>> out = new java.util.TreeMap<>();
        for (String name : index.serviceNames()) {
            String domain = dcLocatorDomain(name);
            if (domain != null) {
                out.computeIfAbsent(domain, k -> new ArrayList<>()).addAll(index.name(name).responses());
            }
        }
        out.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(Event::frame)));
        return out;
    }

    /**
     * Lookups nobody answered: a name (lower case) of type A, AAAA or SRV that was queried and that no DNS response in
     * the capture names, with its first query, how many queries asked for it, the servers asked and whether any of
     * them answered other queries. Only lookups the client repeated, or whose first query came at least two seconds
     * before the capture ends (a Windows client retries after one), count: a capture stopped right after a query
     * says nothing about its answer.
     */
    public record UnansweredLookup(String name, int type, Event first, int queries, List<String> servers,
            boolean serversAnswerOthers) {
    }

    public static List<UnansweredLookup> unansweredLookups(Analysis a) {
        return a.index("flows.unansweredLookups", () -> {
            DnsIndex index = DnsIndex.of(a);
            long end = a.capture() != null ? a.capture().endNanos() : Long.MAX_VALUE;
            List<UnansweredLookup> out = new ArrayList<>();
            for (Map.Entry<String, DnsIndex.Queried> en : index.unanswered().entrySet()) {
                DnsIndex.Queried q = en.getValue();
                Event first = index.at(q.first);
                if (q.count < 2 && end - first.timeNanos() < 2_000_000_000L) {
                    continue;
                }
                boolean others = q.servers.stream().anyMatch(index::answers);
                out.add(new UnansweredLookup(en.getKey(), q.type, first, q.count, List.copyOf(q.servers), others));
            }
            out.sort(java.util.Comparator.comparingLong(u -> u.first().frame()));
            return java.util.Collections.unmodifiableList(out);
        });
    }

    /** The domain a DC-locator SRV name (lower case) looks for, or null for any other name. */
    public static String dcLocatorDomain(String name) {
        int msdcs = name.indexOf("._msdcs.");
        if ((name.startsWith("_ldap._tcp.") || name.startsWith("_kerberos._tcp.") || name.startsWith("_kerberos._udp."))
                && msdcs > 0) {
            String domain = name.substring(msdcs + 8);
            return domain.isEmpty() ? null : domain;
        }
        if (name.startsWith("_kerberos._tcp.") || name.startsWith("_kerberos._udp.")) {
            String rest = name.substring(15);
            int sites = rest.indexOf("._sites.");
            String domain = sites >= 0 ? rest.substring(sites + 8) : rest;
            return domain.isEmpty() ? null : domain;
        }
        return null;
    }

    /** The first A or AAAA response for each name (ignoring case), in frame order. */
    public static List<Event> firstAddressLookups(Analysis a) {
        return java.util.Collections.unmodifiableList(DnsIndex.of(a).firstAddressLookups());
    }

    /** TCP control facts between the two endpoints (either direction) in frame order. */
    public static List<TcpEvent> tcp(Analysis a, String client, Endpoint server) {
        Map<PairKey, List<TcpEvent>> byPair = a.index("flows.tcpByPair", () -> {
            Map<PairKey, List<TcpEvent>> m = new HashMap<>();
            for (TcpEvent t : a.tcpEvents()) {
                // filed under both directions' (client address, server endpoint) so either side finds it: every fact
                // under a key runs from that client to that server or back
                m.computeIfAbsent(new PairKey(t.src().address(), t.dst()), k -> new ArrayList<>()).add(t);
                m.computeIfAbsent(new PairKey(t.dst().address(), t.src()), k -> new ArrayList<>()).add(t);
            }
            return m;
        });
        return java.util.Collections.unmodifiableList(byPair.getOrDefault(new PairKey(client, server), List.of()));
    }

    /** Compares SPNs as Windows does: case-insensitive, realm and port ignored. */
    public static boolean sameSpn(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return strip(a).equals(strip(b));
    }

    static String strip(String spn) {
        String s = spn.toLowerCase(Locale.ROOT);
        int at = s.indexOf('@');
        if (at > 0) {
            s = s.substring(0, at);
        }
        String[] parts = s.split("/");
        if (parts.length >= 2) {
            String host = parts[1];
            int colon = host.indexOf(':');
            if (colon > 0) {
                host = host.substring(0, colon);
            }
            return parts[0] + "/" + host;
        }
        return s;
    }

    /** Kerberos messages sent by or to {@code client}, in frame order (every message when client is null). */
    public static List<Event> kerberosOf(Analysis a, String client) {
        if (client == null) {
            return a.events("kerberos");
        }
        Map<String, List<Event>> byHost = KerberosIndex.of(a).byHost;
        return byHost.getOrDefault(client, List.of());
    }

    /** The KDC's answer (TGS-REP, AS-REP or KRB-ERROR) to a request: the next reply on the same conversation. */
    public static Event replyTo(Analysis a, Event request) {
        List<Event> back = kerberosBetween(a, request.dst().address(), request.src().address());
        for (int i = countUpTo(back, request.frame()); i < back.size(); i++) {
            Event e = back.get(i);
            String t = e.string("msgType");
            if (("TGS-REP".equals(t) || "AS-REP".equals(t) || "KRB-ERROR".equals(t))
                    && (e.dst().port() == request.src().port() || e.src().port() == request.dst().port())) {
                return e;
            }
        }
        return null;
    }

    /**
     * The last request (AS-REQ, TGS-REQ or AP-REQ) that {@code to} sent to {@code from} at or before {@code frame}:
     * what a KRB-ERROR from {@code from} to {@code to} at that frame answers. Null when none.
     */
    public static Event requestBefore(Analysis a, String from, String to, long frame, boolean tgsOnly) {
        List<Event> sent = kerberosBetween(a, to, from);
        for (int i = countUpTo(sent, frame) - 1; i >= 0; i--) {
            String t = sent.get(i).string("msgType");
            if ("TGS-REQ".equals(t) || !tgsOnly && ("AS-REQ".equals(t) || "AP-REQ".equals(t))) {
                return sent.get(i);
            }
        }
        return null;
    }

    /** Every KRB-ERROR, in frame order. */
    public static List<Event> kdcErrors(Analysis a) {
        return java.util.Collections.unmodifiableList(KerberosIndex.of(a).errors);
    }

    /**
     * The KRB-ERRORs with one of these error codes, in frame order: each check of one error reads its own, not every
     * error of a busy capture.
     */
    public static List<Event> kdcErrors(Analysis a, int... codes) {
        return java.util.Collections.unmodifiableList(KerberosIndex.of(a).errors(codes));
    }

    /**
     * The KRB-ERRORs whose code is none of these, in frame order: the errors no check of their own explains.
     */
    public static List<Event> kdcErrorsExcept(Analysis a, int... codes) {
        return java.util.Collections.unmodifiableList(KerberosIndex.of(a).errorsExcept(codes));
    }

    /** The KRB-ERRORs one host (address) received, in frame order. */
    public static List<Event> kdcErrorsTo(Analysis a, String host) {
        return java.util.Collections.unmodifiableList(KerberosIndex.of(a).errorsTo.getOrDefault(host, List.of()));
    }

    /** Kerberos messages sent from one host (address) to another, in frame order. */
    public static List<Event> kerberosBetween(Analysis a, String from, String to) {
        Map<PairKey, List<Event>> byPair = KerberosIndex.of(a).byHostPair;
        return java.util.Collections.unmodifiableList(byPair.getOrDefault(new PairKey(from, to), List.of()));
    }

    /**
     * The events of one protocol (the JSON array name) in one frame, in their order: what a carrier's message (an SMB
     * SESSION_SETUP, an LDAP bind) held.
     */
    public static List<Event> atFrame(Analysis a, String protocol, long frame) {
        Map<Long, List<Event>> byFrame = a.index("flows.byFrame." + protocol, () -> {
            Map<Long, List<Event>> m = new HashMap<>();
            for (Event e : a.events(protocol)) {
                m.computeIfAbsent(e.frame(), k -> new ArrayList<>(1)).add(e);
            }
            return m;
        });
        return byFrame.getOrDefault(frame, List.of());
    }

    /** Kerberos messages sent from or to one endpoint (address and port), in frame order. */
    public static List<Event> kerberosAt(Analysis a, Endpoint endpoint) {
        Map<Endpoint, List<Event>> byEndpoint = KerberosIndex.of(a).byEndpoint;
        return java.util.Collections.unmodifiableList(byEndpoint.getOrDefault(endpoint, List.of()));
    }

    /**
     * The last TGS-REQ {@code client} sent at or before {@code lastFrame} for a service principal of the class
     * {@code spnClass} (its name starts with {@code spnClass/}, ignoring case) that is one of {@code spns} as
     * {@link #sameSpn} compares them, or for any of the class when {@code spns} is empty. Null when none.
     */
    public static Event ticketRequest(Analysis a, String client, String spnClass, long lastFrame, String... spns) {
        return ticketRequest(a, client, spnClass, lastFrame, -1, spns);
    }

    /**
     * As {@link #ticketRequest(Analysis, String, String, long, String...)}, for a service on {@code port}: a request
     * whose SPN names another port (HTTP/web:8081, which clients build when told to add the port) is another
     * service's, though {@link #sameSpn} ignores ports. A negative port compares none.
     */
    public static Event ticketRequest(Analysis a, String client, String spnClass, long lastFrame, int port,
            String... spns) {
        String prefix = spnClass.toLowerCase(Locale.ROOT) + "/";
        KerberosIndex kerberos = KerberosIndex.of(a);
        List<Event> ofClient = kerberos.ticketRequestsByClient.getOrDefault(client, List.of());
        if (spns.length == 0) {
            return lastOfClass(ofClient, prefix, lastFrame, port);
        }
        Event best = null;
        for (String spn : spns) {
            if (spn == null) {
                continue;
            }
            Event e = lastOfClass(kerberos.ticketRequestsBySpn.getOrDefault(new PairKey(client, strip(spn)),
                    List.of()), prefix, lastFrame, port);
            // two requests in one frame: the later message is the last request
            if (e != null && (best == null || e.frame() > best.frame()
                    || e.frame() == best.frame() && ofClient.indexOf(e) > ofClient.indexOf(best))) {
                best = e;
            }
        }
        return best;
    }

    private static Event lastOfClass(List<Event> requests, String prefix, long lastFrame, int port) {
        for (int i = countUpTo(requests, lastFrame) - 1; i >= 0; i--) {
            String sname = requests.get(i).string("sname").toLowerCase(Locale.ROOT);
            if (sname.startsWith(prefix) && (port < 0 || portOf(sname) < 0 || portOf(sname) == port)) {
                return requests.get(i);
            }
        }
        return null;
    }

    /** The port an SPN's host part names (HTTP/web:8081 → 8081), or -1 when it names none. */
    public static int portOf(String spn) {
        int slash = spn.indexOf('/');
        int end = spn.indexOf('/', slash + 1);
        String host = slash < 0 ? "" : spn.substring(slash + 1, end < 0 ? spn.length() : end);
        int at = host.indexOf('@');
        host = at >= 0 ? host.substring(0, at) : host;
        int colon = host.lastIndexOf(':');
        if (colon <= 0 || host.indexOf(':') != colon || colon + 1 == host.length() || host.length() - colon > 6) {
            return -1;
        }
        for (int i = colon + 1; i < host.length(); i++) {
            if (!Character.isDigit(host.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(host.substring(colon + 1));
    }

    /** NetBIOS-style domain from a realm: CONTOSO.COM → CONTOSO. */
    public static String netbiosDomain(String realm) {
        if (realm == null || realm.isBlank()) {
            return "DOMAIN";
        }
        int dot = realm.indexOf('.');
        return (dot > 0 ? realm.substring(0, dot) : realm).toUpperCase(Locale.ROOT);
    }

    /** The machine account a service on {@code host} runs as by default: iisserver.contoso.com → IISSERVER$. */
    public static String computerAccount(String host) {
        if (host == null) {
            return "SERVER$";
        }
        int dot = host.indexOf('.');
        return (dot > 0 ? host.substring(0, dot) : host).toUpperCase(Locale.ROOT) + "$";
    }

    /** Frames of events, de-duplicated, in order. */
    public static List<Long> frames(List<Event> events) {
        Set<Long> s = new LinkedHashSet<>();
        for (Event e : events) {
            s.add(e.frame());
        }
        return List.copyOf(s);
    }

    /** Index of the attempt whose steps cite {@code frame} (the first such attempt), or -1. */
    public static int attemptOf(Analysis a, long frame) {
        Map<Long, Integer> byFrame = a.index("attempts.byFrame", () -> {
            int cited = 0;
            for (AuthAttempt at : a.attempts()) {
                for (StepResult st : at.steps()) {
                    cited += st.frames().size();
                }
            }
            // sized for every citation at once: tens of thousands of frames otherwise rehash the table again and again
            Map<Long, Integer> m = HashMap.newHashMap(cited);
            for (AuthAttempt at : a.attempts()) {
                for (StepResult st : at.steps()) {
                    for (Long f : st.frames()) {
                        m.putIfAbsent(f, at.index());
                    }
                }
            }
            return m;
        });
        Integer i = byFrame.get(frame);
        return i != null ? i : -1;
    }

    /**
     * The attempt a Kerberos message concerns: the one whose steps cite it, else the one citing its exchange's other
     * half (the reply to a request, the request an answer or error answers), or -1. An attempt's steps cite one
     * exchange where a client asks again (a Windows client repeats a TGS-REQ the KDC refused, with other options or
     * over TCP), and the step that failed on a TGT cites the error, not the AS-REQ with the client's timestamp.
     */
    public static int attemptOfExchange(Analysis a, Event kerberos) {
        int i = attemptOf(a, kerberos.frame());
        if (i >= 0) {
            return i;
        }
        String t = kerberos.string("msgType");
        Event other = "AS-REQ".equals(t) || "TGS-REQ".equals(t) ? replyTo(a, kerberos)
                : "AS-REP".equals(t) || "TGS-REP".equals(t) || "KRB-ERROR".equals(t)
                        ? requestBefore(a, kerberos.src().address(), kerberos.dst().address(), kerberos.frame(), false)
                        : null;
        return other != null ? attemptOf(a, other.frame()) : -1;
    }

    /**
     * Steps 1 and 2 of any service's attempt: the client's DNS lookup that led to the server's address (with the
     * CNAME chain), and the TCP handshake before the service's first message at {@code firstServiceFrame}. Adds
     * the two step results to the attempt; sets its host from the lookup when it has none.
     */
    public static void nameAndConnect(Analysis a, AuthAttempt at, long firstServiceFrame) {
        String client = at.client();
        Endpoint server = at.server();
        List<TcpEvent> tcp = tcp(a, client, server);
        TcpEvent syn = null, synAck = null, rst = null;
        // the client's SYN sent again, from the same port, while nothing answered it (RFC 9293 3.8.1: retransmitted
        // after a timeout, which doubles each time: 1 s, 3 s, 7 s … on Linux, 3 s, 9 s on Windows)
        List<TcpEvent> resent = new ArrayList<>();
        for (TcpEvent t : tcp) {
            if (t.frame() > firstServiceFrame) {
                break;
            }
            switch (t.kind()) {
                case "SYN" -> {
                    if (syn != null && synAck == null && rst == null && t.src().equals(syn.src())) {
                        resent.add(t);
                    } else {
                        syn = t;
                        synAck = null;
                        rst = null;
                        resent.clear();
                    }
                }
                case "SYN-ACK" -> synAck = t;
                case "RST" -> { if (synAck == null) { rst = t; } }
                default -> {
                    // an ICMP refusal of the client's SYN (a firewall's "administratively prohibited")
                    if (synAck == null && syn != null && t.kind().startsWith("ICMP ") && t.src().equals(syn.src())) {
                        rst = t;
                    }
                }
            }
        }
        long connectFrame = syn != null ? syn.frame() : firstServiceFrame;
        Lookup lookup = lookupFor(a, client, server.address(), connectFrame);
        if (isIpLiteral(at.host())) {
            at.steps().add(new StepResult(Step.NAME_RESOLUTION, StepStatus.NOT_APPLICABLE, List.of(),
                    "the client used the address " + at.host() + " instead of a name"));
        } else if (lookup != null) {
            List<Long> f = new ArrayList<>();
            if (lookup.query() != null) {
                f.add(lookup.query().frame());
            }
            f.add(lookup.response().frame());
            at.setLookedUp(lookup.name());
            if (at.host() == null) {
                at.setHost(lookup.name());
            }
            at.steps().add(new StepResult(Step.NAME_RESOLUTION, StepStatus.OK, f, lookup.name() + " → "
                    + (lookup.chain().isEmpty() ? "" : String.join(" → ", lookup.chain()) + " → ")
                    + String.join(", ", lookup.addresses())));
        } else {
            at.steps().add(new StepResult(Step.NAME_RESOLUTION, StepStatus.NOT_SEEN, List.of(),
                    "no DNS lookup for the server in the capture (cached? run ipconfig /flushdns before recording)"));
        }
        // nothing refused the SYN, and the capture stops before the client would have sent it again
        String cut = syn != null && synAck == null && rst == null && resent.isEmpty()
                ? endsSoonAfter(a, syn.timeNanos(), SYN_RETRY_NANOS) : null;
        String times = resent.isEmpty() ? "" : ", sent " + (resent.size() + 1) + " times over "
                + duration(resent.get(resent.size() - 1).timeNanos() - syn.timeNanos());
        if (syn != null && synAck != null) {
            at.steps().add(new StepResult(Step.CONNECT, StepStatus.OK, List.of(syn.frame(), synAck.frame()),
                    "TCP handshake with " + server + (resent.isEmpty() ? "" : " (answered after the client's SYN"
                            + times + ": packets lost, or a server slow to accept)")));
        } else if (cut != null) {
            at.steps().add(new StepResult(Step.CONNECT, StepStatus.NOT_SEEN, List.of(syn.frame()), "the capture ends " + cut
                    + " after the SYN, before any answer (a client sends it again after one to three seconds without one)"));
        } else if (syn != null) {
            List<Long> f = new ArrayList<>();
            f.add(syn.frame());
            if (rst != null) {
                f.add(rst.frame());
            } else {
                resent.forEach(t -> f.add(t.frame()));
            }
            at.steps().add(new StepResult(Step.CONNECT, StepStatus.FAILED, f, rst != null && rst.kind().startsWith("ICMP ")
                    ? "the connection was refused with " + rst.kind() + ": a firewall or the host turned it away"
                    : rst != null ? "the server refused the connection (RST): nothing listens on port " + server.port()
                    : "no answer to the SYN" + times + ": port " + server.port() + " filtered or host down"));
        } else {
            at.steps().add(new StepResult(Step.CONNECT, StepStatus.NOT_SEEN, List.of(),
                    "the connection was already open when the capture started"));
        }
    }


    /** A span of time as the notes give it: "250 ms", "9.0 s". */
    static String duration(long nanos) {
        return nanos < 1_000_000_000L ? (nanos / 1_000_000) + " ms" : String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** How long a client waits for the SYN/ACK before it sends its SYN again: one second on Linux, up to three on Windows. */
    public static final long SYN_RETRY_NANOS = 3_000_000_000L;

    /** A KDC answers within milliseconds; a client waits about a second before it asks again (or another KDC). */
    public static final long KDC_ANSWER_NANOS = 1_000_000_000L;

    /**
     * How long the capture of {@code a} goes on after {@code e} ("12 ms", "1.4 s"), when it ends within {@code nanos}
     * of it: too soon to say that nobody answered {@code e}. Null when it goes on longer, or when {@code a} does not
     * say when the capture ends.
     */
    public static String endsSoonAfter(Analysis a, Event e, long nanos) {
        return endsSoonAfter(a, e.timeNanos(), nanos);
    }

    /** {@link #endsSoonAfter(Analysis, Event, long)} of the moment {@code timeNanos}. */
    public static String endsSoonAfter(Analysis a, long timeNanos, long nanos) {
        if (a == null || a.capture() == null || a.capture().frames() == 0) {
            return null;
        }
        long after = a.capture().endNanos() - timeNanos;
        if (after < 0 || after >= nanos) {
            return null;
        }
        return duration(after);
    }

    /**
     * Steps 5 and 6 of any service's attempt when the client asked the KDC: the TGS-REQ, and the TGS-REP (the user
     * is taken from it) or the KRB-ERROR that refused the ticket, or no answer.
     */
    public static void ticketSteps(AuthAttempt at, Event tgsReq, Event reply) {
        ticketSteps(null, at, tgsReq, reply);
    }

    /**
     * {@link #ticketSteps(AuthAttempt, Event, Event)}, and where the TGS-REP hides its client (RFC 6113 5.4.3: a KDC
     * answering an armored request may name WELLKNOWN/ANONYMOUS in the clear reply, the client's name being inside the
     * encrypted FAST response) the user is the one the client's last ticket-granting ticket was issued to, from the
     * AS-REP before the request in {@code a}.
     */
    public static void ticketSteps(Analysis a, AuthAttempt at, Event tgsReq, Event reply) {
        at.events().add(tgsReq);
        at.steps().add(new StepResult(Step.TICKET_REQUEST, StepStatus.OK, List.of(tgsReq.frame()), "TGS-REQ for "
                + tgsReq.string("sname") + " (realm " + tgsReq.string("realm") + ")"));
        if (reply == null) {
            String cut = endsSoonAfter(a, tgsReq, KDC_ANSWER_NANOS);
            at.steps().add(new StepResult(Step.TICKET, StepStatus.NOT_SEEN, List.of(), cut != null
                    ? "the capture ends " + cut + " after the request, before any answer from the KDC"
                    : "the KDC did not answer"));
        } else if ("KRB-ERROR".equals(reply.string("msgType"))) {
            at.events().add(reply);
            at.steps().add(new StepResult(Step.TICKET, StepStatus.FAILED, List.of(reply.frame()),
                    "KRB-ERROR " + reply.integer("errorCode", -1) + " " + reply.string("errorName")));
        } else {
            at.events().add(reply);
            if (hidesClient(reply)) {
                String user = a == null ? null : tgtUserBefore(a, tgsReq.src().address(), tgsReq.frame());
                if (user != null) {
                    at.setUser(user);
                }
            } else if (reply.string("cname") != null) {
                at.setUser(reply.string("cname") + "@" + reply.string("realm"));
            }
            at.steps().add(new StepResult(Step.TICKET, StepStatus.OK, List.of(reply.frame()), "service ticket issued"
                    + (reply.fields().get("ticket") instanceof java.util.Map<?, ?> t && t.get("etype") != null
                            ? " (etype " + t.get("etype") + ")" : "")));
        }
    }

    /** Whether a KDC reply names the anonymous principal in the clear because FAST hides the client's name. */
    static boolean hidesClient(Event reply) {
        return "WELLKNOWN/ANONYMOUS".equalsIgnoreCase(reply.string("cname")) && Boolean.TRUE.equals(reply.get("fast"));
    }

    /** The client (cname@realm) of the last AS-REP {@code client} received before {@code frame}, or null. */
    public static String tgtUserBefore(Analysis a, String client, long frame) {
        List<Event> seen = kerberosOf(a, client);
        for (int i = countUpTo(seen, frame) - 1; i >= 0; i--) {
            Event e = seen.get(i);
            if ("AS-REP".equals(e.string("msgType")) && client.equals(e.dst().address()) && e.string("cname") != null
                    && !hidesClient(e)) {
                return e.string("cname") + "@" + (e.string("crealm") != null ? e.string("crealm") : e.string("realm"));
            }
        }
        return null;
    }

    /**
     * Attempts for connections to a service's port that were never answered (SYN without SYN/ACK, or refused): the
     * connect step failed before the service spoke, so every later step is marked not seen. Connections an attempt in
     * {@code known} already covers are left out.
     *
     * @return the new attempts, numbered from {@code firstIndex}
     */
    public static List<AuthAttempt> unansweredConnects(Analysis a, List<AuthAttempt> known, int firstIndex, String service,
            String spnClass, java.util.function.IntPredicate servicePort) {
        java.util.Set<PairKey> pairs = new java.util.HashSet<>();
        for (AuthAttempt at : known) {
            pairs.add(new PairKey(at.client(), at.server()));
        }
        List<AuthAttempt> out = new ArrayList<>();
        for (TcpEvent syn : a.tcpEvents()) {
            if (!"SYN".equals(syn.kind()) || !servicePort.test(syn.dst().port())
                    || !pairs.add(new PairKey(syn.src().address(), syn.dst())) || answered(a, syn)) {
                continue;
            }
            AuthAttempt at = new AuthAttempt(firstIndex + out.size(), syn.src().address(), syn.dst(), service);
            // up to the refusal (a RST, an ICMP "unreachable") when one came: the connect step names it
            nameAndConnect(a, at, refusal(a, syn));
            at.setSpn(at.host() != null ? spnClass + "/" + at.host() : null);
            // a capture that stops right after the SYN says nothing of the connection: the attempt is incomplete
            boolean cut = at.step(Step.CONNECT).status() == StepStatus.NOT_SEEN;
            for (Step s : List.of(Step.ANONYMOUS_REQUEST, Step.CHALLENGE, Step.TICKET_REQUEST, Step.TICKET,
                    Step.AP_EXCHANGE, Step.AUTHORIZED)) {
                at.steps().add(new StepResult(s, StepStatus.NOT_SEEN, List.of(), cut ? "never reached: the capture ends"
                        + " first" : "never reached: no connection"));
            }
            at.setOutcome(cut ? org.kerbscope.core.model.Outcome.INCOMPLETE : org.kerbscope.core.model.Outcome.FAILED);
            out.add(at);
        }
        return out;
    }

    /**
     * The frame of the first refusal of a SYN: the server's RST, or an ICMP "destination unreachable" for it; when none
     * came, the frame of the last time the client sent that SYN again (the SYN's own frame when it did not).
     */
    private static long refusal(Analysis a, TcpEvent syn) {
        long last = syn.frame();
        for (TcpEvent t : tcp(a, syn.src().address(), syn.dst())) {
            if (t.frame() <= syn.frame()) {
                continue;
            }
            if ("RST".equals(t.kind()) && t.src().equals(syn.dst()) && t.dst().equals(syn.src())
                    || t.kind().startsWith("ICMP ") && t.src().equals(syn.src()) && t.dst().equals(syn.dst())) {
                return t.frame();
            }
            if ("SYN".equals(t.kind()) && t.src().equals(syn.src())) {
                last = t.frame();
            }
        }
        return last;
    }

    /** Whether the server answered a SYN (SYN/ACK) later on the same connection. */
    private static boolean answered(Analysis a, TcpEvent syn) {
        for (TcpEvent t : tcp(a, syn.src().address(), syn.dst())) {
            if (t.frame() > syn.frame() && "SYN-ACK".equals(t.kind()) && t.src().equals(syn.dst())
                    && t.dst().equals(syn.src())) {
                return true;
            }
        }
        return false;
    }
}
