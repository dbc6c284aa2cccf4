package org.kerbscope.checks.http;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code http.auth-rejected}: a Kerberos AP-REQ was sent and the server (or proxy: 407) answered 401 again; or,
 * from {@code Invoke-WebRequest -UseDefaultCredentials} output, IIS's "401 - Unauthorized: Access is denied due to
 * invalid credentials" (401.1: the client authenticated with the signed-in user's credentials and the server refused
 * them).
 */
public final class AuthRejectedCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : a.attempts()) {
            Event ap = HttpChecks.exchange(a, at).kerberosRequest();
            StepResult auth = at.step(Step.AUTHORIZED);
            if (ap == null || auth == null || auth.status() != StepStatus.FAILED || auth.frames().isEmpty()) {
                continue;
            }
            // the verdict: the site's 401 again, or a proxy's 407
            long verdict = auth.frames().get(0);
            int again = at.events().stream().filter(e -> e.frame() == verdict && "http".equals(e.protocol()))
                    .mapToInt(e -> e.integer("status", 0)).findFirst().orElse(0);
            if (again != 401 && again != 407) {
                continue;
            }
            sink.report(new FindingBuilder("http.auth-rejected").step(Step.AUTHORIZED).attempt(at.index())
                    .frame(ap.frame(), "Authorization: Negotiate with a Kerberos AP-REQ for " + at.spn())
                    .frame(auth.frames().get(0), again + " again")
                    .title("The server rejected the Kerberos ticket for " + HttpChecks.site(at))
                    .explanation("Step 8 failed: the client got a ticket and sent it, and the server answered " + again + " again — it"
                            + " could not accept the AP-REQ. See the other findings for the cause (service key, clock, SPN on the"
                            + " wrong account); the server's Security log (event 4625, or 4769 on the DC) names it.")
                    .fix("Get-WinEvent -FilterHashtable @{LogName='Security';Id=4625} -MaxEvents 20", "setspn -X", "klist purge")
                    .build());
        }
        for (EvidenceItem ev : a.evidence("webRequests")) {
            Object error = ev.fields().get("error");
            if (!Integer.valueOf(401).equals(ev.fields().get("status")) || error == null
                    || !error.toString().toLowerCase(java.util.Locale.ROOT).contains("invalid credentials")) {
                continue;
            }
            Object uri = ev.fields().get("uri");
            String site = uri != null ? uri.toString() : "the site";
            sink.report(new FindingBuilder("http.auth-rejected").step(Step.AUTHORIZED)
                    .file(ev.file(), "Invoke-WebRequest " + site + ": " + error.toString().lines().findFirst().orElse(""))
                    .title(site + " refused the signed-in user's credentials (401.1)")
                    .explanation("Invoke-WebRequest -UseDefaultCredentials authenticated as the signed-in user and IIS answered"
                            + " 401.1 (\"Access is denied due to invalid credentials\"): the server could not accept the Kerberos"
                            + " ticket or NTLM response it was given. With Kerberos the usual causes are the SPN registered on"
                            + " another account than the application pool's identity (the service key does not match), a"
                            + " clock difference, or a duplicate SPN; with NTLM, a wrong or expired password. A capture of the"
                            + " request, klist get for the site's SPN and the server's Security log (4625) tell which.")
                    .fix("klist get HTTP/" + host(site), "setspn -Q HTTP/" + host(site), "setspn -X",
                            "Get-WinEvent -FilterHashtable @{LogName='Security';Id=4625} -MaxEvents 20")
                    .build());
        }
    }

    /** The host of a URI as Invoke-WebRequest was given it: http://webapp.contoso.com:8080/x → webapp.contoso.com. */
    static String host(String uri) {
        String h = uri.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://", "");
        int end = 0;
        while (end < h.length() && "/?#".indexOf(h.charAt(end)) < 0) {
            end++;
        }
        h = h.substring(0, end);
        h = h.substring(h.lastIndexOf('@') + 1);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close > 0 ? h.substring(0, close + 1) : h;
        }
        int colon = h.indexOf(':');
        return colon >= 0 ? h.substring(0, colon) : h;
    }
}
