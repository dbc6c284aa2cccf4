package org.kerbscope.checks.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;

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

    /** The first 401 of the attempt, or null. */
    static Event challenge(AuthAttempt at) {
        for (Event e : at.events()) {
            if ("http".equals(e.protocol()) && e.integer("status", 0) == 401 && !e.list("wwwAuthenticate").isEmpty()) {
                return e;
            }
        }
        return null;
    }

    /** The first request whose Authorization carries {@code token} (kerberos, ntlm), or null. */
    static Event requestWith(AuthAttempt at, String token) {
        for (Event e : at.events()) {
            if ("http".equals(e.protocol()) && e.fields().get("authorization") instanceof Map<?, ?> m
                    && token.equals(m.get("token"))) {
                return e;
            }
        }
        return null;
    }

    static boolean hasTgsFor(AuthAttempt at) {
        for (Event e : at.events()) {
            if ("kerberos".equals(e.protocol()) && "TGS-REQ".equals(e.string("msgType"))) {
                return true;
            }
        }
        return false;
    }

    static String site(AuthAttempt at) {
        return at.host() != null ? at.host() : at.server().address();
    }

    static String zoneFix(AuthAttempt at) {
        String host = site(at).toLowerCase(Locale.ROOT);
        String domain = host.contains(".") ? host.substring(host.indexOf('.') + 1) : host;
        return "Add the site to the Local intranet zone (Internet Options > Security > Local intranet > Sites), or by policy:"
                + " Site to Zone Assignment List: *." + domain + " = 1";
    }

    static List<String> spnFixes(AuthAttempt at) {
        String spn = at.spn() != null ? at.spn() : "HTTP/" + site(at);
        return List.of("setspn -Q " + spn, "klist get " + spn, "klist purge");
    }
}
