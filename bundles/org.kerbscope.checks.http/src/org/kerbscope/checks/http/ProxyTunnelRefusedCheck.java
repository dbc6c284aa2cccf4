package org.kerbscope.checks.http;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code http.proxy-tunnel-refused}: the browser asked its web proxy for a tunnel to an HTTPS site (CONNECT, RFC 9110
 * 9.3.6) and the proxy refused it (403 by its rules, 502 or 504 when it cannot resolve or reach the site, 503 when it
 * cannot serve): the site's 401 was never reached. An intranet site is usually meant to bypass the proxy; through one,
 * the browser also counts it in the Internet zone and does not log on to it automatically.
 */
public final class ProxyTunnelRefusedCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : a.attempts()) {
            if (!"Proxy (HTTPS tunnel)".equals(at.serverRole()) || at.step(Step.CONNECT) == null
                    || at.step(Step.CONNECT).status() != StepStatus.FAILED || at.events().size() < 2) {
                continue;
            }
            Event connect = at.events().get(0);
            Event answer = at.events().get(1);
            if (!"CONNECT".equals(connect.string("method"))) {
                continue;
            }
            int status = answer.integer("status", 0);
            String why = switch (status) {
                case 403 -> "its rules forbid tunnels to this site (or to this port)";
                case 502, 504 -> "it could not resolve or reach the site: an intranet name the proxy's DNS does not know, or"
                        + " an address its network cannot route to";
                case 503 -> "it could not serve the request (overloaded, or no upstream proxy)";
                default -> "it answered " + status;
            };
            String site = at.host();
            sink.report(new FindingBuilder("http.proxy-tunnel-refused").severity(Severity.ERROR).step(Step.CONNECT)
                    .attempt(at.index())
                    .frame(connect.frame(), "CONNECT " + connect.string("uri") + " to the proxy " + at.server())
                    .frame(answer.frame(), status + (answer.string("reason") != null ? " " + answer.string("reason") : ""))
                    .title("The proxy " + at.server().address() + " refused the tunnel to " + site + " (" + status + ")")
                    .explanation("Step 2: the browser sends its HTTPS requests for " + site + " through the web proxy "
                            + at.server() + ", which answered CONNECT " + connect.string("uri") + " with " + status + ": "
                            + why + ". The site's 401 was never reached, so neither Kerberos nor NTLM was tried. An intranet"
                            + " site is usually meant to bypass the proxy (the proxy's bypass list, or the PAC file); through"
                            + " a proxy the browser also counts it in the Internet zone, where it does not log on"
                            + " automatically.")
                    .fix("netsh winhttp show proxy",
                            "reg query \"HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\" /v ProxyOverride",
                            "Resolve-DnsName " + site + "   # on the proxy",
                            "Test-NetConnection " + site + " -Port " + port(connect.string("uri")) + "   # on the proxy")
                    .build());
        }
    }

    private static String port(String authority) {
        int c = authority == null ? -1 : authority.lastIndexOf(':');
        return c > 0 && authority.indexOf(']', c) < 0 ? authority.substring(c + 1) : "443";
    }
}
