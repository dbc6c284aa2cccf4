package org.kerbscope.checks.kerberos;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * A check raised by KRB-ERRORs with given codes: one finding per distinct (code, service principal, client),
 * citing every frame that shows it, tied to the attempt whose ticket step it failed when there is one.
 */
abstract class KdcErrorCheck implements Check {

    /** The error codes the check is about: it reads only these errors. */
    abstract int[] codes();

    /** The errors the check reads: those with one of its {@link #codes}, in frame order. */
    List<Event> errors(Analysis a) {
        return Flows.kdcErrors(a, codes());
    }

    /** Whether an error of one of {@link #codes} is the check's: by default every one (else the e-text decides). */
    boolean matches(Analysis a, Event error) {
        return true;
    }

    /** Fills title, explanation, step, severity and remediation for the error (never evidence: see run). */
    abstract void describe(Analysis a, Event error, Event request, FindingBuilder f);

    abstract String id();

    /** Errors that make one finding, and the request the first of them answers. */
    private record Group(List<Event> errors, Event request) {
    }

    @Override
    public void run(Analysis a, FindingSink sink) {
        // the groups depend on the messages alone: made once per analysis, whatever the attempts
        List<Group> groups = a.index("kerberos.errorGroups." + getClass().getName(), () -> groups(a));
        // a finding with the title and attempt of one already reported is a duplicate the pipeline drops: skip
        // building it (thousands of clients each get PREAUTH_REQUIRED)
        java.util.Set<String> reported = new java.util.HashSet<>();
        for (Group g : groups) {
            List<Event> errors = g.errors();
            Event e = errors.get(0);
            Event req = g.request();
            FindingBuilder f = new FindingBuilder(id()).attempt(attemptOf(a, errors));
            // describe() adds no evidence, so the frames below still come first
            describe(a, e, req, f);
            if (!reported.add(f.attemptIndex() + "|" + f.title())) {
                continue;
            }
            if (req != null) {
                f.frame(req.frame(), req.string("msgType") + (req.string("sname") != null ? " for " + req.string("sname")
                        : " without a service name")
                        + (req.string("cname") != null ? " by " + req.string("cname") : ""));
            }
            for (Event other : errors.subList(0, Math.min(errors.size(), 50))) {
                f.frame(other.frame(), "KRB-ERROR " + other.integer("errorCode", -1) + " " + other.string("errorName")
                        + (other.string("eText") != null ? " (" + other.string("eText") + ")" : ""));
            }
            sink.report(f.build());
        }
    }

    /**
     * The attempt whose ticket step one of the errors failed, else the one that cites the request the first error
     * answers ({@link Flows#attemptOfExchange}), or -1. Not only the first error's: a Windows client asks again for a
     * ticket the KDC refused (with other options, or over TCP), and the attempt's ticket step shows the last
     * exchange, so the first error is often cited by none.
     */
    private static int attemptOf(Analysis a, List<Event> errors) {
        for (Event e : errors) {
            int i = Flows.attemptOf(a, e.frame());
            if (i >= 0) {
                return i;
            }
        }
        return Flows.attemptOfExchange(a, errors.get(0));
    }

    /** One group per (code, service principal, client, user), in the order of each group's first error. */
    private List<Group> groups(Analysis a) {
        java.util.Map<String, List<Event>> byKey = new java.util.LinkedHashMap<>();
        for (Event e : errors(a)) {
            if (matches(a, e)) {
                String key = e.integer("errorCode", -1) + "|" + lower(e.string("sname")) + "|" + e.dst().address()
                        + "|" + lower(e.string("cname"));
                byKey.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(e);
            }
        }
        List<Group> out = new java.util.ArrayList<>();
        for (List<Event> errors : byKey.values()) {
            out.add(new Group(errors, requestOf(a, errors.get(0))));
        }
        return out;
    }

    static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    /** The request the error answers: the last request from the error's receiver to its sender before it. */
    static Event requestOf(Analysis a, Event error) {
        return Flows.requestBefore(a, error.src().address(), error.dst().address(), error.frame(), false);
    }

    /** The service principal the error concerns: the error's sname, else the request's. */
    static String spn(Event error, Event req) {
        String s = error.string("sname");
        // Heimdal (Samba's KDC) sends some errors with an empty sname
        if ((s == null || s.isEmpty() || s.toLowerCase(Locale.ROOT).startsWith("krbtgt/")) && req != null
                && req.string("sname") != null) {
            s = req.string("sname");
        }
        return s;
    }

    static String user(Event error, Event req) {
        String c = error.string("cname");
        if (c == null && req != null) {
            c = req.string("cname");
        }
        return c;
    }

    static String realm(Event error, Event req) {
        String r = error.string("realm");
        if (r == null && req != null) {
            r = req.string("realm");
        }
        return r;
    }

    /** The attempt a finding concerns (for names in the remediation), or null. */
    static AuthAttempt attempt(Analysis a, long frame) {
        int i = Flows.attemptOf(a, frame);
        return i >= 0 && i < a.attempts().size() ? a.attempts().get(i) : null;
    }

    static boolean isAsExchange(Event req) {
        return req != null && "AS-REQ".equals(req.string("msgType"));
    }

    /**
     * The option of a request that a KDC_ERR_BADOPTION (13) refused when it is not delegation: {@code renew},
     * {@code validate} or {@code enc-tkt-in-skey} (user-to-user) among the TGS-REQ's kdc-options (RFC 4120 2.9 and
     * 3.3.3), {@code as} for an AS exchange; null for every other request (S4U2Proxy, a forwardable ticket: MS-SFU
     * 3.2.5.2) and when the request was not captured.
     */
    static String refusedOption(Event req) {
        if (req == null) {
            return null;
        }
        if (isAsExchange(req)) {
            return "as";
        }
        List<Object> options = req.list("kdcOptions");
        if (options == null || options.contains("cname-in-addl-tkt")) {
            return null;
        }
        for (String o : List.of("renew", "validate", "enc-tkt-in-skey")) {
            if (options.contains(o)) {
                return o;
            }
        }
        return null;
    }

    static List<String> list(String... s) {
        return List.of(s);
    }

    static boolean skewText(Event e) {
        String t = e.string("eText");
        return t != null && t.toLowerCase(Locale.ROOT).contains("skew");
    }

    static boolean preauthText(Event e) {
        String t = e.string("eText");
        return t != null && t.toUpperCase(Locale.ROOT).contains("PREAUTH");
    }

    /** sAMAccountName-ish form of a principal: john@CONTOSO.COM or CONTOSO\\john → john. */
    static String simple(String user) {
        if (user == null) {
            return "<user>";
        }
        String u = user;
        int at = u.indexOf('@');
        if (at > 0) {
            u = u.substring(0, at);
        }
        int bs = u.lastIndexOf('\\');
        return bs >= 0 ? u.substring(bs + 1) : u;
    }

    /** The account state behind KDC_ERR_CLIENT_REVOKED, from the KERB-EXT-ERROR NTSTATUS. */
    static String accountState(int ntstatus) {
        return switch (ntstatus) {
            case 0xC0000234 -> "locked out";
            case 0xC0000072 -> "disabled";
            case 0xC0000193 -> "expired";
            case 0xC000006F -> "outside its allowed logon hours";
            case 0xC0000070 -> "not allowed to log on from this workstation";
            default -> "disabled, locked out or expired";
        };
    }

    /** Whether the client repeated the request that got {@code error} over TCP. */
    static boolean retriedOverTcp(Analysis a, Event error) {
        java.util.Map<String, Long> lastTcp = a.index("kerberos.lastTcpFrameBySender", () -> {
            java.util.Map<String, Long> m = new java.util.HashMap<>();
            for (Event k : a.events("kerberos")) {
                if ("kdc-tcp".equals(k.string("carrier"))) {
                    m.merge(k.src().address(), k.frame(), Math::max);
                }
            }
            return m;
        });
        return lastTcp.getOrDefault(error.dst().address(), Long.MIN_VALUE) > error.frame();
    }
}
