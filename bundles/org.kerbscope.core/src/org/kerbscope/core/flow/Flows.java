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

    /** Is this text an IPv4 or IPv6 literal (as a Host header or URL may hold)? */
    public static boolean isIpLiteral(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']'))) : host;
        return h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (h.contains(":") && h.matches("[0-9a-fA-F:.]+"));
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
        Event best = null;
        for (Event r : dnsResponsesTo(a, client)) {
            if (r.frame() >= beforeFrame) {
                break;
            }
            List<Object> answers = r.list("answers");
            if (address == null || answers.stream().anyMatch(x -> address.equalsIgnoreCase(String.valueOf(x)))) {
                best = r;
            }
        }
        return best == null ? null : lookup(a, best);
    }

    /** Every lookup of {@code name} (case-insensitive) by {@code client} (any client when null), in frame order. */
    public static List<Lookup> lookupsOf(Analysis a, String client, String name) {
        List<Lookup> out = new ArrayList<>();
        if (name == null) {
            return out;
        }
        Map<String, List<Event>> byName = a.index("flows.dnsResponsesByName", () -> {
            Map<String, List<Event>> m = new HashMap<>();
            for (Event r : a.events("dns")) {
                if ("response".equals(r.string("kind")) && r.string("name") != null) {
                    m.computeIfAbsent(r.string("name").toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(r);
                }
            }
            return m;
        });
        if (client == null) {
            for (Event r : byName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of())) {
                out.add(lookup(a, r));
            }
            return out;
        }
        // one client's lookups of one name: a name thousands of clients resolve must not be scanned per attempt
        Map<String, List<Event>> byClientAndName = a.index("flows.dnsResponsesByClientAndName", () -> {
            Map<String, List<Event>> m = new HashMap<>();
            for (Event r : a.events("dns")) {
                if ("response".equals(r.string("kind")) && r.string("name") != null) {
                    m.computeIfAbsent(r.dst().address() + ">" + r.string("name").toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>()).add(r);
                }
            }
            return m;
        });
        for (Event r : byClientAndName.getOrDefault(client + ">" + name.toLowerCase(Locale.ROOT), List.of())) {
            out.add(lookup(a, r));
        }
        return out;
    }

    /** DNS responses sent to one client, in frame order. */
    private static List<Event> dnsResponsesTo(Analysis a, String client) {
        Map<String, List<Event>> byClient = a.index("flows.dnsResponsesByClient", () -> {
            Map<String, List<Event>> m = new HashMap<>();
            for (Event r : a.events("dns")) {
                if ("response".equals(r.string("kind"))) {
                    m.computeIfAbsent(r.dst().address(), k -> new ArrayList<>()).add(r);
                }
            }
            return m;
        });
        return byClient.getOrDefault(client, List.of());
    }

    private static Lookup lookup(Analysis a, Event response) {
        // the query: the last one from the same client with the same id before the response
        Map<String, List<Event>> queries = a.index("flows.dnsQueriesByClientAndId", () -> {
            Map<String, List<Event>> m = new HashMap<>();
            for (Event q : a.events("dns")) {
                if ("query".equals(q.string("kind"))) {
                    m.computeIfAbsent(q.src().address() + "#" + q.integer("id", -1), k -> new ArrayList<>()).add(q);
                }
            }
            return m;
        });
        Event query = null;
        for (Event q : queries.getOrDefault(response.dst().address() + "#" + response.integer("id", -2), List.of())) {
            if (q.frame() > response.frame()) {
                break;
            }
            query = q;
        }
        List<String> chain = new ArrayList<>();
        List<String> addrs = new ArrayList<>();
        for (Object o : response.list("answers")) {
            String v = String.valueOf(o);
            if (v.matches("[0-9.]+") || v.contains(":")) {
                addrs.add(v);
            } else {
                chain.add(v);
            }
        }
        return new Lookup(response.string("name"), query, response, chain, addrs, response.integer("rcode", 0));
    }

    /** TCP control facts between the two endpoints (either direction) in frame order. */
    public static List<TcpEvent> tcp(Analysis a, String client, Endpoint server) {
        Map<String, List<TcpEvent>> byPair = a.index("flows.tcpByPair", () -> {
            Map<String, List<TcpEvent>> m = new HashMap<>();
            for (TcpEvent t : a.tcpEvents()) {
                // filed under both directions' (client address, server endpoint) so either side finds it
                m.computeIfAbsent(t.src().address() + ">" + t.dst(), k -> new ArrayList<>()).add(t);
                m.computeIfAbsent(t.dst().address() + ">" + t.src(), k -> new ArrayList<>()).add(t);
            }
            return m;
        });
        List<TcpEvent> out = new ArrayList<>();
        for (TcpEvent t : byPair.getOrDefault(client + ">" + server, List.of())) {
            boolean c2s = t.src().address().equals(client) && t.dst().equals(server);
            boolean s2c = t.dst().address().equals(client) && t.src().equals(server);
            if (c2s || s2c) {
                out.add(t);
            }
        }
        return out;
    }

    /** Compares SPNs as Windows does: case-insensitive, realm and port ignored. */
    public static boolean sameSpn(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return strip(a).equals(strip(b));
    }

    private static String strip(String spn) {
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
        Map<String, List<Event>> byHost = a.index("flows.kerberosByHost", () -> {
            Map<String, List<Event>> m = new HashMap<>();
            for (Event e : a.events("kerberos")) {
                m.computeIfAbsent(e.src().address(), k -> new ArrayList<>()).add(e);
                if (!e.dst().address().equals(e.src().address())) {
                    m.computeIfAbsent(e.dst().address(), k -> new ArrayList<>()).add(e);
                }
            }
            return m;
        });
        return byHost.getOrDefault(client, List.of());
    }

    /** The KDC's answer (TGS-REP, AS-REP or KRB-ERROR) to a request: the next reply on the same conversation. */
    public static Event replyTo(Analysis a, Event request) {
        for (Event e : kerberosOf(a, request.src().address())) {
            if (e.frame() <= request.frame()) {
                continue;
            }
            String t = e.string("msgType");
            if (("TGS-REP".equals(t) || "AS-REP".equals(t) || "KRB-ERROR".equals(t))
                    && e.dst().address().equals(request.src().address())
                    && e.src().address().equals(request.dst().address())
                    && (e.dst().port() == request.src().port() || e.src().port() == request.dst().port())) {
                return e;
            }
        }
        return null;
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

    /** Index of the attempt whose steps cite {@code frame}, or -1. */
    public static int attemptOf(Analysis a, long frame) {
        Map<Long, Integer> byFrame = a.index("attempts.byFrame", () -> {
            Map<Long, Integer> m = new HashMap<>();
            for (AuthAttempt at : a.attempts()) {
                for (var st : at.steps()) {
                    for (Long f : st.frames()) {
                        m.putIfAbsent(f, at.index());
                    }
                }
            }
            return m;
        });
        return byFrame.getOrDefault(frame, -1);
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
        for (TcpEvent t : tcp) {
            if (t.frame() > firstServiceFrame) {
                break;
            }
            switch (t.kind()) {
                case "SYN" -> { syn = t; synAck = null; rst = null; }
                case "SYN-ACK" -> synAck = t;
                case "RST" -> { if (synAck == null) { rst = t; } }
                default -> { }
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
        if (syn != null && synAck != null) {
            at.steps().add(new StepResult(Step.CONNECT, StepStatus.OK, List.of(syn.frame(), synAck.frame()),
                    "TCP handshake with " + server));
        } else if (syn != null) {
            List<Long> f = rst != null ? List.of(syn.frame(), rst.frame()) : List.of(syn.frame());
            at.steps().add(new StepResult(Step.CONNECT, StepStatus.FAILED, f, rst != null
                    ? "the server refused the connection (RST): nothing listens on port " + server.port()
                    : "no answer to the SYN: port " + server.port() + " filtered or host down"));
        } else {
            at.steps().add(new StepResult(Step.CONNECT, StepStatus.NOT_SEEN, List.of(),
                    "the connection was already open when the capture started"));
        }
    }


    /**
     * Steps 5 and 6 of any service's attempt when the client asked the KDC: the TGS-REQ, and the TGS-REP (the user
     * is taken from it) or the KRB-ERROR that refused the ticket, or no answer.
     */
    public static void ticketSteps(AuthAttempt at, Event tgsReq, Event reply) {
        at.events().add(tgsReq);
        at.steps().add(new StepResult(Step.TICKET_REQUEST, StepStatus.OK, List.of(tgsReq.frame()), "TGS-REQ for "
                + tgsReq.string("sname") + " (realm " + tgsReq.string("realm") + ")"));
        if (reply == null) {
            at.steps().add(new StepResult(Step.TICKET, StepStatus.NOT_SEEN, List.of(), "the KDC did not answer"));
        } else if ("KRB-ERROR".equals(reply.string("msgType"))) {
            at.events().add(reply);
            at.steps().add(new StepResult(Step.TICKET, StepStatus.FAILED, List.of(reply.frame()),
                    "KRB-ERROR " + reply.integer("errorCode", -1) + " " + reply.string("errorName")));
        } else {
            at.events().add(reply);
            if (reply.string("cname") != null) {
                at.setUser(reply.string("cname") + "@" + reply.string("realm"));
            }
            at.steps().add(new StepResult(Step.TICKET, StepStatus.OK, List.of(reply.frame()), "service ticket issued"
                    + (reply.fields().get("ticket") instanceof java.util.Map<?, ?> t && t.get("etype") != null
                            ? " (etype " + t.get("etype") + ")" : "")));
        }
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
        java.util.Set<String> pairs = new java.util.HashSet<>();
        for (AuthAttempt at : known) {
            pairs.add(at.client() + ">" + at.server());
        }
        List<AuthAttempt> out = new ArrayList<>();
        for (TcpEvent syn : a.tcpEvents()) {
            if (!"SYN".equals(syn.kind()) || !servicePort.test(syn.dst().port())
                    || !pairs.add(syn.src().address() + ">" + syn.dst()) || answered(a, syn)) {
                continue;
            }
            AuthAttempt at = new AuthAttempt(firstIndex + out.size(), syn.src().address(), syn.dst(), service);
            nameAndConnect(a, at, syn.frame());
            at.setSpn(at.host() != null ? spnClass + "/" + at.host() : null);
            for (Step s : List.of(Step.ANONYMOUS_REQUEST, Step.CHALLENGE, Step.TICKET_REQUEST, Step.TICKET,
                    Step.AP_EXCHANGE, Step.AUTHORIZED)) {
                at.steps().add(new StepResult(s, StepStatus.NOT_SEEN, List.of(), "never reached: no connection"));
            }
            at.setOutcome(org.kerbscope.core.model.Outcome.FAILED);
            out.add(at);
        }
        return out;
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
