package org.kerbscope.checks.http;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code http.tls-encrypted}: an HTTPS attempt whose ticket was issued, where everything after it is encrypted, so the
 * capture alone cannot say whether the site accepted it. Says where the rest of the answer is: the site's Security log,
 * or a capture whose TLS keys were logged.
 */
public final class TlsEncryptedCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : a.attempts()) {
            if (at.outcome() != Outcome.INCOMPLETE || at.step(Step.AP_EXCHANGE) == null || !at.step(Step.AP_EXCHANGE).encrypted()) {
                continue;
            }
            List<Long> frames = new ArrayList<>();
            for (StepResult s : at.steps()) {
                if (s.encrypted()) {
                    frames.addAll(s.frames());
                }
            }
            String server = at.host() != null ? at.host() : at.server().address();
            FindingBuilder f = new FindingBuilder("http.tls-encrypted").severity(Severity.INFO).step(Step.AP_EXCHANGE)
                    .attempt(at.index())
                    .title("HTTPS to " + server + ": the ticket was issued, whether the site accepted it is encrypted")
                    .explanation("Steps 3, 4, 7 and 8 (the anonymous request, the 401, the Authorization header with the"
                            + " Kerberos AP-REQ and the answer) travel inside TLS; the capture shows the name resolution,"
                            + " the connection and the ticket for " + (at.spn() != null ? at.spn() : "the site") + ". The"
                            + " site's Security log says whether the logon succeeded (4624 with Kerberos, or 4625 and its"
                            + " status; give it with --events), or record again with the browser logging its TLS keys"
                            + " (SSLKEYLOGFILE, read by Chrome, Edge and Firefox) and give that key log with --tls-keylog"
                            + " (in the workbench: Preferences > Kerbscope > TLS key logs): the whole exchange is then read"
                            + " as in clear.")
                    .fix("Get-WinEvent -ComputerName " + server + " -FilterHashtable @{LogName='Security';Id=4624,4625}"
                            + " -MaxEvents 20", "setx SSLKEYLOGFILE \"%USERPROFILE%\\tls-keys.log\"");
            for (long frame : frames) {
                f.frame(frame, "TLS ClientHello: the HTTP exchange that follows is encrypted");
            }
            sink.report(f.build());
        }
    }
}
