package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/** {@code dns.ip-literal-host}: the client addressed the site by IP address, so Windows does not try Kerberos. */
public final class IpLiteralCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : a.attempts()) {
            if (!Flows.isIpLiteral(at.host())) {
                continue;
            }
            String cls = at.spn() != null && at.spn().contains("/") ? at.spn().substring(0, at.spn().indexOf('/')) : "HTTP";
            FindingBuilder f = new FindingBuilder("dns.ip-literal-host").severity(Severity.WARNING)
                    .step(Step.NAME_RESOLUTION).attempt(at.index());
            for (Event e : at.events()) {
                if ("http".equals(e.protocol()) && e.string("host") != null) {
                    f.frame(e.frame(), "Host: " + e.string("host"));
                    break;
                }
            }
            sink.report(f.title("The client addressed the " + ("http".equals(at.service()) ? "site" : at.service() + " server")
                    + " by IP address (" + at.host() + ")")
                    .explanation("Kerberos needs a service principal name (" + cls + "/host), and Windows builds it from a host name: for an IP"
                            + " address it does not ask for a ticket (unless the client allows IP SPNs with TryIPSPN and an"
                            + " SPN exists for the address), so Negotiate falls back to NTLM. Use the server's DNS name.")
                    .fix("Resolve-DnsName -Name " + at.host(), "setspn -Q " + cls + "/" + at.host())
                    .build());
        }
    }
}
