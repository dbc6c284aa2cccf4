package org.kerbscope.checks.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code http.header-too-large}: a 400 answering a request whose Authorization header is large — the Kerberos
 * token grew past the server's header limit (token bloat from many group memberships).
 */
public final class HeaderTooLargeCheck implements Check {
    static final int LARGE = 4096;

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (Refused refused : a.index("http.largeRequestsRefused", () -> refused(a))) {
            Event req = refused.request();
            Event resp = refused.response();
            int len = req.integer("authorizationLength", 0);
            sink.report(new FindingBuilder("http.header-too-large").step(Step.AP_EXCHANGE)
                    .attempt(org.kerbscope.core.flow.Flows.attemptOf(a, req.frame()))
                    .frame(req.frame(), "Authorization header of " + len + " bytes")
                    .frame(resp.frame(), "400 Bad Request")
                    .title("The Kerberos token is too large for the server (" + len + " bytes)")
                    .explanation("The server answered 400 to a request whose Authorization header holds " + len
                            + " bytes. Tickets grow with the user's group memberships (the PAC); past the server's"
                            + " limit (http.sys MaxFieldLength / MaxRequestBytes) the request is refused. Raise the"
                            + " limits on the server, or reduce the user's group memberships.")
                    .fix("reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters /v MaxFieldLength /t REG_DWORD /d 65534 /f",
                            "reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters /v MaxRequestBytes /t REG_DWORD /d 16777216 /f",
                            "whoami /groups")
                    .build());
        }
    }

    /**
     * Each large request the server answered 400, with that answer, in the order of the requests: they depend on the
     * messages alone, so they are found once per analysis.
     */
    private static List<Refused> refused(Analysis a) {
        // each large request with the next response on its connection, paired in one pass
        Map<Connection, List<Event>> waiting = new HashMap<>();
        Map<Event, Event> answers = new IdentityHashMap<>();
        List<Event> large = new ArrayList<>();
        for (Event e : a.events("http")) {
            String kind = e.string("kind");
            if ("response".equals(kind)) {
                List<Event> requests = waiting.remove(new Connection(e.dst(), e.src()));
                if (requests != null) {
                    requests.forEach(r -> answers.put(r, e));
                }
            } else if ("request".equals(kind) && e.integer("authorizationLength", 0) >= LARGE) {
                waiting.computeIfAbsent(new Connection(e.src(), e.dst()), k -> new ArrayList<>()).add(e);
                large.add(e);
            }
        }
        List<Refused> out = new ArrayList<>();
        for (Event req : large) {
            Event resp = answers.get(req);
            if (resp != null && resp.integer("status", 0) == 400) {
                out.add(new Refused(req, resp));
            }
        }
        return out;
    }

    /** A large request and the 400 that answered it. */
    private record Refused(Event request, Event response) {
    }
}
