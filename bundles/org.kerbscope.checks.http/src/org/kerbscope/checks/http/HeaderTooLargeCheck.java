package org.kerbscope.checks.http;

import java.util.List;

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
        List<Event> http = a.events("http");
        for (int i = 0; i < http.size(); i++) {
            Event req = http.get(i);
            int len = req.integer("authorizationLength", 0);
            if (!"request".equals(req.string("kind")) || len < LARGE) {
                continue;
            }
            for (int j = i + 1; j < http.size(); j++) {
                Event resp = http.get(j);
                if ("response".equals(resp.string("kind")) && resp.dst().equals(req.src()) && resp.src().equals(req.dst())) {
                    if (resp.integer("status", 0) == 400) {
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
                    break;
                }
            }
        }
    }
}
