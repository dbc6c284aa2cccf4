package org.kerbscope.checks.http;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/** {@code http.auth-rejected}: a Kerberos AP-REQ was sent and the server (or proxy: 407) answered 401 again. */
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
    }
}
