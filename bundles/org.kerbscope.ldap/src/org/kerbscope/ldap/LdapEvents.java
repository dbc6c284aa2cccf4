package org.kerbscope.ldap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;

/** What the LDAP service profile and checks ask of {@code ldap} events and of an LDAP attempt. */
final class LdapEvents {
    private LdapEvents() {
    }

    /** Requests travel client → server; everything else (results, entries) server → client. */
    static boolean isRequest(Event e) {
        String op = String.valueOf(e.string("op"));
        return op.endsWith("Request") || op.equals("extendedReq");
    }

    /** A bind that authenticates someone (not an anonymous one), or a server answer that shows one happened. */
    static boolean authenticates(Event e) {
        String op = e.string("op");
        if ("bindRequest".equals(op)) {
            return !e.fields().containsKey("anonymous") || e.string("bindName") != null;
        }
        return "bindResponse".equals(op) && (e.fields().containsKey("saslCredsKind") || e.integer("resultCode", 0) != 0);
    }

    /** A simple bind with a password (the password itself is never in the event). */
    static boolean simpleWithCredentials(Event e) {
        return "bindRequest".equals(e.string("op")) && "simple".equals(e.string("authChoice")) && e.is("password", true);
    }

    /** The host of an SPN: ldap/dc01.contoso.com/contoso.com → dc01.contoso.com. */
    static String spnHost(String spn) {
        if (spn == null) {
            return null;
        }
        String[] p = spn.split("/");
        if (p.length < 2) {
            return null;
        }
        String h = p[1];
        int at = h.indexOf('@');
        return at > 0 ? h.substring(0, at) : h;
    }

    /** The LDAP attempts of an analysis. */
    static List<AuthAttempt> attempts(Analysis a) {
        List<AuthAttempt> out = new ArrayList<>();
        for (AuthAttempt at : a.attempts()) {
            if (LdapService.SERVICE.equals(at.service())) {
                out.add(at);
            }
        }
        return out;
    }

    /** The attempt's LDAP events with this op, in frame order. */
    static List<Event> ops(AuthAttempt at, String op) {
        List<Event> out = new ArrayList<>();
        for (Event e : at.events()) {
            if (LdapService.SERVICE.equals(e.protocol()) && op.equals(e.string("op"))) {
                out.add(e);
            }
        }
        return out;
    }

    /** The bindRequest a bindResponse answers: same connection and messageID, the last one before it. */
    static Event requestFor(AuthAttempt at, Event response) {
        Event best = null;
        for (Event e : ops(at, "bindRequest")) {
            if (e.frame() <= response.frame() && e.src().equals(response.dst())
                    && e.integer("messageId", -1) == response.integer("messageId", -2)) {
                best = e;
            }
        }
        return best;
    }

    /**
     * Who a bind tried to authenticate as: the NTLM AUTHENTICATE it carried (DOMAIN\\user), else its bind name,
     * else the attempt's user; null when nothing names anyone.
     */
    static String user(Analysis a, AuthAttempt at, Event request) {
        if (request != null) {
            for (Event n : org.kerbscope.core.flow.Flows.atFrame(a, "ntlm", request.frame())) {
                if ("AUTHENTICATE".equals(n.string("messageType"))
                        && n.string("user") != null && !n.string("user").isEmpty()) {
                    String d = n.string("domain");
                    return (d != null && !d.isEmpty() ? d + "\\" : "") + n.string("user");
                }
            }
            if (request.string("bindName") != null) {
                return request.string("bindName");
            }
        }
        return at.user();
    }

    /**
     * The account name PowerShell's AD cmdlets take from what a bind names: CONTOSO\John → John,
     * john@contoso.com → john, CN=John Smith,CN=Users,… → John Smith.
     */
    static String identity(String user) {
        if (user == null || user.isBlank()) {
            return "<account>";
        }
        String u = user.trim();
        if (u.regionMatches(true, 0, "CN=", 0, 3)) {
            int comma = u.indexOf(',');
            return comma > 3 ? u.substring(3, comma) : u.substring(3);
        }
        int bs = u.lastIndexOf('\\');
        if (bs >= 0) {
            return u.substring(bs + 1);
        }
        int at = u.indexOf('@');
        return at > 0 ? u.substring(0, at) : u;
    }

    /** The server as the user knows it: its DNS name, else its address. */
    static String server(AuthAttempt at) {
        return at.host() != null ? at.host() : at.server().address();
    }

    static String spn(AuthAttempt at) {
        return at.spn() != null ? at.spn() : LdapService.SPN_CLASS + "/" + server(at).toLowerCase(Locale.ROOT);
    }
}
