package org.kerbscope.checks.http;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/** {@code http.ntlm-only}: the server's challenge offers NTLM and not Negotiate, so Kerberos is never possible. */
public final class NtlmOnlyCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : a.attempts()) {
            Event c = HttpChecks.exchange(a, at).challenge();
            if (c == null || !HttpChecks.offers(c, "NTLM") || HttpChecks.offers(c, "Negotiate")
                    || HttpChecks.offers(c, "Kerberos")) {
                continue;
            }
            boolean proxy = c.integer("status", 401) == 407;
            FindingBuilder f = new FindingBuilder("http.ntlm-only").severity(Severity.WARNING).step(Step.CHALLENGE)
                    .attempt(at.index()).frame(c.frame(), c.integer("status", 401) + " offering only " + c.list("wwwAuthenticate"));
            if (proxy) {
                // a web proxy: IIS's providers are not the place; the proxy's own authentication schemes are
                f.title("The proxy " + HttpChecks.site(at) + " offers NTLM but not Negotiate")
                        .explanation("Step 4: the proxy's 407 challenge lists NTLM and not Negotiate, so the client cannot use"
                                + " Kerberos with it whatever its tickets. Enable Negotiate (Kerberos) in the proxy's"
                                + " authentication settings, with a keytab or account that holds the proxy's SPN.")
                        .fix(HttpChecks.spnFixes(at).toArray(String[]::new));
            } else {
                f.title("The site offers NTLM but not Negotiate")
                        .explanation("Step 4: the server's 401 challenge lists NTLM and not Negotiate, so the client cannot use"
                                + " Kerberos whatever its tickets. In IIS Manager > Authentication > Windows Authentication >"
                                + " Providers, put Negotiate first (the guide's configuration: Negotiate, then NTLM).")
                        .fix("%windir%\\system32\\inetsrv\\appcmd.exe list config \"Default Web Site\" -section:system.webServer/security/authentication/windowsAuthentication",
                                "%windir%\\system32\\inetsrv\\appcmd.exe set config \"Default Web Site\" -section:system.webServer/security/authentication/windowsAuthentication /+\"providers.[value='Negotiate']\" /commit:apphost");
            }
            sink.report(f.build());
        }
    }
}
