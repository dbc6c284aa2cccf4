package org.kerbscope.checks.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.model.TcpEvent;
import org.kerbscope.core.spi.ServiceProfile;

/**
 * The guide's baseline: a browser authenticating to a web site with Negotiate. One attempt per client → site
 * (server address, port and Host); its steps come from DNS, TCP, the HTTP exchange and the Kerberos exchange
 * for {@code HTTP/host}. A client authenticating to a proxy (407 and Proxy-Authenticate, Proxy-Authorization,
 * requests in absolute form) is one attempt per client → proxy, whose SPN is built from the name the client resolved
 * the proxy by.
 */
public final class HttpService implements ServiceProfile {
    static final String SPN_CLASS = "HTTP";

    @Override
    public List<AuthAttempt> attempts(Analysis a, int firstIndex) {
        List<AuthAttempt> out = new ArrayList<>();
        // which messages make which attempt depends on the messages alone: grouped once per analysis
        for (List<Event> events : scan(a).sites()) {
            for (Try t : judged(a, events)) {
                out.add(build(a, t.events(), firstIndex + out.size(), t.limit()));
            }
        }
        // HTTPS: the hellos name the site, and the ticket the client asked for it is all of the exchange in clear
        out.addAll(tlsAttempts(a, firstIndex + out.size()));
        // HTTPS through a proxy that would not open the tunnel: the connect step failed at the proxy
        out.addAll(refusedTunnels(a, firstIndex + out.size()));
        // connections to the service's port that were never answered: the connect step failed before it spoke
        out.addAll(Flows.unansweredConnects(a, out, firstIndex + out.size(), "http", SPN_CLASS, HttpService::webPort));
        // a client whose name lookup failed and that then connected nowhere: step 1 is where it broke
        if (a.events("http").isEmpty()) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            Map<String, Long> lastSyn = new java.util.HashMap<>();
            for (TcpEvent t : a.tcpEvents()) {
                if ("SYN".equals(t.kind())) {
                    lastSyn.merge(t.src().address(), t.frame(), Math::max);
                }
            }
            // one pass over the DNS messages (a domain controller's capture holds millions): the names some response
            // resolved, and the address lookups answered NXDOMAIN
            java.util.Set<String> resolved = new java.util.HashSet<>();
            List<Event> nxdomain = new ArrayList<>();
            for (Event x : a.events("dns")) {
                if (!"response".equals(x.string("kind")) || x.string("name") == null) {
                    continue;
                }
                int rcode = x.integer("rcode", 0);
                int type = x.integer("type", 0);
                if (rcode == 0 && !x.list("answers").isEmpty()) {
                    resolved.add(x.string("name").toLowerCase(Locale.ROOT));
                } else if (rcode == 3 && (type == 1 || type == 28)) {
                    nxdomain.add(x);
                }
            }
            for (Event r : nxdomain) {
                if (!seen.add(r.dst().address() + ">" + r.string("name").toLowerCase(Locale.ROOT))) {
                    continue;
                }
                String name = r.string("name");
                String client = r.dst().address();
                boolean connectedLater = lastSyn.getOrDefault(client, 0L) > r.frame();
                boolean resolvedLater = resolved.contains(name.toLowerCase(Locale.ROOT));
                if (connectedLater || resolvedLater) {
                    continue;
                }
                AuthAttempt at = new AuthAttempt(firstIndex + out.size(), client, new Endpoint(name, 80), "http");
                at.setHost(name);
                at.setSpn(SPN_CLASS + "/" + name);
                Flows.Lookup l = Flows.lookupsOf(a, client, name).get(0);
                List<Long> frames = l.query() != null ? List.of(l.query().frame(), r.frame()) : List.of(r.frame());
                at.steps().add(new StepResult(Step.NAME_RESOLUTION, StepStatus.FAILED, frames,
                        name + " does not exist in DNS (NXDOMAIN from " + r.src().address() + ")"));
                for (Step s : List.of(Step.CONNECT, Step.ANONYMOUS_REQUEST, Step.CHALLENGE, Step.TICKET_REQUEST, Step.TICKET,
                        Step.AP_EXCHANGE, Step.AUTHORIZED)) {
                    at.steps().add(new StepResult(s, StepStatus.NOT_SEEN, List.of(), "never reached: the name did not resolve"));
                }
                at.setOutcome(Outcome.FAILED);
                out.add(at);
            }
        }
        return out;
    }

    /**
     * What the HTTP messages say once per analysis, read in one pass (a web farm's capture holds millions of them, read
     * back from a file past the heap): the sites' messages ({@link #sites}), every CONNECT with the proxy's final answer
     * on its connection, in the order of the answers, and the clients and servers ({@code client>server}) whose TLS a
     * key log opened.
     */
    private record Scan(List<List<Event>> sites, List<Event[]> connects, java.util.Set<String> decrypted) {
    }

    private static Scan scan(Analysis a) {
        return a.index("http.scan", () -> {
            java.util.Set<String> authClients = new java.util.HashSet<>();
            List<Event[]> connects = new ArrayList<>();
            Map<String, Event> asked = new java.util.HashMap<>();
            java.util.Set<String> decrypted = new java.util.HashSet<>();
            for (Event e : a.events("http")) {
                boolean request = "request".equals(e.string("kind"));
                if (involvesAuth(e)) {
                    authClients.add((request ? e.src() : e.dst()).address());
                }
                if (request && "CONNECT".equals(e.string("method")) && e.string("uri") != null) {
                    asked.put(e.src() + ">" + e.dst(), e);
                } else if (!request && e.integer("status", 0) >= 200 && !asked.isEmpty()) {
                    Event req = asked.remove(e.dst() + ">" + e.src());
                    if (req != null) {
                        connects.add(new Event[] {req, e});
                    }
                }
                if ("decrypted".equals(e.string("tls"))) {
                    decrypted.add((request ? e.src() : e.dst()).address() + ">" + (request ? e.dst() : e.src()));
                }
            }
            return new Scan(sites(a, authClients), connects, decrypted);
        });
    }

    /**
     * The HTTP messages of each client → site (server address, port and Host), in the order each was first seen, for
     * the exchanges that involve authentication, of the clients {@code authClients} (a site is one client's: only the
     * clients with a message that involves authentication can have one that does).
     */
    private static List<List<Event>> sites(Analysis a, java.util.Set<String> authClients) {
        Map<Site, List<Event>> groups = new LinkedHashMap<>();
        // a response answers the last request of its connection (HTTP/1.x), or of its stream (HTTP/2)
        Map<Object, Event> lastRequest = new java.util.HashMap<>();
        java.util.Set<Connection> viaProxy = new java.util.HashSet<>();
        for (Event e : authClients.isEmpty() ? List.<Event>of() : a.events("http")) {
            boolean request = "request".equals(e.string("kind"));
            Endpoint client = request ? e.src() : e.dst();
            if (!authClients.contains(client.address())) {
                continue;
            }
            Endpoint server = request ? e.dst() : e.src();
            Connection conn = new Connection(client, server);
            String host;
            Object exchange = e.fields().get("stream") instanceof Number n ? List.of(conn, n.longValue()) : conn;
            if (request) {
                host = Flows.hostOnly(e.string("host"));
                lastRequest.put(exchange, e);
            } else {
                Event req = lastRequest.get(exchange);
                host = req != null ? Flows.hostOnly(req.string("host")) : null;
            }
            if (toProxy(e)) {
                viaProxy.add(conn);
            }
            // through a proxy the Host is each request's destination: the client authenticates to the proxy itself
            Site key = new Site(client.address(), server, host == null || viaProxy.contains(conn) ? ""
                    : host.toLowerCase(Locale.ROOT));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        List<List<Event>> out = new ArrayList<>();
        for (List<Event> events : groups.values()) {
            // only exchanges where authentication was asked for or offered make an attempt
            if (involvesAuth(events)) {
                out.add(events);
            }
        }
        return out;
    }

    /** What one attempt is: a client (address) asking a server (address and port) for a site (Host, lower case). */
    private record Site(String client, Endpoint server, String host) {
        @Override
        public boolean equals(Object o) { // as the record's, without method handles (see Endpoint)
            return o == this || o instanceof Site k && java.util.Objects.equals(client, k.client)
                    && java.util.Objects.equals(server, k.server) && java.util.Objects.equals(host, k.host);
        }

        @Override
        public int hashCode() {
            return (java.util.Objects.hashCode(client) * 31 + java.util.Objects.hashCode(server)) * 31
                    + java.util.Objects.hashCode(host);
        }
    }

    private static boolean webPort(int p) {
        return p == 80 || p == 443 || p == 8080 || p == 8000 || p == 8443;
    }


    /** Only exchanges where authentication was asked for or offered make an attempt. */
    private static boolean involvesAuth(List<Event> events) {
        for (Event e : events) {
            if (involvesAuth(e)) {
                return true;
            }
        }
        return false;
    }

    private static boolean involvesAuth(Event e) {
        return e.fields().containsKey("authorization") || !e.list("wwwAuthenticate").isEmpty()
                || e.integer("status", 0) == 401 || e.integer("status", 0) == 407;
    }

    /**
     * A message of a client talking to a proxy (RFC 9110 11.7): a 407 challenge, Proxy-Authorization, or a request in
     * absolute form or CONNECT (RFC 9112 3.2.2, 3.2.3), which only a proxy is sent.
     */
    static boolean toProxy(Event e) {
        if (e.integer("status", 0) == 407 || "Proxy-Authorization".equalsIgnoreCase(e.string("authorizationHeader"))
                || "CONNECT".equals(e.string("method"))) {
            return true;
        }
        String uri = e.string("uri");
        return uri != null && (uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8));
    }

    /** How far back or ahead a request and its answer are looked for among a site's messages (other connections'). */
    private static final int PAIR_WINDOW = 64;

    /**
     * Messages of a site that make one attempt; {@code limit} bounds where its ticket request may be when the client
     * sent no credentials (the frame before the next attempt's first message).
     */
    private record Try(List<Event> events, long limit) {
    }

    /**
     * A site's messages as the attempts they make. A client that got its verdict (an
     * answer other than a challenge to a request with credentials, or a challenge again after a Kerberos AP-REQ) and
     * is then challenged again for a request without credentials starts another try: a user reproducing the problem,
     * a browser started again with other settings. Each try is judged alone, and tries next to each other with the
     * same outcome and SPN stay one attempt (a client that authenticates every request makes one).
     */
    private List<Try> judged(Analysis a, List<Event> events) {
        List<List<Event>> tries = tries(events);
        if (tries.size() == 1) {
            return List.of(new Try(events, Long.MAX_VALUE));
        }
        List<List<Event>> groups = new ArrayList<>();
        AuthAttempt previous = null;
        for (int t = 0; t < tries.size(); t++) {
            AuthAttempt x = build(a, tries.get(t), -1, limit(tries, t));
            if (previous != null && previous.outcome() == x.outcome() && java.util.Objects.equals(previous.spn(), x.spn())) {
                groups.get(groups.size() - 1).addAll(tries.get(t));
            } else {
                groups.add(new ArrayList<>(tries.get(t)));
            }
            previous = x;
        }
        List<Try> out = new ArrayList<>(groups.size());
        for (int g = 0; g < groups.size(); g++) {
            out.add(new Try(groups.get(g), limit(groups, g)));
        }
        return out;
    }

    private static long limit(List<List<Event>> tries, int t) {
        return t + 1 < tries.size() ? tries.get(t + 1).get(0).frame() - 1 : Long.MAX_VALUE;
    }

    private static List<List<Event>> tries(List<Event> events) {
        List<List<Event>> out = new ArrayList<>();
        List<Event> current = new ArrayList<>();
        boolean verdict = false;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            boolean request = "request".equals(e.string("kind"));
            if (request && verdict && !current.isEmpty() && !e.fields().containsKey("authorization")) {
                Event answer = answerOf(events, i);
                int st = answer != null ? answer.integer("status", 0) : 0;
                if (st == 401 || st == 407) {
                    out.add(current);
                    current = new ArrayList<>();
                    verdict = false;
                }
            }
            current.add(e);
            if (!request && !verdict) {
                Event asked = requestOf(events, i);
                if (asked != null && asked.fields().get("authorization") instanceof Map<?, ?> auth) {
                    int st = e.integer("status", 0);
                    verdict = st != 401 && st != 407 || "kerberos".equals(auth.get("token"));
                }
            }
        }
        out.add(current);
        return out;
    }

    /** The response to the request at {@code i}: the next one on its connection (and HTTP/2 stream), or null. */
    private static Event answerOf(List<Event> events, int i) {
        Event req = events.get(i);
        for (int j = i + 1; j < events.size() && j <= i + PAIR_WINDOW; j++) {
            Event e = events.get(j);
            if ("response".equals(e.string("kind")) && sameExchange(e, req)) {
                return e;
            }
        }
        return null;
    }

    /** The request the response at {@code i} answers: the last one before it on its connection, or null. */
    private static Event requestOf(List<Event> events, int i) {
        Event resp = events.get(i);
        for (int j = i - 1; j >= 0 && j >= i - PAIR_WINDOW; j--) {
            Event e = events.get(j);
            if ("request".equals(e.string("kind")) && sameExchange(resp, e)) {
                return e;
            }
        }
        return null;
    }

    private static boolean sameExchange(Event response, Event request) {
        return response.src() != null && response.src().equals(request.dst()) && response.dst().equals(request.src())
                && java.util.Objects.equals(response.fields().get("stream"), request.fields().get("stream"));
    }

    /** How long a site may take to answer a request before its silence means something (a page can take seconds). */
    private static final long SITE_ANSWER_NANOS = 5_000_000_000L;

    private AuthAttempt build(Analysis a, List<Event> events, int index, long limit) {
        Event first = events.get(0);
        boolean firstIsRequest = "request".equals(first.string("kind"));
        String client = firstIsRequest ? first.src().address() : first.dst().address();
        Endpoint server = firstIsRequest ? first.dst() : first.src();
        AuthAttempt at = new AuthAttempt(index, client, server, "http");
        at.events().addAll(events);
        boolean proxy = events.stream().anyMatch(HttpService::toProxy);
        if (proxy) {
            at.setServerRole("Proxy");
        } else if ("decrypted".equals(first.string("tls"))) {
            // HTTPS whose TLS the user's key log opened: the exchange is read as in clear
            at.setServerRole("HTTPS server");
        }
        // the status that asks for credentials and refuses them: a proxy's is 407, with Proxy-Authenticate
        int authStatus = proxy ? 407 : 401;
        String host = null;
        if (proxy) {
            // the client asks a ticket for the proxy, under the name it resolved the proxy by (its proxy setting)
            Flows.Lookup l = Flows.lookupFor(a, client, server.address(), first.frame());
            host = l != null ? l.name() : null;
        } else {
            for (Event e : events) {
                if (e.string("host") != null) {
                    host = Flows.hostOnly(e.string("host"));
                    break;
                }
            }
        }
        at.setHost(host);
        Flows.nameAndConnect(a, at, first.frame());

        // 3 anonymous request, 4 challenge
        Event anon = null, challenge = null, apRequest = null, ntlmRequest = null, verdict = null;
        // requests whose HTTP/2 stream the server reset with HTTP_1_1_REQUIRED: a Windows server's way of declining
        // Windows authentication over HTTP/2, after which the client asks again over HTTP/1.1
        Map<Event, Event> refused = http11Required(a, events);
        Event refusedAp = null;
        for (Event e : events) {
            if (refused.containsKey(e)) {
                // (NTLM too: HTTP.sys declines every Windows authentication over HTTP/2)
                if (refusedAp == null && e.fields().get("authorization") instanceof Map<?, ?> auth
                        && ("kerberos".equals(auth.get("token")) || "ntlm".equals(auth.get("token")))) {
                    refusedAp = e;
                }
                continue;
            }
            boolean req = "request".equals(e.string("kind"));
            // (a request without credentials after the client authenticated is not the flow's first, anonymous one:
            // a capture begun after that request holds only the later ones, such as the page's favicon)
            if (req && anon == null && challenge == null && apRequest == null && ntlmRequest == null
                    && !e.fields().containsKey("authorization")) {
                anon = e;
            }
            if (!req && e.integer("status", 0) == authStatus && challenge == null && apRequest == null && ntlmRequest == null) {
                challenge = e;
            }
            if (req && e.fields().get("authorization") instanceof Map<?, ?> auth) {
                Object tok = auth.get("token");
                if ("kerberos".equals(tok) && apRequest == null) {
                    apRequest = e;
                } else if ("ntlm".equals(tok) && ntlmRequest == null) {
                    ntlmRequest = e;
                }
            }
        }
        Event authReq = apRequest != null ? apRequest : ntlmRequest;
        if (authReq != null) {
            for (Event e : events) {
                if (e.frame() > authReq.frame() && "response".equals(e.string("kind")) && answers(e, authReq)) {
                    // an NTLM handshake answers the NEGOTIATE with a 401 CHALLENGE: the verdict is the last answer
                    verdict = e;
                    if (apRequest != null || e.integer("status", 0) != authStatus) {
                        break;
                    }
                }
            }
        }
        Event firstRequest = events.stream().filter(e -> "request".equals(e.string("kind"))).findFirst().orElse(null);
        if (anon != null) {
            at.steps().add(ok(Step.ANONYMOUS_REQUEST, List.of(anon.frame()),
                    anon.string("method") + " " + anon.string("uri") + " without credentials"));
        } else if (firstRequest != null) {
            at.steps().add(new StepResult(Step.ANONYMOUS_REQUEST, StepStatus.NOT_APPLICABLE, List.of(firstRequest.frame()),
                    "the client sent credentials with its first request"));
        } else {
            at.steps().add(new StepResult(Step.ANONYMOUS_REQUEST, StepStatus.NOT_SEEN, List.of(),
                    "no request in the capture"));
        }
        boolean negotiateOffered = false;
        if (challenge != null) {
            List<Object> schemes = challenge.list("wwwAuthenticate");
            negotiateOffered = schemes.stream().anyMatch(x -> "negotiate".equalsIgnoreCase(String.valueOf(x))
                    || "kerberos".equalsIgnoreCase(String.valueOf(x)));
            String offered = schemes.isEmpty() ? "no scheme" : String.join(", ", schemes.stream().map(String::valueOf).toList());
            String by = proxy ? " from the proxy" : "";
            at.steps().add(negotiateOffered ? ok(Step.CHALLENGE, List.of(challenge.frame()), authStatus + " offering " + offered + by)
                    : new StepResult(Step.CHALLENGE, StepStatus.FAILED, List.of(challenge.frame()),
                            authStatus + " offering only " + offered + by + ": without Negotiate the client cannot use Kerberos"));
        } else {
            at.steps().add(new StepResult(Step.CHALLENGE, authReq != null ? StepStatus.NOT_APPLICABLE : StepStatus.NOT_SEEN,
                    List.of(), authReq != null ? "the client authenticated without being challenged"
                            : "no " + authStatus + " challenge seen"));
        }

        // 5 ticket request, 6 ticket
        String spnHost = canonicalHost(a, at);
        String spn = spnHost != null ? SPN_CLASS + "/" + spnHost : null;
        // (without credentials: up to the next attempt of the site)
        long before = authReq != null ? authReq.frame() : limit;
        // the last ticket request for the site's SPN (or the name typed) before the authenticated request
        Event tgsReq = spn == null ? Flows.ticketRequest(a, client, SPN_CLASS, before, server.port())
                : Flows.ticketRequest(a, client, SPN_CLASS, before, server.port(), spn, SPN_CLASS + "/" + host);
        Event reply = tgsReq != null ? Flows.replyTo(a, tgsReq) : null;
        if (tgsReq != null) {
            spn = tgsReq.string("sname");
        }
        at.setSpn(spn);
        if (tgsReq != null) {
            Flows.ticketSteps(a, at, tgsReq, reply);
        } else if (apRequest != null) {
            at.steps().add(new StepResult(Step.TICKET_REQUEST, StepStatus.NOT_SEEN, List.of(),
                    "the ticket came from the client's cache (run klist purge before recording)"));
            at.steps().add(new StepResult(Step.TICKET, StepStatus.NOT_SEEN, List.of(), "no ticket request in the capture"));
        } else if (challenge != null && !negotiateOffered) {
            at.steps().add(new StepResult(Step.TICKET_REQUEST, StepStatus.NOT_APPLICABLE, List.of(), "Negotiate was not offered"));
            at.steps().add(new StepResult(Step.TICKET, StepStatus.NOT_APPLICABLE, List.of(), "Negotiate was not offered"));
        } else {
            // the client decided not to, or could not, ask for a ticket: say why when the capture shows it
            Event asError = lastErrorTo(a, client, authReq != null ? authReq.frame() : limit);
            String why = Flows.isIpLiteral(host) ? "the client addressed the site by IP: Windows does not ask for a ticket"
                    : asError != null ? "the client could not get a TGT: KRB-ERROR " + asError.integer("errorCode", -1) + " "
                            + asError.string("errorName")
                    : "the client never asked the KDC for " + (spn != null ? spn : "a ticket");
            at.steps().add(new StepResult(Step.TICKET_REQUEST, StepStatus.FAILED,
                    asError != null ? List.of(asError.frame()) : List.of(), why));
            if (at.user() == null && challenge != null) {
                // who the client was signed in as, when its TGT's AS exchange is in the capture
                at.setUser(Flows.tgtUserBefore(a, client, challenge.frame()));
            }
            at.steps().add(new StepResult(Step.TICKET, StepStatus.NOT_SEEN, List.of(), "no ticket request"));
        }

        // 7 AP exchange, 8 authorised
        if (apRequest != null && verdict != null && verdict.integer("status", 0) == authStatus) {
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.FAILED, List.of(apRequest.frame(), verdict.frame()),
                    "the " + (proxy ? "proxy" : "server") + " rejected the Kerberos AP-REQ (" + authStatus + " again)"));
        } else if (apRequest != null) {
            at.steps().add(ok(Step.AP_EXCHANGE, List.of(apRequest.frame()), (proxy ? "Proxy-Authorization" : "Authorization")
                    + ": Negotiate with a Kerberos AP-REQ" + (refusedAp != null && refusedAp.frame() < apRequest.frame()
                            ? ", over HTTP/1.1 after the server refused it over HTTP/2 (HTTP_1_1_REQUIRED, frame "
                                    + refused.get(refusedAp).frame() + ")" : "")));
        } else if (refusedAp != null && (ntlmRequest == null || refusedAp.frame() < ntlmRequest.frame())) {
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.FAILED,
                    List.of(refusedAp.frame(), refused.get(refusedAp).frame()), HTTP11_REQUIRED_NOTE));
        } else if (ntlmRequest != null) {
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.FAILED, List.of(ntlmRequest.frame()),
                    "the client answered with NTLM instead of Kerberos"));
            Event n = ntlmAuthenticateFrom(a, client, ntlmRequest.frame());
            if (n != null && n.string("user") != null) {
                at.setUser((n.string("domain") != null ? n.string("domain") + "\\" : "") + n.string("user"));
            }
        } else {
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.NOT_SEEN, List.of(),
                    challenge != null ? "the client did not answer the challenge with credentials" : "no credentials sent"));
        }
        if (verdict != null) {
            int st = verdict.integer("status", 0);
            boolean good = st != authStatus && (st >= 200 && st < 400 || st == 404);
            at.steps().add(new StepResult(Step.AUTHORIZED, good ? StepStatus.OK : StepStatus.FAILED,
                    List.of(verdict.frame()), "HTTP " + st + (good && "kerberos".equals(verdict.string("negotiateTokenKind"))
                            ? " with mutual authentication" : "")));
        } else {
            String cut = authReq != null ? Flows.endsSoonAfter(a, authReq, SITE_ANSWER_NANOS) : null;
            at.steps().add(new StepResult(Step.AUTHORIZED, StepStatus.NOT_SEEN, List.of(), authReq == null ? "never reached"
                    : cut != null ? "the capture ends " + cut + " after the authenticated request, before the site answered"
                    : "no answer to the authenticated request"));
        }

        StepResult auth = at.step(Step.AUTHORIZED);
        if (ntlmRequest != null && apRequest == null) {
            at.setOutcome(Outcome.NTLM_FALLBACK);
        } else if (apRequest != null && auth.status() == StepStatus.OK) {
            at.setOutcome(Outcome.KERBEROS);
        } else if (at.failedStep() != null) {
            at.setOutcome(Outcome.FAILED);
        } else {
            at.setOutcome(Outcome.INCOMPLETE);
        }
        return at;
    }

    /**
     * A ClientHello that offers ALPN without h2 after one of the same site's that offered it: a browser asking again over
     * HTTP/1.1, which it does when a site answers over HTTP/2 with a Negotiate or NTLM challenge (connection-based
     * authentication needs HTTP/1.1) or resets the request with HTTP_1_1_REQUIRED. Null when there is none.
     */
    private static Event http11Retry(List<Event> hellos) {
        boolean h2Offered = false;
        for (Event h : hellos) {
            List<Object> alpn = h.list("alpn");
            if (alpn.contains("h2")) {
                h2Offered = true;
            } else if (h2Offered && !alpn.isEmpty()) {
                return h;
            }
        }
        return null;
    }

    /** The note of an AP exchange the server refused over HTTP/2 and the client did not take to HTTP/1.1. */
    static final String HTTP11_REQUIRED_NOTE = "the server reset the request's HTTP/2 stream with HTTP_1_1_REQUIRED"
            + " (Windows authentication is not offered over HTTP/2) and the client did not ask again over HTTP/1.1";

    /**
     * The site's requests whose HTTP/2 stream the server reset with {@code HTTP_1_1_REQUIRED} (RFC 9113 7), or whose
     * connection it closed with that error before answering them, each with the frame that refused it.
     */
    private static Map<Event, Event> http11Required(Analysis a, List<Event> events) {
        Map<Event, Event> out = new java.util.HashMap<>();
        // the refusals, filed once per analysis (the HTTP/2 events are read once, not per attempt)
        List<Event> refusals = a.index("http.http11Refusals", () -> {
            List<Event> r = new ArrayList<>();
            for (Event e : a.events("http2")) {
                if (e.integer("errorCode", -1) == 13) {
                    r.add(e);
                }
            }
            return r;
        });
        if (refusals.isEmpty()) {
            return out;
        }
        // the HTTP/2 streams of the site that were answered (a GOAWAY refuses only those that were not)
        java.util.Set<String> answered = new java.util.HashSet<>();
        for (Event x : events) {
            if ("response".equals(x.string("kind")) && x.fields().get("stream") instanceof Number n) {
                answered.add(x.dst() + ">" + x.src() + "#" + n.longValue());
            }
        }
        for (Event req : events) {
            if (!"request".equals(req.string("kind")) || !(req.fields().get("stream") instanceof Number stream)) {
                continue;
            }
            for (Event r : refusals) {
                boolean sameConnection = r.src().equals(req.dst()) && r.dst().equals(req.src());
                boolean rst = "rstStream".equals(r.string("kind")) && r.integer("stream", -1) == stream.intValue();
                boolean goaway = "goaway".equals(r.string("kind")) && r.frame() >= req.frame()
                        && !answered.contains(req.src() + ">" + req.dst() + "#" + stream.longValue());
                if (sameConnection && (rst || goaway)) {
                    out.put(req, r);
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Whether a response may answer a request: not when both came on one connection's different HTTP/2 streams (an
     * HTTP/2 connection answers its streams in any order).
     */
    private static boolean answers(Event response, Event request) {
        if (!response.src().equals(request.dst()) || !response.dst().equals(request.src())) {
            return true;
        }
        Object a = response.fields().get("stream");
        Object b = request.fields().get("stream");
        return !(a instanceof Number x) || !(b instanceof Number y) || x.longValue() == y.longValue();
    }

    /**
     * One attempt per client → HTTPS site (server address and port, and the server name its ClientHellos asked for)
     * whose client then asked the KDC for the site's ticket: the 401, the Authorization header and the answer are
     * encrypted, so those steps are not seen, while name resolution, the connection and the ticket exchange are. A
     * site the client asked no ticket for (a cached one, NTLM, no authentication at all) cannot be told apart from
     * any other HTTPS connection and makes none.
     */
    private static List<AuthAttempt> tlsAttempts(Analysis a, int index) {
        // clients and servers whose TLS a key log opened: their HTTP makes the site's attempt, as in clear; their other
        // connections (one the key log does not hold, or HTTP/2 before the browser turns to HTTP/1.1) make none
        java.util.Set<String> decrypted = scan(a).decrypted();
        Map<Site, List<Event>> sites = new LinkedHashMap<>();
        for (Event e : a.events("tls")) {
            if ("clientHello".equals(e.string("kind")) && e.string("sni") != null && !e.string("sni").isEmpty()
                    && !decrypted.contains(e.src().address() + ">" + e.dst())) {
                sites.computeIfAbsent(new Site(e.src().address(), e.dst(), e.string("sni").toLowerCase(Locale.ROOT)),
                        k -> new ArrayList<>()).add(e);
            }
        }
        List<AuthAttempt> out = new ArrayList<>();
        for (Map.Entry<Site, List<Event>> site : sites.entrySet()) {
            Event hello = site.getValue().get(0);
            String client = site.getKey().client();
            AuthAttempt at = new AuthAttempt(index + out.size(), client, site.getKey().server(), "http");
            at.setHost(site.getKey().host());
            String spnHost = canonicalHost(a, at);
            Event tgsReq = Flows.ticketRequest(a, client, SPN_CLASS, Long.MAX_VALUE, at.server().port(),
                    SPN_CLASS + "/" + spnHost, SPN_CLASS + "/" + at.host());
            if (tgsReq == null || tgsReq.frame() < hello.frame()) {
                // no ticket for the site: an attempt only when its TLS handshake failed (it never reached the 401)
                Event alert = fatalAlert(a, site.getValue());
                if (alert != null) {
                    out.add(tlsFailed(a, at, hello, alert));
                }
                continue;
            }
            Flows.nameAndConnect(a, at, hello.frame());
            at.setServerRole("HTTPS server");
            throughTunnel(a, at, hello);
            at.steps().add(new StepResult(Step.ANONYMOUS_REQUEST, StepStatus.NOT_SEEN, List.of(hello.frame()),
                    StepResult.ENCRYPTED + ": HTTPS, the request follows a " + (hello.string("version") != null
                            ? hello.string("version") + " " : "") + "ClientHello for " + hello.string("sni")));
            Event http11 = http11Retry(site.getValue());
            at.steps().add(new StepResult(Step.CHALLENGE, StepStatus.NOT_SEEN,
                    http11 != null ? List.of(http11.frame()) : List.of(),
                    StepResult.ENCRYPTED + ": the 401 and its WWW-Authenticate cannot be read from the capture" + (http11 != null
                            ? "; the client then opened a connection offering only HTTP/1.1 (ALPN " + String.join(", ",
                                    http11.list("alpn").stream().map(String::valueOf).toList()) + "), as browsers do when"
                                    + " a site asks for Windows authentication over HTTP/2" : "")));
            at.setSpn(tgsReq.string("sname"));
            Flows.ticketSteps(a, at, tgsReq, Flows.replyTo(a, tgsReq));
            EvidenceItem logon = at.failedStep() == null ? serverLogon(a, at, true) : null;
            // an NTLM logon of the client on the site: the browser fell back (the ticket refused by the KDC, or
            // issued and then not accepted by the site), as the clear 401 exchange would have shown
            EvidenceItem ntlm = logon == null ? serverLogon(a, at, false) : null;
            if (logon != null && ((Number) logon.fields().get("eventId")).intValue() == 4624) {
                // the site's Security log says what TLS hid: it logged the user on with Kerberos
                String what = "the site's Security log shows it: " + logonLine(logon);
                at.steps().add(ok(Step.AP_EXCHANGE, List.of(), what));
                at.steps().add(ok(Step.AUTHORIZED, List.of(), what));
                at.setOutcome(Outcome.KERBEROS);
            } else if (ntlm != null) {
                // (short: the sequence diagram labels its arrow with it; the logon itself is step 8's note)
                at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.FAILED, List.of(), "the client answered with NTLM"
                        + " instead of Kerberos (the site's Security log)"));
                at.steps().add(ok(Step.AUTHORIZED, List.of(), "the site's Security log shows it: " + logonLine(ntlm)));
                if (ntlm.fields().get("data") instanceof Map<?, ?> d && d.get("TargetUserName") != null) {
                    at.setUser((d.get("TargetDomainName") != null ? d.get("TargetDomainName") + "\\" : "") + d.get("TargetUserName"));
                }
                at.setOutcome(Outcome.NTLM_FALLBACK);
            } else {
                at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.NOT_SEEN, List.of(),
                        StepResult.ENCRYPTED + ": the Authorization header cannot be read from the capture"));
                at.steps().add(logon != null
                        ? new StepResult(Step.AUTHORIZED, StepStatus.FAILED, List.of(), "the site's Security log: "
                                + logonLine(logon))
                        : new StepResult(Step.AUTHORIZED, StepStatus.NOT_SEEN, List.of(), StepResult.ENCRYPTED
                                + ": the answer cannot be read; the server's Security log (4624) shows the logon"));
                at.setOutcome(at.failedStep() != null ? Outcome.FAILED : Outcome.INCOMPLETE);
            }
            out.add(at);
        }
        return out;
    }

    /**
     * The first fatal TLS alert, from either side, on a connection one of these ClientHellos opened; or null. The
     * alerts are filed by connection once per analysis: a web farm's capture has a hello for each of its many
     * connections, and only a few alerts.
     */
    private static Event fatalAlert(Analysis a, List<Event> hellos) {
        Map<String, Event> byConnection = a.index("http.tlsFatalAlerts", () -> {
            Map<String, Event> m = new java.util.HashMap<>();
            for (Event e : a.events("tls")) {
                if ("alert".equals(e.string("kind")) && "fatal".equals(e.string("level"))) {
                    m.putIfAbsent(e.src() + ">" + e.dst(), e);
                    m.putIfAbsent(e.dst() + ">" + e.src(), e);
                }
            }
            return m;
        });
        Event first = null;
        for (Event h : hellos) {
            Event e = byConnection.get(h.src() + ">" + h.dst());
            if (e != null && (first == null || e.frame() < first.frame())) {
                first = e;
            }
        }
        return first;
    }

    /** An HTTPS site whose TLS handshake failed: connected over TCP, then a fatal alert; nothing after it. */
    private static AuthAttempt tlsFailed(Analysis a, AuthAttempt at, Event hello, Event alert) {
        at.setServerRole("HTTPS server");
        at.setSpn(SPN_CLASS + "/" + at.host());
        Flows.nameAndConnect(a, at, hello.frame());
        throughTunnel(a, at, hello);
        boolean fromServer = alert.src().address().equals(at.server().address());
        String note = "the TCP handshake succeeded, then TLS failed: the " + (fromServer ? "server" : "client") + " sent the"
                + " fatal alert " + alert.string("description") + " (" + alert.fields().get("code") + ")";
        connectFailed(at, note, "never reached: the TLS handshake failed", hello, alert);
        return at;
    }

    /**
     * The attempt's connect step failed after its TCP handshake ({@code note}, citing {@code cited} too), and no later
     * step was reached.
     */
    private static void connectFailed(AuthAttempt at, String note, String unreached, Event... cited) {
        for (int i = 0; i < at.steps().size(); i++) {
            StepResult connect = at.steps().get(i);
            if (connect.step() == Step.CONNECT) {
                List<Long> frames = new ArrayList<>(connect.frames());
                for (Event e : cited) {
                    frames.add(e.frame());
                }
                at.steps().set(i, new StepResult(Step.CONNECT, StepStatus.FAILED, frames, note));
            }
        }
        for (Step s : List.of(Step.ANONYMOUS_REQUEST, Step.CHALLENGE, Step.TICKET_REQUEST, Step.TICKET, Step.AP_EXCHANGE,
                Step.AUTHORIZED)) {
            at.steps().add(new StepResult(s, StepStatus.NOT_SEEN, List.of(), unreached));
        }
        at.setOutcome(Outcome.FAILED);
    }

    /**
     * A hello sent through a web proxy's tunnel (RFC 9110 9.3.6: CONNECT site:443, a 2xx, then the site's TLS on the
     * same connection): the connection is the proxy's, and so is the name the client resolved; the proxy resolves the
     * site. The connect step says which tunnel, and the lane is the proxy's.
     */
    private static void throughTunnel(Analysis a, AuthAttempt at, Event hello) {
        Map<String, Event[]> tunnels = a.index("http.connectTunnels", () -> {
            Map<String, Event[]> m = new java.util.HashMap<>();
            for (Event[] c : scan(a).connects()) {
                if (c[1].integer("status", 0) / 100 == 2) {
                    m.put(c[0].src() + ">" + c[0].dst(), c);
                }
            }
            return m;
        });
        Event[] tunnel = tunnels.get(hello.src() + ">" + hello.dst());
        if (tunnel == null || tunnel[1].frame() > hello.frame()) {
            return;
        }
        at.setServerRole("Proxy (HTTPS tunnel)");
        proxyResolves(at);
        for (int i = 0; i < at.steps().size(); i++) {
            StepResult s = at.steps().get(i);
            if (s.step() == Step.CONNECT && s.status() != StepStatus.FAILED) {
                List<Long> frames = new ArrayList<>(s.frames());
                frames.add(tunnel[0].frame());
                frames.add(tunnel[1].frame());
                at.steps().set(i, new StepResult(Step.CONNECT, s.status() == StepStatus.NOT_SEEN ? StepStatus.OK : s.status(),
                        frames, (s.status() == StepStatus.OK ? s.note() + ", then " : "")
                        + "CONNECT " + tunnel[0].string("uri") + " answered " + tunnel[1].integer("status", 0)
                        + (tunnel[1].string("reason") != null ? " " + tunnel[1].string("reason") : "")
                        + ": a tunnel through the proxy"));
            }
        }
    }

    /** Through a proxy the client resolves the proxy's name (if it did so in the capture), and the proxy the site's. */
    private static void proxyResolves(AuthAttempt at) {
        for (int i = 0; i < at.steps().size(); i++) {
            StepResult s = at.steps().get(i);
            if (s.step() == Step.NAME_RESOLUTION && s.status() != StepStatus.OK) {
                at.steps().set(i, new StepResult(Step.NAME_RESOLUTION, StepStatus.NOT_APPLICABLE, s.frames(),
                        "through the proxy " + at.server() + ": the proxy resolves " + at.host()));
            } else if (s.step() == Step.NAME_RESOLUTION) {
                at.steps().set(i, new StepResult(Step.NAME_RESOLUTION, StepStatus.OK, s.frames(), "the proxy's name: "
                        + s.note() + " (the proxy resolves " + at.host() + ")"));
            }
        }
    }

    /**
     * One attempt per client → site whose CONNECT (RFC 9110 9.3.6) the proxy refused, with a final status other than
     * 2xx and 407 (which asks for the proxy's own credentials, an attempt of its own), and that the client never got a
     * tunnel to afterwards: its connect step failed at the proxy, and nothing of the site's authentication happened.
     */
    private static List<AuthAttempt> refusedTunnels(Analysis a, int index) {
        Map<String, Event[]> refused = new LinkedHashMap<>();
        java.util.Set<String> opened = new java.util.HashSet<>();
        for (Event[] c : scan(a).connects()) {
            Event req = c[0];
            int status = c[1].integer("status", 0);
            String key = req.src().address() + ">" + req.string("uri").toLowerCase(Locale.ROOT);
            if (status / 100 == 2) {
                opened.add(key);
                refused.remove(key);
            } else if (status != 407 && !req.fields().containsKey("authorization") && !opened.contains(key)) {
                // (a 407, or an answer to credentials, is the proxy's own authentication: its attempt judges it)
                refused.putIfAbsent(key, c);
            }
        }
        List<AuthAttempt> out = new ArrayList<>();
        for (Event[] r : refused.values()) {
            Event req = r[0];
            Event answer = r[1];
            AuthAttempt at = new AuthAttempt(index + out.size(), req.src().address(), req.dst(), "http");
            at.setHost(Flows.hostOnly(req.string("uri")));
            at.setSpn(SPN_CLASS + "/" + at.host());
            at.setServerRole("Proxy (HTTPS tunnel)");
            at.events().add(req);
            at.events().add(answer);
            Flows.nameAndConnect(a, at, req.frame());
            proxyResolves(at);
            int status = answer.integer("status", 0);
            String note = "the proxy answered CONNECT " + req.string("uri") + " with " + status
                    + (answer.string("reason") != null ? " " + answer.string("reason") : "") + ": it opened no tunnel to the site";
            connectFailed(at, note, "never reached: the proxy opened no tunnel", req, answer);
            out.add(at);
        }
        return out;
    }

    /**
     * The first network logon (type 3) from the attempt's client in the Security logs given as evidence, within five
     * minutes of the capture: with {@code kerberos}, a 4624 by Kerberos or a 4625; without, a 4624 by NTLM. With the
     * logs of several servers, one written by the site's own computer (its name, or the canonical name the client
     * resolved it to) comes first. Null when there is none, or no log was given.
     */
    private static EvidenceItem serverLogon(Analysis a, AuthAttempt at, boolean kerberos) {
        long from = a.capture() != null ? a.capture().startNanos() - 300_000_000_000L : Long.MIN_VALUE;
        long to = a.capture() != null ? a.capture().endNanos() + 300_000_000_000L : Long.MAX_VALUE;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String n : new String[] {at.host(), canonicalHost(a, at)}) {
            if (n != null && !Flows.isIpLiteral(n)) {
                names.add(n.toLowerCase(Locale.ROOT));
                names.add(n.toLowerCase(Locale.ROOT).split("\\.", 2)[0]);
            }
        }
        EvidenceItem first = null;
        for (EvidenceItem ev : HttpChecks.eventsFrom(a, at.client())) {
            if (!(ev.fields().get("eventId") instanceof Number id) || !(ev.fields().get("data") instanceof Map<?, ?> d)
                    || id.intValue() != 4624 && id.intValue() != 4625 || !"3".equals(String.valueOf(d.get("LogonType")))) {
                continue;
            }
            String pkg = logonPackage(d);
            if (kerberos ? id.intValue() == 4624 && !"Kerberos".equals(pkg) : id.intValue() != 4624 || !"NTLM".equals(pkg)) {
                continue;
            }
            long t = nanos(ev.string("time"));
            if (t != Long.MIN_VALUE && (t < from || t > to)) {
                continue;
            }
            String computer = ev.string("computer") == null ? "" : ev.string("computer").toLowerCase(Locale.ROOT);
            if (names.contains(computer) || names.contains(computer.split("\\.", 2)[0])) {
                return ev;
            }
            if (first == null) {
                first = ev;
            }
        }
        return first;
    }

    /**
     * "Kerberos" or "NTLM" as a logon event names its package (AuthenticationPackageName; LogonProcessName Kerberos or
     * NtLmSsp), or null. A Negotiate logon names the package Negotiate chose.
     */
    private static String logonPackage(Map<?, ?> d) {
        String p = String.valueOf(d.get("AuthenticationPackageName")).trim();
        String process = String.valueOf(d.get("LogonProcessName")).trim();
        if ("Kerberos".equalsIgnoreCase(p) || "Kerberos".equalsIgnoreCase(process)) {
            return "Kerberos";
        }
        if ("NTLM".equalsIgnoreCase(p) || "NtLmSsp".equalsIgnoreCase(process)) {
            return "NTLM";
        }
        return null;
    }

    /** "4624 record 51200 (IISServer.contoso.com): a Kerberos network logon of CONTOSO\John from 192.168.2.101". */
    private static String logonLine(EvidenceItem ev) {
        Map<?, ?> d = (Map<?, ?>) ev.fields().get("data");
        int id = ((Number) ev.fields().get("eventId")).intValue();
        String user = (d.get("TargetDomainName") != null ? d.get("TargetDomainName") + "\\" : "") + d.get("TargetUserName");
        return id + " record " + ev.fields().get("recordId") + (ev.string("computer") != null ? " (" + ev.string("computer") + ")" : "")
                + (id == 4624 ? ": " + (logonPackage(d) != null ? "a" + (logonPackage(d).equals("NTLM") ? "n " : " ")
                        + logonPackage(d) + " " : "a ") + "network logon of " + user
                        : ": the network logon of " + user + " failed with status " + d.get("Status")
                                + (d.get("SubStatus") != null && !"0x0".equals(d.get("SubStatus")) ? " / " + d.get("SubStatus") : ""))
                + " from " + EvidenceItem.address(d.get("IpAddress"));
    }

    private static long nanos(String iso) {
        try {
            java.time.Instant i = java.time.Instant.parse(iso);
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The client's first NTLM AUTHENTICATE at or after {@code frame}, or null. */
    private static Event ntlmAuthenticateFrom(Analysis a, String client, long frame) {
        Map<String, List<Event>> byClient = a.index("http.ntlmAuthenticateByClient", () -> {
            Map<String, List<Event>> m = new java.util.HashMap<>();
            for (Event n : a.events("ntlm")) {
                if ("AUTHENTICATE".equals(n.string("messageType"))) {
                    m.computeIfAbsent(n.src().address(), k -> new ArrayList<>()).add(n);
                }
            }
            return m;
        });
        for (Event n : byClient.getOrDefault(client, List.of())) {
            if (n.frame() >= frame) {
                return n;
            }
        }
        return null;
    }

    /** The last KRB-ERROR other than PREAUTH_REQUIRED (25) sent to the client before {@code frame}, or null. */
    private static Event lastErrorTo(Analysis a, String client, long frame) {
        Event last = null;
        for (Event k : Flows.kdcErrorsTo(a, client)) {
            if (k.frame() >= frame) {
                break;
            }
            if (k.integer("errorCode", 0) != 25) {
                last = k;
            }
        }
        return last;
    }

    private static StepResult ok(Step s, List<Long> frames, String note) {
        return new StepResult(s, StepStatus.OK, frames, note);
    }

    /** The name Windows builds the SPN from: the canonical name at the end of the CNAME chain. */
    private static String canonicalHost(Analysis a, AuthAttempt at) {
        String host = at.host();
        if (host == null || Flows.isIpLiteral(host)) {
            return host;
        }
        List<Flows.Lookup> lookups = Flows.lookupsOf(a, at.client(), host);
        for (Flows.Lookup l : lookups) {
            if (!l.chain().isEmpty()) {
                return l.canonical();
            }
        }
        return host;
    }
}
