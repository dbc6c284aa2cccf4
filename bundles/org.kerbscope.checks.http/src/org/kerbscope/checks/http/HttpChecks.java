package org.kerbscope.checks.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.EvidenceItem;

/** What the HTTP checks ask of an attempt's events. */
final class HttpChecks {
    private HttpChecks() {
    }

    static boolean offers(Event response, String scheme) {
        for (Object o : response.list("wwwAuthenticate")) {
            if (scheme.equalsIgnoreCase(String.valueOf(o))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the HTTP checks ask of one attempt's messages, read in one pass and shared by the checks (each would
     * otherwise read every attempt's messages again).
     *
     * @param challenge        the first 401 (a proxy's 407) offering a scheme, or null
     * @param kerberosRequest  the first request whose Authorization carries Kerberos, or null
     * @param ntlmRequest      the first request whose Authorization carries NTLM, or null
     * @param ticketRequest    whether a TGS-REQ belongs to the attempt
     */
    record Exchange(Event challenge, Event kerberosRequest, Event ntlmRequest, boolean ticketRequest) {
    }

    static Exchange exchange(Analysis a, AuthAttempt at) {
        Map<AuthAttempt, Exchange> all = a.index("attempts.httpExchanges", () -> {
            Map<AuthAttempt, Exchange> m = new java.util.IdentityHashMap<>();
            for (AuthAttempt x : a.attempts()) {
                m.put(x, read(x));
            }
            return m;
        });
        Exchange x = all.get(at);
        return x != null ? x : read(at);
    }

    private static Exchange read(AuthAttempt at) {
        Event challenge = null, kerberos = null, ntlm = null;
        boolean tgs = false;
        for (Event e : at.events()) {
            if ("http".equals(e.protocol())) {
                int status = e.integer("status", 0);
                if (challenge == null && (status == 401 || status == 407) && !e.list("wwwAuthenticate").isEmpty()) {
                    challenge = e;
                }
                if (e.fields().get("authorization") instanceof Map<?, ?> m) {
                    Object token = m.get("token");
                    if (kerberos == null && "kerberos".equals(token)) {
                        kerberos = e;
                    } else if (ntlm == null && "ntlm".equals(token)) {
                        ntlm = e;
                    }
                }
            } else if ("kerberos".equals(e.protocol()) && "TGS-REQ".equals(e.string("msgType"))) {
                tgs = true;
            }
        }
        return new Exchange(challenge, kerberos, ntlm, tgs);
    }

    static String site(AuthAttempt at) {
        return at.host() != null ? at.host() : at.server().address();
    }

    /** The User-Agent of the attempt's first request that has one, or null. */
    static String userAgent(AuthAttempt at) {
        for (Event e : at.events()) {
            if ("http".equals(e.protocol()) && e.string("userAgent") != null) {
                return e.string("userAgent");
            }
        }
        return null;
    }

    /** The site's address as a user types it: scheme, host and the port when it is not the scheme's own. */
    static String url(AuthAttempt at) {
        int port = at.server().port();
        boolean tls = port == 443 || port == 8443 || at.serverRole() != null && at.serverRole().startsWith("HTTPS");
        String host = site(at);
        return (tls ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host)
                + (port == (tls ? 443 : 80) ? "" : ":" + port) + "/";
    }

    /**
     * The Windows events given as evidence whose IpAddress is {@code client} (logons and their failures), in the order
     * of the logs: filed by address once per analysis, since a server's Security log holds many thousands of events
     * and a capture many clients.
     */
    static List<EvidenceItem> eventsFrom(Analysis a, String client) {
        Map<String, List<EvidenceItem>> byAddress = a.index("http.eventsByAddress", () -> {
            Map<String, List<EvidenceItem>> m = new java.util.HashMap<>();
            for (EvidenceItem ev : a.evidence("events")) {
                if (ev.fields().get("data") instanceof Map<?, ?> d && d.get("IpAddress") != null) {
                    String address = EvidenceItem.address(d.get("IpAddress"));
                    if (address != null) {
                        m.computeIfAbsent(address, k -> new java.util.ArrayList<>()).add(ev);
                    }
                }
            }
            return m;
        });
        return byAddress.getOrDefault(client, List.of());
    }

    static List<String> spnFixes(AuthAttempt at) {
        String spn = at.spn() != null ? at.spn() : "HTTP/" + site(at);
        return List.of("setspn -Q " + spn, "klist get " + spn, "klist purge");
    }
}
